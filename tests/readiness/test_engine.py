"""The readiness engine, rule by rule and boundary by boundary.

Pure: no test here touches the database (pytest-django would refuse it), so these run in
milliseconds. The baseline person meets every requirement of a demanding profile; each test
takes one thing away or moves one date, and checks what an administrator would read.
"""

import dataclasses
import datetime

import pytest
from django.utils import translation
from django.utils.formats import date_format

from readiness.engine import (
    Code,
    Finding,
    Medical,
    MissionFacts,
    ProfileRequirements,
    RequiredCourse,
    TraineeFacts,
    Verdict,
    readiness_evaluate,
    years_completed,
)

D = datetime.date(2026, 6, 15)  # the deployment date of every test
FAR = datetime.date(2031, 1, 1)  # a validity that lasts well beyond the lapse window
CPTM = RequiredCourse(
    id=1, code="CPTM", title_es="Capacitación básica previa al despliegue", title_en="CPTM"
)
UNMEM = RequiredCourse(
    id=2,
    code="UNMEM",
    title_es="Expertos militares en misión",
    title_en="UN Military Experts on Mission",
)
MINURSO = MissionFacts(acronym="MINURSO", languages=("fr", "en"), armed=False)
UNMISS = MissionFacts(acronym="UNMISS", languages=("en",), armed=True)
MINUSCA = MissionFacts(acronym="MINUSCA", languages=("fr",), armed=True)

OBSERVER = ProfileRequirements(
    required_courses=(CPTM, UNMEM),
    min_language_level="B2",
    medical=Medical.BY_MISSION,
    human_rights_screening=True,
    passport_months=18,
    driving_licence=True,
    police_ams=True,
    weapons_handling=True,
    min_age=25,
    max_age=62,
    min_years_of_service=5,
    allowed_rank_categories=frozenset({"officer", "senior_officer"}),
    allowed_un_categories=frozenset({"military_observer"}),
)

CLEARANCES = {
    "medical_ms2": (datetime.date(2026, 1, 10), FAR),
    "medical_ms3": (datetime.date(2026, 1, 10), FAR),
    "hr_certification": (datetime.date(2026, 1, 10), FAR),
    "hr_self_attestation": (datetime.date(2026, 1, 10), FAR),
    "passport": (datetime.date(2024, 1, 10), FAR),
    "driving_licence": (datetime.date(2024, 1, 10), FAR),
    "police_ams": (datetime.date(2026, 1, 10), None),
    "weapons_handling": (datetime.date(2026, 1, 10), FAR),
}
MAJOR = TraineeFacts(
    date_of_birth=datetime.date(1990, 5, 10),
    service_start_date=datetime.date(2012, 1, 1),
    rank_category="officer",
    un_category="military_observer",
    languages={"es": "C2", "fr": "B2", "en": "B2"},
    clearances=CLEARANCES,
    qualifications={CPTM.id: FAR, UNMEM.id: None},
)


def evaluate(trainee=MAJOR, requirements=OBSERVER, mission=MINURSO, on=D):
    return readiness_evaluate(trainee=trainee, requirements=requirements, mission=mission, on=on)


def person(**changes) -> TraineeFacts:
    return dataclasses.replace(MAJOR, **changes)


def with_clearance(kind: str, held) -> TraineeFacts:
    clearances = dict(CLEARANCES)
    if held is None:
        del clearances[kind]
    else:
        clearances[kind] = held
    return person(clearances=clearances)


def with_qualification(course: RequiredCourse, valid_until, *, missing=False) -> TraineeFacts:
    held = dict(MAJOR.qualifications)
    if missing:
        del held[course.id]
    else:
        held[course.id] = valid_until
    return person(qualifications=held)


def only(result) -> Finding:
    assert len(result.findings) == 1, result.findings
    return result.findings[0]


def english(finding: Finding) -> str:
    with translation.override("en"):
        return finding.message()


def day_en(day: datetime.date) -> str:
    with translation.override("en"):
        return date_format(day, "DATE_FORMAT")


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


# ------------------------------------------------------------------ the baseline


def test_someone_who_meets_every_requirement_is_ready_with_nothing_to_say():
    result = evaluate()
    assert result.verdict == Verdict.READY
    assert result.findings == ()


def test_a_profile_with_no_requirements_finds_anyone_ready():
    bare = TraineeFacts(
        date_of_birth=datetime.date(2001, 1, 1),
        service_start_date=None,
        rank_category="civilian",
        un_category="civilian",
    )
    assert evaluate(bare, ProfileRequirements()).verdict == Verdict.READY


# ------------------------------------------------------------------ courses


