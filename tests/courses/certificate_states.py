"""Certificates in each state an administrator meets, reached through the services: issued
(rendered), failed (the render raised until out of attempts), revoked, superseded; and a
trainee's record corrected the way the record page saves it."""

from __future__ import annotations

import contextlib
import datetime
from unittest import mock

from django.forms.models import model_to_dict

from courses.models import Certificate, Course
from courses.services import (
    attendance_save,
    enrolment_create_many,
    gradebook_save,
    session_finalise,
    session_transition,
)
from courses.services.certificates import certificate_render, certificate_render_failed
from tests.courses.helpers import a_session
from trainees.forms import ClearanceFormSet, LanguageFormSet, TraineeForm
from trainees.services import trainee_record_save


def finalised_with(
    trainees,
    *,
    code: str,
    by,
    course: Course | None = None,
    on: datetime.date | None = None,
    **session_fields,
):
    """A session of ``course`` with ``trainees``, all present with full marks, finalised by
    ``by`` (on the day ``on`` if given): one pending certificate per trainee, returned."""
    session = a_session(course, code, status="open", capacity=len(trainees), **session_fields)
    enrolments = enrolment_create_many(session=session, trainees=trainees, by=None)
    session = session_transition(session=session, to="in_progress")
    marks = {(e.pk, day): "present" for e in enrolments for day in session.days}
    attendance_save(session=session, by=by, marks=marks)
    scores = {
        (e.pk, c.pk): c.max_score for e in enrolments for c in session.course.components.all()
    }
    session = gradebook_save(
        session=session, by=by, version=session.gradebook_version, scores=scores
    )
    if on is None:
        session_finalise(session=session, by=by)
    else:
        with mock.patch("django.utils.timezone.localdate", return_value=on):
            session_finalise(session=session, by=by)
    return list(Certificate.objects.filter(enrolment__session=session).order_by("serial"))


def issued(certificate: Certificate) -> Certificate:
    """The certificate rendered by the worker's service: PDF stored, status issued."""
    return certificate_render(certificate_id=certificate.pk)


def failed(certificate: Certificate, settings, error="OSError: no space left on device"):
    """The certificate after a render that raised on its last allowed attempt (what the
    Celery task does with the error): status failed, the error kept."""
    settings.CERTIFICATE_RENDER_MAX_ATTEMPTS = 1
    with (
        mock.patch("courses.services.certificates.certificate_pdf", side_effect=OSError(error)),
        contextlib.suppress(OSError),
    ):
        certificate_render(certificate_id=certificate.pk)
    return certificate_render_failed(certificate_id=certificate.pk, error=error)


def record_corrected(trainee, **changes):
    """The trainee's record saved from its edit form with ``changes`` (no clearances or
    languages touched)."""
    data = {
        f"trainee-{name}": value
        for name, value in model_to_dict(trainee, fields=TraineeForm._meta.fields).items()
        if value is not None
    }
    data["trainee-nationality"] = str(trainee.nationality)
    data.update({f"trainee-{name}": value for name, value in changes.items()})
    for prefix in ("clearances", "languages"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    form = TraineeForm(data, instance=trainee, prefix="trainee")
    clearances = ClearanceFormSet(data, instance=trainee, prefix="clearances")
    languages = LanguageFormSet(data, instance=trainee, prefix="languages")
    assert form.is_valid() and clearances.is_valid() and languages.is_valid(), form.errors
    return trainee_record_save(form=form, clearances=clearances, languages=languages)
