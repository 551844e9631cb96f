"""Every write of the courses app. Each service is atomic and raises ValidationError with a
message a person can act on."""

from courses.services.catalogue import course_components_check, course_create, course_save
from courses.services.certificate_lifecycle import certificate_reissue, certificate_revoke
from courses.services.enrolment import (
    enrolment_create,
    enrolment_create_many,
    enrolment_withdraw,
)
from courses.services.grids import attendance_save, gradebook_save
from courses.services.results import session_finalise, session_results_reopen
from courses.services.sessions import session_create, session_save, session_transition

__all__ = [
    "attendance_save",
    "certificate_reissue",
    "certificate_revoke",
    "course_components_check",
    "course_create",
    "course_save",
    "enrolment_create",
    "enrolment_create_many",
    "enrolment_withdraw",
    "gradebook_save",
    "session_create",
    "session_finalise",
    "session_results_reopen",
    "session_save",
    "session_transition",
]