def test_a_certificate_expiring_on_the_deployment_date_is_still_valid_that_day():
    result = evaluate(with_qualification(CPTM, D))
    assert result.verdict == Verdict.READY_EXPIRING
    finding = only(result)
    assert (finding.code, finding.subject, finding.on) == (Code.COURSE_LAPSES, "CPTM", D)
    assert english(finding) == f"CPTM certificate expires on {day_en(D)}."


def test_a_certificate_that_expired_the_day_before_makes_the_person_not_ready():
    result = evaluate(with_qualification(UNMEM, D - days(1)))
    assert result.verdict == Verdict.NOT_READY
    finding = only(result)
    assert (finding.code, finding.on) == (Code.COURSE_EXPIRED, D - days(1))
    assert english(finding) == (
        f"UN Military Experts on Mission certificate expired on {day_en(D - days(1))}."
    )


def test_a_missing_course_is_named_in_the_pages_language():
    finding = only(evaluate(with_qualification(UNMEM, None, missing=True)))
    assert (finding.code, finding.subject, finding.course) == (Code.COURSE_MISSING, "UNMEM", UNMEM)
    assert english(finding) == "No UN Military Experts on Mission certificate."
    with translation.override("es-mx"):
        assert "Expertos militares en misión" in finding.message()


@pytest.mark.parametrize(
    ("valid_until", "verdict"),
    [
        (D + days(90), Verdict.READY_EXPIRING),
        (D + days(91), Verdict.READY),
        (None, Verdict.READY),  # never expires
    ],
)
def test_a_certificate_lapsing_within_90_days_after_the_date_warns(valid_until, verdict):
    assert evaluate(with_qualification(CPTM, valid_until)).verdict == verdict


# ------------------------------------------------------------------ clearances


@pytest.mark.parametrize(
    ("valid_until", "verdict"),
    [
        (D + days(90), Verdict.READY_EXPIRING),
        (D + days(91), Verdict.READY),
        (D, Verdict.READY_EXPIRING),
        (D - days(1), Verdict.NOT_READY),
    ],
)
def test_a_clearance_lapsing_90_days_after_the_date_warns_91_does_not(valid_until, verdict):
    trainee = with_clearance("driving_licence", (datetime.date(2024, 1, 1), valid_until))
    result = evaluate(trainee)
    assert result.verdict == verdict
    if verdict != Verdict.READY:
        assert only(result).on == valid_until


def test_an_expiring_clearance_reads_as_such():
    finding = only(evaluate(with_clearance("weapons_handling", (D - days(300), D + days(30)))))
    assert finding.code == Code.CLEARANCE_LAPSES
    assert english(finding) == f"Weapons handling expires on {day_en(D + days(30))}."


def test_an_expired_clearance_says_when():
    finding = only(evaluate(with_clearance("driving_licence", (D - days(900), D - days(10)))))
    assert finding.code == Code.CLEARANCE_EXPIRED
    assert english(finding) == f"Driving licence expired on {day_en(D - days(10))}."


@pytest.mark.parametrize(
    ("missing", "named"),
    [
        ("hr_self_attestation", "Human-rights screening – self-attestation"),
        ("hr_certification", "Human-rights screening – State certification"),
    ],
)
def test_both_human_rights_documents_are_required_the_missing_one_is_named(missing, named):
    result = evaluate(with_clearance(missing, None))
    assert result.verdict == Verdict.NOT_READY
    finding = only(result)
    assert (finding.code, finding.subject) == (Code.CLEARANCE_MISSING, missing)
    assert english(finding) == f"{named}: none on file."


def test_an_unarmed_mission_needs_ms3_and_an_armed_one_ms2():
    ms2_only = with_clearance("medical_ms3", None)
    ms3_only = with_clearance("medical_ms2", None)
    assert evaluate(ms3_only, mission=MINURSO).verdict == Verdict.READY
    assert only(evaluate(ms2_only, mission=MINURSO)).subject == "medical_ms3"
    assert evaluate(ms2_only, mission=UNMISS).verdict == Verdict.READY
    finding = only(evaluate(ms3_only, mission=UNMISS))
    assert (finding.code, finding.subject) == (Code.CLEARANCE_MISSING, "medical_ms2")


def test_a_profile_can_fix_the_medical_standard_or_need_none():
    no_medical = person(clearances={k: v for k, v in CLEARANCES.items() if "medical" not in k})
    unarmed = dataclasses.replace(OBSERVER, medical=Medical.MS3)
    assert only(evaluate(no_medical, unarmed, mission=UNMISS)).subject == "medical_ms3"
    assert evaluate(no_medical, dataclasses.replace(OBSERVER, medical=Medical.NONE)).verdict == (
        Verdict.READY
    )


