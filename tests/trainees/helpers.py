"""Trainee records for tests, made through the services."""

import datetime

from trainees.models import Trainee
from trainees.services import institution_get_or_create, trainee_create


def a_trainee(n: int = 0, **overrides) -> Trainee:
    institution = overrides.pop("institution", None) or institution_get_or_create(
        name="SEMAR – Armada de México", kind="navy", country="MX"
    )
    fields = {
        "given_names": f"Persona{n}",
        "first_surname": "García",
        "second_surname": "López",
        "sex": Trainee.Sex.MALE,
        "date_of_birth": datetime.date(1988, 1, 1),
        "nationality": "MX",
        "institution": institution,
        "rank": "Teniente de Navío",
        "rank_category": Trainee.RankCategory.OFFICER,
        "service_number": f"T-{n:05d}",
        "un_category": Trainee.UNCategory.STAFF_OFFICER,
    }
    fields.update(overrides)
    return trainee_create(**fields)
