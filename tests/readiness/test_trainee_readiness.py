"""A trainee's deployment readiness on their record page (administrators) and on their portal
(the trainee, phrased as what to do next); never for instructors."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from courses.models import Course
from courses.services import enrolment_create
from readiness.engine import Verdict
from readiness.record import readiness_by_profile
from readiness.selectors import readiness_of_trainee
from tests.courses.helpers import a_session
from tests.factories import make_user
from tests.readiness.test_selectors import an_observer, certificate, granted, seed_minurso
from tests.trainees.helpers import a_trainee
from trainees.models import Clearance, LanguageSkill, Trainee

pytestmark = pytest.mark.django_db

K = Clearance.Kind
ON = datetime.date(2026, 9, 1)  # UNIFIL's mandate runs to 31 Dec 2026: more than 90 days


@pytest.fixture(autouse=True)
def reference_data():
    seed_minurso()


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def observer(n=0, *, french="B1", today=None, **overrides):
    """A military observer who, on ``today``, holds everything the observers' profile asks but
    French B2 (French ``french``, no other language), with the driving licence lapsing in 30
    days."""
    today = today or timezone.localdate()
    trainee = an_observer(
        n,
        date_of_birth=today.replace(year=today.year - 35),
        service_start_date=today.replace(year=today.year - 12),
        **overrides,
    )
    LanguageSkill.objects.create(trainee=trainee, language="fr", level=french)
    issued = today - datetime.timedelta(days=100)
    for kind in (K.MEDICAL_MS3, K.HR_CERTIFICATION, K.HR_SELF_ATTESTATION):
        granted(trainee, kind, issued_on=issued, valid_until=today + datetime.timedelta(days=700))
    granted(
        trainee,
        K.DRIVING_LICENCE,
        issued_on=issued,
        valid_until=today + datetime.timedelta(days=30),
    )
    granted(
        trainee, K.PASSPORT, issued_on=issued, valid_until=today + datetime.timedelta(days=3000)
    )
    for code in ("CPTM", "UNMEM"):
        certificate(
            trainee, code, issued_on=issued, valid_until=today + datetime.timedelta(days=700)
        )
    return trainee


def english_day(day: datetime.date) -> str:
    with translation.override("en"):
        return date_format(day)


def page(client, user, trainee) -> str:
    client.force_login(user)
    response = client.get(reverse("trainees:detail", args=[trainee.pk]))
    assert response.status_code == 200
    return response.text


# ------------------------------------------------------------------ who sees it


def test_an_administrator_sees_each_mission_s_verdict_and_what_is_missing(english, administrator):
    trainee = observer()
    text = page(english, administrator, trainee)
    assert "Deployment readiness" in text
    assert "Military Observer / Expert on Mission" in text
    assert "Not ready" in text
    # MINUSCA and MONUSCO work in French only: one row, so the finding is told once.
    assert text.count("French B2 required, has B1.") == 1
    assert "French or English B2 required, has French B1." in text  # MINURSO
    assert "English B2 required, none recorded." in text
    lapses = english_day(timezone.localdate() + datetime.timedelta(days=30))
    assert f"Driving licence expires on {lapses}." in text
    assert "What you still need" not in text


def test_the_trainee_sees_theirs_on_the_portal_as_what_to_do_next(english):
    user = make_user("olga.observer", role="trainee")
    observer(user=user)
    english.force_login(user)
    text = english.get(reverse("portal")).text
    assert "Deployment readiness" in text
    assert "What you still need" in text
    assert "French B2 required, has B1." in text
    renew = english_day(timezone.localdate() + datetime.timedelta(days=30))
    assert f"Driving licence: renew before {renew}." in text
    assert "expires on" not in text


def test_an_instructor_does_not_see_a_trainee_s_readiness(english, instructor, administrator):
    trainee = observer()
    enrolment_create(
        session=a_session(Course.objects.get(code="UOF"), status="open", instructors=[instructor]),
        trainee=trainee,
        by=administrator,
    )
    text = page(english, instructor, trainee)
    assert trainee.first_surname in text
    assert "Deployment readiness" not in text
    assert "French B2 required" not in text


def test_the_section_renders_in_spanish_by_default(client, administrator):
    text = page(client, administrator, observer())
    assert "MINURSO" in text and "MONUSCO" in text


# ------------------------------------------------------------------ grouping


def groups_of(trainee, on=ON):
    with translation.override("en"):
        [entry] = readiness_by_profile(
            results=readiness_of_trainee(trainee=trainee, on=on), own=False
        )
        return [(g.acronyms, g.verdict, g.missing, g.lapsing) for g in entry.groups]


def test_missions_with_the_same_verdict_and_findings_share_a_row():
    trainee = observer(today=ON)
    lapse = f"Driving licence expires on {english_day(ON + datetime.timedelta(days=30))}."
    assert groups_of(trainee) == [
        (
            "MINURSO",
            Verdict.NOT_READY,
            ("French or English B2 required, has French B1.",),
            (lapse,),
        ),
        (
            "MINUSCA, MONUSCO",
            Verdict.NOT_READY,
            ("French B2 required, has B1.",),
            (lapse,),
        ),
        (
            "UNIFIL",
            Verdict.NOT_READY,
            ("English or French B2 required, has French B1.",),
            (lapse,),
        ),
        (
            "UNISFA, UNMISS, UNMOGIP, UNTSO",
            Verdict.NOT_READY,
            ("English B2 required, none recorded.",),
            (lapse,),
        ),
        ("UNVMC", Verdict.NOT_READY, ("Spanish B2 required, none recorded.",), (lapse,)),
    ]


def test_ready_missions_come_first_and_the_closest_to_ready_next():
    trainee = observer(today=ON, french="B2")
    LanguageSkill.objects.create(trainee=trainee, language="en", level="B1")
    Clearance.objects.filter(trainee=trainee, kind=K.DRIVING_LICENCE).delete()
    granted(
        trainee,
        K.DRIVING_LICENCE,
        issued_on=ON - datetime.timedelta(days=10),
        valid_until=ON + datetime.timedelta(days=900),
    )
    rows = groups_of(trainee)
    assert rows[0] == ("MINURSO, MINUSCA, MONUSCO, UNIFIL", Verdict.READY, (), ())
    assert [acronyms for acronyms, *_ in rows[1:]] == ["UNISFA, UNMISS, UNMOGIP, UNTSO", "UNVMC"]
    assert {verdict for _, verdict, *_ in rows[1:]} == {Verdict.NOT_READY}


def test_a_mandate_ending_soon_keeps_its_mission_on_a_row_of_its_own():
    trainee = observer(today=datetime.date(2026, 11, 20), french="C1")
    rows = groups_of(trainee, on=datetime.date(2026, 11, 20))
    assert rows[0][:2] == ("MINURSO, MINUSCA, MONUSCO", Verdict.READY_EXPIRING)
    unifil = next(row for row in rows if row[0] == "UNIFIL")
    assert unifil[1] == Verdict.READY_EXPIRING
    assert unifil[3][0] == f"The UNIFIL mandate ends on {english_day(datetime.date(2026, 12, 31))}."
    assert unifil[3][1:] == rows[0][3]  # the driving licence, as for the others


# ------------------------------------------------------------------ no profile for them


def test_a_category_no_profile_covers_gets_a_note_for_administrators_and_nothing_for_them(
    english, administrator
):
    user = make_user("carla.civil", role="trainee")
    civilian = a_trainee(
        7,
        un_category=Trainee.UNCategory.CIVILIAN,
        rank_category=Trainee.RankCategory.CIVILIAN,
        user=user,
    )
    assert "No active deployment profile applies" in page(english, administrator, civilian)
    english.force_login(user)
    assert "Deployment readiness" not in english.get(reverse("portal")).text