# ------------------------------------------------------------------ passport


def test_a_passport_valid_exactly_n_months_after_the_date_is_enough():
    exactly = with_clearance("passport", (datetime.date(2020, 1, 1), datetime.date(2027, 12, 15)))
    assert evaluate(exactly).verdict == Verdict.READY


def test_a_passport_one_day_short_of_n_months_says_until_when_it_must_last():
    short = with_clearance("passport", (datetime.date(2020, 1, 1), datetime.date(2027, 12, 14)))
    result = evaluate(short)
    assert result.verdict == Verdict.NOT_READY
    finding = only(result)
    assert finding.code == Code.PASSPORT_TOO_SHORT
    assert (finding.on, finding.needed) == (
        datetime.date(2027, 12, 14),
        datetime.date(2027, 12, 15),
    )
    assert english(finding) == (
        f"Passport valid until {day_en(datetime.date(2027, 12, 14))}; it must be valid until "
        f"{day_en(datetime.date(2027, 12, 15))} (18 months after the deployment date)."
    )


def test_passport_months_end_on_the_last_day_of_a_shorter_month():
    # 31 August + 6 months is 28 February: a passport valid until then is enough.
    on = datetime.date(2026, 8, 31)
    six = dataclasses.replace(OBSERVER, passport_months=6)
    trainee = with_clearance("passport", (datetime.date(2020, 1, 1), datetime.date(2027, 2, 28)))
    assert evaluate(trainee, six, on=on).verdict == Verdict.READY
    trainee = with_clearance("passport", (datetime.date(2020, 1, 1), datetime.date(2027, 2, 27)))
    assert only(evaluate(trainee, six, on=on)).code == Code.PASSPORT_TOO_SHORT


def test_an_expired_or_missing_passport_is_said_so():
    expired = with_clearance("passport", (datetime.date(2015, 1, 1), D - days(1)))
    assert only(evaluate(expired)).code == Code.CLEARANCE_EXPIRED
    assert only(evaluate(with_clearance("passport", None))).code == Code.CLEARANCE_MISSING


def test_no_passport_requirement_no_passport_needed_and_zero_months_means_valid_on_the_date():
    no_passport = with_clearance("passport", None)
    assert evaluate(no_passport, dataclasses.replace(OBSERVER, passport_months=None)).verdict == (
        Verdict.READY
    )
    zero = dataclasses.replace(OBSERVER, passport_months=0)
    on_the_day = with_clearance("passport", (datetime.date(2016, 1, 1), D))
    assert evaluate(on_the_day, zero).verdict == Verdict.READY_EXPIRING


# ------------------------------------------------------------------ police AMS


def test_an_ams_passed_exactly_24_months_before_still_clears_on_the_date():
    trainee = with_clearance("police_ams", (datetime.date(2024, 6, 15), None))
    result = evaluate(trainee)
    assert result.verdict == Verdict.READY_EXPIRING
    assert only(result).on == D


def test_an_ams_older_than_24_months_has_expired_on_its_second_anniversary():
    trainee = with_clearance("police_ams", (datetime.date(2024, 6, 14), None))
    finding = only(evaluate(trainee))
    assert (finding.code, finding.on) == (Code.CLEARANCE_EXPIRED, datetime.date(2026, 6, 14))
    assert "Assessment for Mission Service" in english(finding)


def test_an_ams_with_an_earlier_expiry_of_its_own_lapses_then():
    trainee = with_clearance("police_ams", (datetime.date(2026, 1, 1), D + days(20)))
    finding = only(evaluate(trainee))
    assert (finding.code, finding.on) == (Code.CLEARANCE_LAPSES, D + days(20))


# ------------------------------------------------------------------ age and service


def test_age_25_reached_on_the_date_meets_the_minimum():
    assert evaluate(person(date_of_birth=datetime.date(2001, 6, 15))).verdict == Verdict.READY


def test_the_day_before_the_25th_birthday_is_too_young():
    finding = only(evaluate(person(date_of_birth=datetime.date(2001, 6, 16))))
    assert (finding.code, finding.actual, finding.required) == (Code.AGE_BELOW, "24", "25")
    assert english(finding) == "Aged 24; the minimum age is 25."


def test_the_maximum_age_is_the_last_age_accepted():
    on_the_eve = person(date_of_birth=datetime.date(1963, 6, 16))  # 62 until tomorrow
    assert evaluate(on_the_eve).verdict == Verdict.READY
    finding = only(evaluate(person(date_of_birth=datetime.date(1963, 6, 15))))  # 63 today
    assert (finding.code, finding.actual) == (Code.AGE_ABOVE, "63")
    assert english(finding) == "Aged 63; the maximum age is 62."


