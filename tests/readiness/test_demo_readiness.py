"""The demo centre's readiness: on whatever day it is seeded, the board for military observers
to MINURSO shows people ready, ready but expiring, and not ready (some for the language test
alone), and the demo trainee is ready for some missions and not for others."""

import datetime

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from cecopam.demo import demo_seed
from readiness.engine import Verdict
from readiness.models import DeploymentProfile, Mission
from readiness.selectors import readiness_board, readiness_of_trainee
from tests.readiness.test_selectors import OBSERVER
from trainees.models import Trainee

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("quick_pdfs")]


def observers_board(on: datetime.date):
    return readiness_board(
        mission=Mission.objects.get(acronym="MINURSO"),
        profile=DeploymentProfile.objects.get(name_en=OBSERVER),
        on=on,
    )


def test_the_minurso_board_for_observers_shows_every_verdict_today():
    report = demo_seed()
    assert (report.missions_created, report.profiles_created) == (10, 4)
    board = observers_board(timezone.localdate())
    assert board.counts[Verdict.READY] >= 3
    assert board.counts[Verdict.READY_EXPIRING] >= 2
    assert board.counts[Verdict.NOT_READY] >= 3
    # Short of the language test (French or English B2) and of nothing else.
    assert board.lacking_only["language"] >= 2


def test_in_three_months_the_board_still_has_people_to_send():
    demo_seed()
    board = observers_board(timezone.localdate() + datetime.timedelta(days=90))
    assert board.counts[Verdict.READY] + board.counts[Verdict.READY_EXPIRING] >= 3
    assert board.counts[Verdict.NOT_READY] >= 3


def test_the_demo_trainee_is_ready_for_some_missions_and_told_what_they_lack_for_others(client):
    demo_seed()
    trainee = Trainee.objects.get(user__username="trainee")
    verdicts = {
        mission.acronym: readiness.verdict
        for _profile, mission, readiness in readiness_of_trainee(
            trainee=trainee, on=timezone.localdate()
        )
    }
    assert verdicts["MINURSO"] == verdicts["MINUSCA"] == Verdict.READY
    assert verdicts["UNMISS"] == Verdict.NOT_READY

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(trainee.user)
    text = client.get(reverse("portal")).text
    assert "What you still need" in text
    assert "English B2 required, has B1." in text


@translation.override("en")
def test_seed_demo_counts_the_missions_and_profiles_once(capsys):
    call_command("seed_demo")
    assert "Readiness: 10 missions, 4 deployment profiles." in capsys.readouterr().out
    call_command("seed_demo")
    assert "Readiness" not in capsys.readouterr().out
