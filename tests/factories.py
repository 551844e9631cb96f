"""Test data, built through the same services the app uses."""

import datetime

import factory
from django.contrib.auth import get_user_model

from cecopam.roles import Role
from cecopam.services import user_assign_role
from trainees.models import Trainee
from trainees.services import institution_get_or_create, trainee_create

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="es_MX")
    last_name = factory.Faker("last_name", locale="es_MX")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)


def make_user(username: str, *, role: str | None, with_trainee: bool = False):
    """A user in ``role``'s group (saved with its password), with a trainee record if asked."""
    user = UserFactory(username=username)
    user.save()
    if role is not None:
        user_assign_role(user=user, role=Role(role))
    if with_trainee:
        institution = institution_get_or_create(
            name="SEDENA – Ejército Mexicano", kind="army", country="MX"
        )
        trainee_create(
            given_names=user.first_name,
            first_surname=user.last_name,
            second_surname="Ramírez",
            sex=Trainee.Sex.FEMALE,
            date_of_birth=datetime.date(1990, 5, 17),
            nationality="MX",
            institution=institution,
            rank="Capitán Segundo",
            rank_category=Trainee.RankCategory.OFFICER,
            service_number=f"SN-{username}",
            un_category=Trainee.UNCategory.STAFF_OFFICER,
            user=user,
        )
    return user