@pytest.mark.parametrize(
    ("on", "age"),
    [
        (datetime.date(2025, 2, 28), 24),  # non-leap year: not yet on 28 February
        (datetime.date(2025, 3, 1), 25),  # ... but on 1 March
        (datetime.date(2024, 2, 28), 23),
        (datetime.date(2024, 2, 29), 24),  # leap year: on the day itself
        (datetime.date(2028, 2, 29), 28),
    ],
)
def test_someone_born_on_29_february_gains_a_year_on_1_march_in_other_years(on, age):
    assert years_completed(datetime.date(2000, 2, 29), on) == age


def test_a_leap_day_birth_meets_the_minimum_age_on_1_march():
    leapling = person(date_of_birth=datetime.date(2000, 2, 29))
    assert only(evaluate(leapling, on=datetime.date(2025, 2, 28))).code == Code.AGE_BELOW
    on = datetime.date(2025, 3, 1)
    assert Code.AGE_BELOW not in evaluate(leapling, on=on).codes


def test_years_of_service_count_whole_years_on_the_date():
    assert evaluate(person(service_start_date=datetime.date(2021, 6, 15))).verdict == Verdict.READY
    finding = only(evaluate(person(service_start_date=datetime.date(2021, 6, 16))))
    assert (finding.code, finding.actual) == (Code.SERVICE_TOO_SHORT, "4")
    assert english(finding) == "4 years of service; 5 required."


def test_an_unknown_service_start_cannot_prove_the_years_of_service():
    finding = only(evaluate(person(service_start_date=None)))
    assert finding.code == Code.SERVICE_UNKNOWN
    assert english(finding) == "Service start date not recorded (5 years of service required)."


# ------------------------------------------------------------------ rank and category


def test_a_rank_category_outside_the_allowed_ones_is_refused():
    finding = only(evaluate(person(rank_category="nco")))
    assert (finding.code, finding.subject) == (Code.RANK_NOT_ALLOWED, "nco")
    assert english(finding) == (
        "Rank category “Non-commissioned officer” is not accepted for this role."
    )


def test_a_un_category_outside_the_allowed_ones_is_refused():
    finding = only(evaluate(person(un_category="contingent")))
    assert (finding.code, finding.subject) == (Code.CATEGORY_NOT_ALLOWED, "contingent")
    assert "Contingent member" in english(finding)


def test_empty_allowed_lists_accept_any_rank_and_category():
    any_one = dataclasses.replace(
        OBSERVER, allowed_rank_categories=frozenset(), allowed_un_categories=frozenset()
    )
    assert evaluate(person(rank_category="nco", un_category="contingent"), any_one).verdict == (
        Verdict.READY
    )


# ------------------------------------------------------------------ language


def test_a_language_level_equal_to_the_minimum_passes():
    assert evaluate(person(languages={"fr": "B2"}), mission=MINUSCA).verdict == Verdict.READY


def test_a_level_below_the_minimum_says_what_is_required_and_what_is_held():
    finding = only(evaluate(person(languages={"fr": "B1", "es": "C2"}), mission=MINUSCA))
    assert (finding.code, finding.subject, finding.actual) == (Code.LANGUAGE_BELOW, "fr", "B1")
    assert english(finding) == "French B2 required, has B1."


def test_any_one_of_the_missions_languages_will_do():
    english_speaker = person(languages={"fr": "A2", "en": "C1"})
    assert evaluate(english_speaker, mission=MINURSO).verdict == Verdict.READY
    neither = person(languages={"fr": "B1", "en": "A2"})
    finding = only(evaluate(neither, mission=MINURSO))
    assert english(finding) == "French or English B2 required, has French B1."


def test_a_language_the_mission_does_not_work_in_does_not_count():
    finding = only(evaluate(person(languages={"es": "C2", "fr": "C1"}), mission=UNMISS))
    assert finding.code == Code.LANGUAGE_MISSING
    assert english(finding) == "English B2 required, none recorded."


# ------------------------------------------------------------------ the mission


def test_a_mission_closed_the_day_before_makes_everyone_not_ready():
    closed = dataclasses.replace(MINURSO, closed=True, closed_on=D - days(1))
    result = evaluate(mission=closed)
    assert result.verdict == Verdict.NOT_READY
    finding = only(result)
    assert (finding.code, finding.subject, finding.on) == (
        Code.MISSION_CLOSED,
        "MINURSO",
        D - days(1),
    )
    assert english(finding) == f"MINURSO closed on {day_en(D - days(1))}."


