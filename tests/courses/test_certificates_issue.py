"""Finalising a session gives every trainee who passed a pending certificate: a serial number
without gaps, a verification code, a frozen issue date and validity, the printed fields."""

import datetime
import re
import threading
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from cecopam.dates import months_later
from courses.models import Certificate
from courses.services import (
    attendance_save,
    gradebook_save,
    session_finalise,
    session_results_reopen,
    session_transition,
)
from courses.verification_codes import (
    ALPHABET,
    verification_code_new,
    verification_code_normalise,
)
from tests.courses.helpers import a_course, a_session, seated

YEAR = datetime.date.today().year


def in_progress(code, count, *, start=0, course=None):
    session = a_session(course, code, status="open", capacity=count)
    enrolments = seated(session, count, start=start)
    return session_transition(session=session, to="in_progress"), enrolments


def scored(session, enrolments, by, *, failing=()):
    """Present every day and full marks, except zero on every component for the trainees in
    ``failing``."""
    marks = {(e.pk, day): "present" for e in enrolments for day in session.days}
    attendance_save(session=session, by=by, marks=marks)
    components = list(session.course.components.all())
    scores = {
        (e.pk, c.pk): Decimal(0) if e in failing else c.max_score
        for e in enrolments
        for c in components
    }
    return gradebook_save(session=session, by=by, version=session.gradebook_version, scores=scores)


@pytest.mark.django_db
def test_each_trainee_who_passed_gets_one_pending_certificate_numbered_without_gaps(instructor):
    session, enrolments = in_progress("UOF-2026-01", 4)
    session = scored(session, enrolments, instructor, failing=[enrolments[3]])
    session_finalise(session=session, by=instructor)

    certificates = list(Certificate.objects.order_by("serial"))
    assert [c.serial for c in certificates] == [f"CECOPAM-{YEAR}-00000{n}" for n in (1, 2, 3)]
    assert {c.enrolment_id for c in certificates} == {e.pk for e in enrolments[:3]}
    for certificate in certificates:
        assert certificate.status == "pending"
        assert re.fullmatch(f"[{ALPHABET}]{{12}}", certificate.code)
        assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", certificate.code_display)
        assert certificate.issued_on == datetime.date.today()
        assert certificate.valid_until == months_later(certificate.issued_on, 24)
        trainee = certificate.enrolment.trainee
        snapshot = certificate.snapshot
        assert snapshot["holder"] == trainee.full_name
        assert snapshot["serial"] == certificate.serial
        assert (snapshot["course_title_es"], snapshot["course_title_en"]) == (
            "Uso de la fuerza",
            "Use of force",
        )
        assert (snapshot["nationality_es"], snapshot["nationality_en"]) == ("México", "Mexico")
        assert snapshot["session_code"] == "UOF-2026-01" and snapshot["total"] == "100.00"
        assert certificate.history.get().history_user == instructor


@pytest.mark.django_db
def test_finalising_again_after_a_reopening_keeps_the_certificates_and_their_serials(
    instructor, administrator
):
    session, enrolments = in_progress("UOF-2026-01", 3)
    session = scored(session, enrolments, instructor)
    session_finalise(session=session, by=instructor)
    before = list(Certificate.objects.values_list("pk", "serial", "code").order_by("pk"))
    session = session_results_reopen(session=session, by=administrator, reason="Corrección")
    session_finalise(session=session, by=instructor)
    assert list(Certificate.objects.values_list("pk", "serial", "code").order_by("pk")) == before


@pytest.mark.django_db
def test_a_course_without_validity_gives_certificates_that_do_not_expire(instructor):
    course = a_course("POC", validity_months=None)
    session, enrolments = in_progress("POC-2026-01", 1, course=course)
    session_finalise(session=scored(session, enrolments, instructor), by=instructor)
    assert Certificate.objects.get().valid_until is None


@pytest.mark.django_db
def test_an_enrolment_holds_one_certificate_in_force_in_the_database(instructor):
    session, enrolments = in_progress("UOF-2026-01", 1)
    session_finalise(session=scored(session, enrolments, instructor), by=instructor)
    first = Certificate.objects.get()
    second = Certificate(
        enrolment=first.enrolment,
        serial="CECOPAM-1999-000001",
        code=verification_code_new(),
        issued_on=first.issued_on,
        snapshot={},
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        second.save()
    first.status = Certificate.Status.SUPERSEDED
    first.save()
    second.save()  # once the first is superseded, its replacement may exist


@pytest.mark.django_db(transaction=True)
def test_sessions_finalised_at_the_same_moment_share_the_year_numbers_without_gaps():
    from tests.factories import make_user

    instructor = make_user("ivan.instructor", role="instructor")
    course = a_course()
    first = in_progress("UOF-2026-01", 5, course=course)
    second = in_progress("UOF-2026-02", 5, start=5, course=course)
    sessions = [scored(s, e, instructor) for s, e in (first, second)]
    barrier = threading.Barrier(2)
    errors = []

    def finalise(session):
        try:
            barrier.wait()
            session_finalise(session=session, by=instructor)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=finalise, args=(s,)) for s in sessions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    serials = sorted(Certificate.objects.values_list("serial", flat=True))
    assert serials == [f"CECOPAM-{YEAR}-{n:06d}" for n in range(1, 11)]


def test_a_typed_code_is_read_in_any_case_with_spaces_dashes_and_look_alike_letters():
    assert verification_code_normalise("8f3k-92jd-xq7p") == "8F3K92JDXQ7P"
    assert verification_code_normalise(" 8F3K 92JD XQ7P ") == "8F3K92JDXQ7P"
    assert verification_code_normalise("O1LI-0000-0000") == "01110000" + "0000"
    for bad in ("", "8F3K-92JD-XQ7", "8F3K-92JD-XQ7PP", "8F3K-92JD-XQ7U", "8F3K/92JD/XQ7P"):
        assert verification_code_normalise(bad) is None


def test_new_codes_are_twelve_crockford_characters_and_do_not_repeat():
    codes = {verification_code_new() for _ in range(10_000)}
    assert len(codes) == 10_000
    assert all(len(code) == 12 and set(code) <= set(ALPHABET) for code in codes)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (datetime.date(2026, 1, 31), 1, datetime.date(2026, 2, 28)),
        (datetime.date(2027, 1, 31), 13, datetime.date(2028, 2, 29)),
        (datetime.date(2026, 11, 24), 24, datetime.date(2028, 11, 24)),
        (datetime.date(2026, 12, 15), 1, datetime.date(2027, 1, 15)),
    ],
)
def test_validity_ends_the_same_day_months_later_or_at_the_months_end(day, months, expected):
    assert months_later(day, months) == expected
