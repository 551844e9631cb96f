"""The reference data of readiness: the UN missions the centre deploys to and the four
deployment profiles, from the rules in DESIGN.md §3 (readiness).

``readiness_reference_seed()`` creates what is missing (missions by acronym, profiles by
English name) and leaves what exists exactly as it is, so an administrator's edits survive a
re-run. Profiles take their required courses from the catalogue by code: run it after the
course catalogue exists; a course not in the catalogue is left out.

Mandate end dates are left empty where DESIGN.md does not give one: the Security Council
renews mandates often, and an administrator enters the current end.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import transaction

from courses.models import Course
from readiness.engine import Medical
from readiness.models import DeploymentProfile, Mission
from readiness.services import deployment_profile_create, mission_create
from trainees.models import Trainee

PK = Mission.Kind.PEACEKEEPING
R = Trainee.RankCategory
U = Trainee.UNCategory

MISSIONS: list[dict] = [
    {
        "acronym": "MINUSCA",
        "name_es": "Misión Multidimensional Integrada de Estabilización de las Naciones Unidas "
        "en la República Centroafricana",
        "name_en": "United Nations Multidimensional Integrated Stabilization Mission in the "
        "Central African Republic",
        "kind": PK,
        "working_languages": ["fr"],
        "armed": True,
        "protection_of_civilians": True,
    },
    {
        "acronym": "MONUSCO",
        "name_es": "Misión de Estabilización de las Naciones Unidas en la República Democrática "
        "del Congo",
        "name_en": "United Nations Organization Stabilization Mission in the Democratic "
        "Republic of the Congo",
        "kind": PK,
        "working_languages": ["fr"],
        "armed": True,
        "protection_of_civilians": True,
    },
    {
        "acronym": "UNMISS",
        "name_es": "Misión de las Naciones Unidas en la República de Sudán del Sur",
        "name_en": "United Nations Mission in the Republic of South Sudan",
        "kind": PK,
        "working_languages": ["en"],
        "armed": True,
        "protection_of_civilians": True,
    },
    {
        "acronym": "UNISFA",
        "name_es": "Fuerza Provisional de Seguridad de las Naciones Unidas para Abyei",
        "name_en": "United Nations Interim Security Force for Abyei",
        "kind": PK,
        "working_languages": ["en"],
        "armed": True,
        "protection_of_civilians": True,
    },
    {
        "acronym": "UNIFIL",
        "name_es": "Fuerza Provisional de las Naciones Unidas en el Líbano",
        "name_en": "United Nations Interim Force in Lebanon",
        "kind": PK,
        "working_languages": ["en", "fr"],
        "armed": True,
        "protection_of_civilians": True,
        "mandate_end": datetime.date(2026, 12, 31),
    },
    {
        "acronym": "MINURSO",
        "name_es": "Misión de las Naciones Unidas para el Referéndum del Sáhara Occidental",
        "name_en": "United Nations Mission for the Referendum in Western Sahara",
        "kind": PK,
        "working_languages": ["fr", "en"],
        "armed": False,
        "protection_of_civilians": False,
    },
    {
        "acronym": "UNMOGIP",
        "name_es": "Grupo de Observadores Militares de las Naciones Unidas en la India y el "
        "Pakistán",
        "name_en": "United Nations Military Observer Group in India and Pakistan",
        "kind": PK,
        "working_languages": ["en"],
        "armed": False,
        "protection_of_civilians": False,
    },
    {
        "acronym": "UNTSO",
        "name_es": "Organismo de las Naciones Unidas para la Vigilancia de la Tregua",
        "name_en": "United Nations Truce Supervision Organization",
        "kind": PK,
        "working_languages": ["en"],
        "armed": False,
        "protection_of_civilians": False,
    },
    {
        "acronym": "UNVMC",
        "name_es": "Misión de Verificación de las Naciones Unidas en Colombia",
        "name_en": "United Nations Verification Mission in Colombia",
        "kind": Mission.Kind.SPECIAL_POLITICAL,
        "working_languages": ["es"],
        "armed": False,
        "protection_of_civilians": False,
    },
    {
        "acronym": "MINUSMA",
        "name_es": "Misión Multidimensional Integrada de Estabilización de las Naciones Unidas "
        "en Malí",
        "name_en": "United Nations Multidimensional Integrated Stabilization Mission in Mali",
        "kind": PK,
        "working_languages": ["fr"],
        "armed": True,
        "protection_of_civilians": True,
        "status": Mission.Status.CLOSED,
        "closed_on": datetime.date(2023, 12, 31),
    },
]

# Specialised training comes after the core pre-deployment training (CPTM): every profile
# requires CPTM and its own course. Language B2 is the centre's reading of "passes the
# mission's language test".
PROFILES: list[dict] = [
    {
        "name_en": "Individual Police Officer",
        "name_es": "Agente de policía individual",
        "role": U.INDIVIDUAL_POLICE,
        "courses": ["CPTM", "UNPOL"],
        "min_language_level": "B2",
        "medical": Medical.BY_MISSION,
        "human_rights_screening": True,
        "passport_months": 18,
        "driving_licence": True,
        "police_ams": True,
        "weapons_handling": True,  # the AMS firearms test
        "min_age": 25,
        "max_age": 62,
        "min_years_of_service": 5,
        "allowed_rank_categories": [R.POLICE],
        "allowed_un_categories": [U.INDIVIDUAL_POLICE],
    },
    {
        # Serving officers, usually captain to major, with at least five years as officers
        # (approximated by five years of service and an officer's rank category). Observers
        # deploy unarmed: MS3 whatever the mission.
        "name_en": "Military Observer / Expert on Mission",
        "name_es": "Observador militar / experto en misión",
        "role": U.MILITARY_OBSERVER,
        "courses": ["CPTM", "UNMEM"],
        "min_language_level": "B2",
        "medical": Medical.MS3,
        "human_rights_screening": True,
        "passport_months": 18,
        "driving_licence": True,
        "min_age": 25,
        "min_years_of_service": 5,
        "allowed_rank_categories": [R.OFFICER, R.SENIOR_OFFICER],
        "allowed_un_categories": [U.MILITARY_OBSERVER],
    },
    {
        "name_en": "Staff Officer",
        "name_es": "Oficial de Estado Mayor",
        "role": U.STAFF_OFFICER,
        "courses": ["CPTM", "UNSOC"],
        "min_language_level": "B2",
        "medical": Medical.BY_MISSION,
        "human_rights_screening": True,
        "passport_months": 18,
        "allowed_rank_categories": [R.OFFICER, R.SENIOR_OFFICER],
        "allowed_un_categories": [U.STAFF_OFFICER],
    },
    {
        "name_en": "Contingent Member",
        "name_es": "Integrante de contingente",
        "role": U.CONTINGENT,
        "courses": ["CPTM", "UOF"],
        "medical": Medical.BY_MISSION,
        "human_rights_screening": True,
        "passport_months": 18,
        "weapons_handling": True,
        "allowed_un_categories": [U.CONTINGENT],
    },
]


@dataclass
class ReadinessSeedReport:
    missions_created: list[str] = field(default_factory=list)
    profiles_created: list[str] = field(default_factory=list)
    courses_not_found: set[str] = field(default_factory=set)

    @property
    def changed(self) -> bool:
        return bool(self.missions_created or self.profiles_created)


@transaction.atomic
def readiness_reference_seed() -> ReadinessSeedReport:
    """Create the missing missions (by acronym) and profiles (by English name); existing rows
    are left untouched."""
    report = ReadinessSeedReport()
    existing = set(Mission.objects.values_list("acronym", flat=True))
    for fields in MISSIONS:
        if fields["acronym"] not in existing:
            mission_create(**fields)
            report.missions_created.append(fields["acronym"])

    codes = {code for profile in PROFILES for code in profile["courses"]}
    courses = {c.code: c for c in Course.objects.filter(code__in=codes)}
    report.courses_not_found = codes - courses.keys()
    existing = {
        name.casefold() for name in DeploymentProfile.objects.values_list("name_en", flat=True)
    }
    for fields in PROFILES:
        fields = dict(fields)
        wanted = fields.pop("courses")
        if fields["name_en"].casefold() in existing:
            continue
        deployment_profile_create(
            required_courses=[courses[code] for code in wanted if code in courses], **fields
        )
        report.profiles_created.append(fields["name_en"])
    return report
