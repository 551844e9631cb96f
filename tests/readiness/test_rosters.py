"""Rosters: ready people saved for a rotation, judged again on the server."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from readiness.engine import Verdict
from readiness.models import Roster
from readiness.services import roster_create
from tests.factories import make_user
from tests.readiness.test_selectors import ON, granted, ready_observer, seed_minurso
from trainees.models import Clearance

pytestmark = pytest.mark.django_db


@pytest.fixture
def observers():
    return seed_minurso()


@pytest.fixture
def admin_user():
    return make_user("roster.admin", role="administrator")


def test_a_roster_keeps_its_ready_members_with_their_verdict_and_first_lapse(observers, admin_user):
    mission, profile = observers
    ready = ready_observer(0)
    expiring = ready_observer(1)
    lapse = ON + datetime.timedelta(days=40)
    Clearance.objects.filter(trainee=expiring, kind="driving_licence").update(valid_until=lapse)

    roster = roster_create(
        name="  MINURSO rotation 2027-1 ",
        mission=mission,
        profile=profile,
        deploys_on=ON,
        trainee_ids=[ready.pk, expiring.pk, ready.pk],
        by=admin_user,
    )

    assert roster.name == "MINURSO rotation 2027-1"
    members = {m.trainee_id: m for m in roster.members.all()}
    assert set(members) == {ready.pk, expiring.pk}
    assert members[ready.pk].verdict == Verdict.READY
    assert members[ready.pk].lapses_on is None
    assert (members[expiring.pk].verdict, members[expiring.pk].lapses_on) == (
        Verdict.READY_EXPIRING,
        lapse,
    )
    assert roster.history.count() == 1


def test_a_roster_with_anyone_not_ready_is_not_saved_and_names_them(observers, admin_user):
    mission, profile = observers
    ready = ready_observer(0)
    late = ready_observer(1, given_names="Ana", first_surname="Ruiz", second_surname="")
    Clearance.objects.filter(trainee=late, kind="passport").delete()

    with pytest.raises(ValidationError) as error:
        roster_create(
            name="Rotation",
            mission=mission,
            profile=profile,
            deploys_on=ON,
            trainee_ids=[ready.pk, late.pk],
            by=admin_user,
        )
    assert "Ruiz, Ana" in str(error.value)
    assert not Roster.objects.exists()


@pytest.mark.parametrize(
    ("name", "ids", "message"),
    [
        ("", "ready", "Give the roster a name."),
        ("Rotation", "none", "Select at least one ready trainee."),
        ("Rotation", "unknown", "no longer exists"),
    ],
)
def test_bad_rosters_say_why_and_save_nothing(observers, admin_user, name, ids, message, settings):
    settings.LANGUAGE_CODE = "en"
    mission, profile = observers
    ready = ready_observer(0)
    trainee_ids = {"ready": [ready.pk], "none": [], "unknown": [ready.pk, 999_999]}[ids]
    with pytest.raises(ValidationError) as error:
        roster_create(
            name=name,
            mission=mission,
            profile=profile,
            deploys_on=ON,
            trainee_ids=trainee_ids,
            by=admin_user,
        )
    assert message in str(error.value)
    assert not Roster.objects.exists()


def test_a_closed_mission_takes_no_roster(observers, admin_user):
    from readiness.models import Mission

    _, profile = observers
    ready = ready_observer(0)
    granted(ready, Clearance.Kind.MEDICAL_MS2, valid_until=datetime.date(2029, 1, 1))
    with pytest.raises(ValidationError):
        roster_create(
            name="Too late",
            mission=Mission.objects.get(acronym="MINUSMA"),
            profile=profile,
            deploys_on=ON,
            trainee_ids=[ready.pk],
            by=admin_user,
        )
    assert not Roster.objects.exists()
