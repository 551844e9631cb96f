import datetime
import uuid
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.text import get_valid_filename

from trainees.models import Clearance, Institution, LanguageSkill, Trainee


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


@transaction.atomic
def trainee_record_save(*, form, clearances, languages) -> Trainee:
    """Save a trainee's record with its clearances and languages, all or nothing.

    ``form`` and the two inline formsets must be valid; the change history records the
    request's user for each (django-simple-history's middleware).
    """
    trainee = form.save()
    for formset in (clearances, languages):
        formset.instance = trainee
        formset.save()
    return trainee


@transaction.atomic
def trainee_contact_update(*, trainee: Trainee, email: str, phone: str) -> Trainee:
    """A trainee's own change: contact details only."""
    trainee.email, trainee.phone = email, phone
    trainee.full_clean()
    trainee.save(update_fields=["email", "phone", "updated_at"])
    return trainee


@transaction.atomic
def clearance_create(
    *,
    trainee: Trainee,
    kind: str,
    issued_on: datetime.date,
    valid_until: datetime.date | None = None,
    status: str = Clearance.Status.GRANTED,
    reference: str = "",
    details: str = "",
) -> Clearance:
    clearance = Clearance(
        trainee=trainee, kind=kind, status=status, issued_on=issued_on,
        valid_until=valid_until, reference=reference, details=details,
    )  # fmt: skip
    clearance.full_clean()
    clearance.save()
    return clearance


@transaction.atomic
def language_skill_create(
    *, trainee: Trainee, language: str, level: str, tested_on: datetime.date | None = None
) -> LanguageSkill:
    skill = LanguageSkill(trainee=trainee, language=language, level=level, tested_on=tested_on)
    skill.full_clean()
    skill.save()
    return skill


# ------------------------------------------------------------------ an import between two steps
# The spreadsheet waits in storage between its preview and the administrator's "import".
PENDING_IMPORTS = "imports/pending"


def import_upload_store(*, data: bytes, filename: str) -> str:
    """Keep an uploaded spreadsheet until it is committed or discarded; return its token."""
    token = uuid.uuid4().hex
    safe_name = get_valid_filename(Path(filename).name) or "upload"
    default_storage.save(f"{PENDING_IMPORTS}/{token}/{safe_name}", ContentFile(data))
    return token


def import_upload_load(*, token: str) -> tuple[bytes, str] | None:
    """The spreadsheet kept under ``token`` and its name, or None if there is none."""
    if not token.isalnum():
        return None
    try:
        _folders, names = default_storage.listdir(f"{PENDING_IMPORTS}/{token}")
    except FileNotFoundError:
        return None
    if not names:
        return None
    with default_storage.open(f"{PENDING_IMPORTS}/{token}/{names[0]}", "rb") as stored:
        return stored.read(), names[0]


def import_upload_discard(*, token: str) -> None:
    if not token.isalnum():
        return
    try:
        _folders, names = default_storage.listdir(f"{PENDING_IMPORTS}/{token}")
    except FileNotFoundError:
        return
    for name in names:
        default_storage.delete(f"{PENDING_IMPORTS}/{token}/{name}")
