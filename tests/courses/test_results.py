"""The result rules (courses.results): pure functions, no database."""

from decimal import Decimal

from courses.results import ComponentRule, result_compute, weighted_total

WRITTEN = ComponentRule(1, Decimal(40), Decimal(100), Decimal(60), critical=False)
PRACTICAL = ComponentRule(2, Decimal(60), Decimal(100), Decimal(70), critical=True)
COMPONENTS = [WRITTEN, PRACTICAL]


def result(scores, *, days_present=10, days_total=10, course_pass_mark=70, min_attendance=90):
    return result_compute(
        pass_mark=Decimal(course_pass_mark),
        min_attendance_percent=min_attendance,
        components=COMPONENTS,
        scores={k: Decimal(v) for k, v in scores.items()},
        days_present=days_present,
        days_total=days_total,
    )


def test_weighted_total_weighs_each_component_out_of_its_maximum():
    components = [
        ComponentRule(1, Decimal(25), Decimal(20), Decimal(10), critical=False),
        ComponentRule(2, Decimal(75), Decimal(50), Decimal(25), critical=False),
    ]
    # 15/20 × 25 + 40/50 × 75 = 18.75 + 60
    assert weighted_total(components, {1: Decimal(15), 2: Decimal(40)}) == Decimal("78.75")


def test_full_marks_give_one_hundred_and_a_pass():
    outcome = result({1: 100, 2: 100})
    assert outcome.total == Decimal("100.00")
    assert outcome.attendance_percent == Decimal("100.00")
    assert outcome.passed
    assert not (outcome.total_short or outcome.attendance_short or outcome.failed_critical)


def test_a_total_exactly_at_the_pass_mark_passes():
    # 70 × 0.4 + 70 × 0.6 = 70.00
    outcome = result({1: 70, 2: 70})
    assert outcome.total == Decimal("70.00")
    assert outcome.passed
    assert not outcome.total_short


def test_a_total_one_hundredth_under_the_pass_mark_fails():
    # 69.975 × 0.4 + 70 × 0.6 = 27.99 + 42 = 69.99
    outcome = result({1: "69.975", 2: 70})
    assert outcome.total == Decimal("69.99")
    assert not outcome.passed
    assert outcome.total_short
    assert not outcome.attendance_short
    assert outcome.failed_critical == ()


def test_the_total_is_rounded_half_up_to_the_hundredth():
    # 69.9875 × 0.4 + 42 = 69.995, rounded half up to 70.00: a pass.
    outcome = result({1: "69.9875", 2: 70})
    assert outcome.total == Decimal("70.00")
    assert outcome.passed
    # 69.9625 × 0.4 + 42 = 69.985 → 69.99 (half up, not half even to 69.98)
    assert result({1: "69.9625", 2: 70}).total == Decimal("69.99")
    # 2 of 3 points on a component weighing 40: 26.666… → 26.67
    thirds = [ComponentRule(1, Decimal(40), Decimal(3), Decimal(0), critical=False)]
    assert weighted_total(thirds, {1: Decimal(2)}) == Decimal("26.67")


def test_a_missing_score_counts_as_zero():
    outcome = result({2: 100})
    assert outcome.total == Decimal("60.00")
    assert outcome.total_short
    assert not outcome.passed


def test_a_missing_critical_score_fails_the_critical_component():
    outcome = result({1: 100}, course_pass_mark=0)
    assert outcome.failed_critical == (PRACTICAL.id,)
    assert not outcome.passed


def test_a_failed_critical_component_fails_whatever_the_total():
    # 100 × 0.4 + 69.99 × 0.6 = 81.99: well over the pass mark, but the practical test failed.
    outcome = result({1: 100, 2: "69.99"})
    assert outcome.total == Decimal("81.99")
    assert not outcome.total_short
    assert outcome.failed_critical == (PRACTICAL.id,)
    assert not outcome.passed


def test_a_critical_component_exactly_at_its_pass_mark_passes():
    outcome = result({1: 100, 2: 70})
    assert outcome.failed_critical == ()
    assert outcome.passed


def test_a_non_critical_component_under_its_pass_mark_does_not_fail_on_its_own():
    # 59 × 0.4 + 90 × 0.6 = 23.6 + 54 = 77.6
    outcome = result({1: 59, 2: 90})
    assert outcome.failed_critical == ()
    assert outcome.passed


def test_attendance_exactly_at_the_minimum_passes():
    outcome = result({1: 100, 2: 100}, days_present=9, days_total=10)
    assert outcome.attendance_percent == Decimal("90.00")
    assert not outcome.attendance_short
    assert outcome.passed


def test_attendance_just_under_the_minimum_fails():
    # 26 of 29 days is 89.66 %: just under 90 %.
    outcome = result({1: 100, 2: 100}, days_present=26, days_total=29)
    assert outcome.attendance_percent == Decimal("89.66")
    assert outcome.attendance_short
    assert not outcome.passed
    assert not outcome.total_short


def test_attendance_that_rounds_up_to_the_minimum_still_fails():
    # 179 of 199 days is 89.949… %, shown 89.95 %; 2 of 3 days is 66.67 % against 67 %:
    # the rule compares the exact fraction, not the rounded figure.
    assert result({1: 100, 2: 100}, days_present=179, days_total=199).attendance_short
    outcome = result({1: 100, 2: 100}, days_present=2, days_total=3, min_attendance=67)
    assert outcome.attendance_percent == Decimal("66.67")
    assert outcome.attendance_short


def test_all_three_shortfalls_are_reported_together():
    outcome = result({1: 10, 2: 10}, days_present=1, days_total=10)
    assert outcome.total_short
    assert outcome.attendance_short
    assert outcome.failed_critical == (PRACTICAL.id,)
    assert not outcome.passed


def test_zero_days_neither_divides_by_zero_nor_counts_as_missed():
    outcome = result({1: 100, 2: 100}, days_present=0, days_total=0)
    assert not outcome.attendance_short
    assert outcome.attendance_percent == Decimal("100.00")
    assert outcome.passed
