"""Certificates held by given trainees, from sessions taught by a given instructor, for the
tests of who may fetch them."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.files.base import ContentFile

from courses.models import Certificate, Course, CourseSession
from courses.services import (
    attendance_save,
    enrolment_create_many,
    gradebook_save,
    session_finalise,
    session_transition,
)
from tests.courses.helpers import a_session


def results_finalised(session: CourseSession, *, by, failing=()) -> CourseSession:
    """``session`` (in progress) with everyone present and full marks, zero for the trainees
    in ``failing``, and its results finalised by ``by``: each passer holds a pending
    certificate."""
    enrolments = list(session.enrolments.select_related("trainee"))
    marks = {(e.pk, day): "present" for e in enrolments for day in session.days}
    attendance_save(session=session, by=by, marks=marks)
    components = list(session.course.components.all())
    scores = {
        (e.pk, c.pk): Decimal(0) if e.trainee in failing else c.max_score
        for e in enrolments
        for c in components
    }
    session = gradebook_save(
        session=session, by=by, version=session.gradebook_version, scores=scores
    )
    return session_finalise(session=session, by=by)


def taught_and_finalised(
    instructor, trainees, *, code="UOF-2026-01", course=None, week=0, failing=()
) -> CourseSession:
    """A session of ``course`` (the Use of Force course, made once, if None) in the week
    ``week`` weeks after 2 March 2026, taught by ``instructor`` with ``trainees``, its results
    finalised (see results_finalised)."""
    start = datetime.date(2026, 3, 2) + datetime.timedelta(weeks=week)
    session = a_session(
        course or Course.objects.filter(code="UOF").first(),
        code,
        status="open",
        capacity=len(trainees),
        instructors=[instructor],
        start_date=start,
        end_date=start + datetime.timedelta(days=4),
    )
    enrolment_create_many(session=session, trainees=trainees, by=None)
    session = session_transition(session=session, to="in_progress")
    return results_finalised(session, by=instructor, failing=failing)


def stand_in_pdf(certificate: Certificate) -> bytes:
    return f"%PDF-1.4\n% {certificate.serial}\n%%EOF\n".encode()


def issued_without_rendering(certificate: Certificate) -> Certificate:
    """What the rendering worker leaves, without WeasyPrint's time: a small stand-in PDF
    stored through the storage API, and the status issued. For tests in which what the PDF
    shows does not matter (those that do use certificate_render)."""
    certificate.pdf.save(f"{certificate.serial}.pdf", ContentFile(stand_in_pdf(certificate)))
    certificate.status = Certificate.Status.ISSUED
    certificate.save()
    return certificate
