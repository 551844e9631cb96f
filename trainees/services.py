import datetime

from django.db import transaction

from trainees.models import Institution, Trainee


@transaction.atomic
def institution_get_or_create(
    *, name: str, kind: str, country: str = "MX", short_name: str = ""
) -> Institution:
    """The institution of this name in this country, created if it is new (names ignore case)."""
    existing = Institution.objects.filter(name__iexact=name, country=country).first()
    if existing is not None:
        return existing
    institution = Institution(name=name, short_name=short_name, kind=kind, country=country)
    institution.full_clean()
    institution.save()
    return institution


@transaction.atomic
def trainee_create(
    *,
    given_names: str,
    first_surname: str,
    second_surname: str = "",
    sex: str,
    date_of_birth: datetime.date,
    nationality: str,
    institution: Institution,
    rank: str = "",
    rank_category: str,
    service_number: str,
    service_start_date: datetime.date | None = None,
    un_category: str,
    email: str = "",
    phone: str = "",
    user=None,
) -> Trainee:
    """Create a trainee record; raises ValidationError naming any field that is wrong."""
    trainee = Trainee(
        given_names=given_names,
        first_surname=first_surname,
        second_surname=second_surname,
        sex=sex,
        date_of_birth=date_of_birth,
        nationality=nationality,
        institution=institution,
        rank=rank,
        rank_category=rank_category,
        service_number=service_number,
        service_start_date=service_start_date,
        un_category=un_category,
        email=email,
        phone=phone,
        user=user,
    )
    trainee.full_clean()
    trainee.save()
    return trainee