def test_a_mission_whose_last_day_is_the_date_still_takes_people_but_warns():
    closing = dataclasses.replace(MINURSO, closed=True, closed_on=D)
    result = evaluate(mission=closing)
    assert result.verdict == Verdict.READY_EXPIRING
    assert only(result).code == Code.MANDATE_ENDS


def test_a_closed_mission_without_a_date_is_closed_whatever_the_date():
    finding = only(evaluate(mission=dataclasses.replace(MINURSO, closed=True)))
    assert english(finding) == "MINURSO is closed."


@pytest.mark.parametrize(
    ("mandate_end", "verdict", "code"),
    [
        (D - days(1), Verdict.NOT_READY, Code.MANDATE_ENDED),
        (D, Verdict.READY_EXPIRING, Code.MANDATE_ENDS),
        (D + days(90), Verdict.READY_EXPIRING, Code.MANDATE_ENDS),
        (D + days(91), Verdict.READY, None),
    ],
)
def test_the_mandate_end_is_its_last_day(mandate_end, verdict, code):
    result = evaluate(mission=dataclasses.replace(UNMISS, mandate_end=mandate_end))
    assert result.verdict == verdict
    assert [f.code for f in result.findings] == ([code] if code else [])


def test_a_mandate_that_ended_reads_as_such():
    ended = dataclasses.replace(UNMISS, mandate_end=datetime.date(2026, 3, 31))
    finding = only(evaluate(mission=ended))
    assert english(finding) == f"The UNMISS mandate ended on {day_en(datetime.date(2026, 3, 31))}."


# ------------------------------------------------------------------ everything at once


def test_several_unmet_requirements_are_all_reported_with_the_lapsing_ones():
    newcomer = TraineeFacts(
        date_of_birth=datetime.date(2003, 1, 1),  # 23
        service_start_date=datetime.date(2022, 1, 1),  # 4 years
        rank_category="nco",
        un_category="contingent",
        languages={"fr": "B1"},
        clearances={
            "hr_certification": (datetime.date(2025, 1, 1), FAR),
            "medical_ms3": (datetime.date(2025, 1, 1), D - days(1)),
            "passport": (datetime.date(2025, 1, 1), datetime.date(2027, 1, 1)),
            "driving_licence": (datetime.date(2025, 1, 1), D + days(10)),
            "police_ams": (datetime.date(2023, 1, 1), None),
        },
        qualifications={CPTM.id: D - days(30)},
    )
    closing = dataclasses.replace(MINURSO, mandate_end=D + days(60))
    result = evaluate(newcomer, mission=closing)
    assert result.verdict == Verdict.NOT_READY
    assert sorted((f.code, f.subject) for f in result.findings) == sorted(
        [
            (Code.MANDATE_ENDS, "MINURSO"),
            (Code.RANK_NOT_ALLOWED, "nco"),
            (Code.CATEGORY_NOT_ALLOWED, "contingent"),
            (Code.AGE_BELOW, ""),
            (Code.SERVICE_TOO_SHORT, ""),
            (Code.COURSE_EXPIRED, "CPTM"),
            (Code.COURSE_MISSING, "UNMEM"),
            (Code.LANGUAGE_BELOW, "fr"),
            (Code.CLEARANCE_EXPIRED, "medical_ms3"),
            (Code.CLEARANCE_MISSING, "hr_self_attestation"),
            (Code.CLEARANCE_LAPSES, "driving_licence"),
            (Code.CLEARANCE_MISSING, "weapons_handling"),
            (Code.CLEARANCE_EXPIRED, "police_ams"),
            (Code.PASSPORT_TOO_SHORT, "passport"),
        ]
    )
    assert {f.code for f in result.lapsing} == {Code.MANDATE_ENDS, Code.CLEARANCE_LAPSES}
    for finding in result.findings:
        assert english(finding)  # every finding has words for the administrator


def test_a_closed_mission_still_lists_what_the_person_lacks():
    closed = dataclasses.replace(MINURSO, closed=True, closed_on=D - days(400))
    result = evaluate(with_clearance("passport", None), mission=closed)
    assert result.codes == {Code.MISSION_CLOSED, Code.CLEARANCE_MISSING}


def test_messages_follow_the_language_of_the_page():
    finding = Finding(
        Code.COURSE_EXPIRED, subject="CPTM", on=datetime.date(2026, 2, 1), course=CPTM
    )
    with translation.override("en"):
        assert finding.message() == "CPTM certificate expired on Feb. 1, 2026."
    with translation.override("es-mx"):
        message = finding.message()
    assert "Capacitación básica previa al despliegue" in message
    assert "1 de febrero de 2026" in message.lower()
