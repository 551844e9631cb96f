"""The gender parity report: women among trained and ready personnel against the UN targets."""

import datetime
from decimal import Decimal

import pytest

from readiness.parity import PARITY_GROUPS, parity_report
from tests.readiness.test_selectors import ON, certificate, ready_observer, seed_minurso
from trainees.models import Clearance

pytestmark = pytest.mark.django_db


def row_of(report, key):
    return next(r for r in report if r.group.key == key)


def test_the_target_in_force_is_the_next_milestone():
    staff = next(g for g in PARITY_GROUPS if g.key == "staff_observers")
    assert staff.target_for(2024) == (2025, 22)
    assert staff.target_for(2025) == (2025, 22)
    assert staff.target_for(2026) == (2028, 25)
    assert staff.target_for(2029) is None
    police = next(g for g in PARITY_GROUPS if g.key == "ipo")
    assert police.target_for(2025) == (2028, 30)


def test_women_are_counted_among_trained_and_ready_by_category():
    seed_minurso()
    ready_observer(0, sex="F")
    ready_observer(1, sex="M")
    not_ready_woman = ready_observer(2, sex="F")
    Clearance.objects.filter(trainee=not_ready_woman, kind="passport").delete()
    ready_observer(3, sex="M", un_category="individual_police")  # trained police, not ready

    report = parity_report(year=2026, on=ON)

    observers = row_of(report, "staff_observers")
    # Trained in 2026: the three observers (certificates issued 1 Feb 2026).
    assert (observers.trained.women, observers.trained.total) == (2, 3)
    assert observers.trained.percent == Decimal("66.7")
    # Ready on the date: one woman of two.
    assert (observers.ready.women, observers.ready.total) == (1, 2)
    assert observers.ready.percent == Decimal("50.0")
    assert observers.target == (2028, 25)
    assert observers.ready_meets_target is True
    police = row_of(report, "ipo")
    assert (police.trained.women, police.trained.total) == (0, 1)
    assert police.trained_meets_target is False
    assert (police.ready.total, police.ready.percent) == (0, None)
    assert police.ready_meets_target is None
    # A year with no certificates trained nobody.
    assert row_of(parity_report(year=2024, on=ON), "staff_observers").trained.total == 0


def test_a_person_with_two_certificates_in_the_year_counts_once():
    seed_minurso()
    trainee = ready_observer(0, sex="F")
    certificate(trainee, "UOF", valid_until=datetime.date(2029, 1, 1))
    observers = row_of(parity_report(year=2026, on=ON), "staff_observers")
    assert (observers.trained.women, observers.trained.total) == (1, 1)
