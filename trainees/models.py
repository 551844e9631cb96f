import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Cast, Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from cecopam.models import TimeStampedModel


class Institution(TimeStampedModel):
    """Where a trainee serves: a Mexican service, a partner nation's forces, a civilian agency."""

    class Kind(models.TextChoices):
        ARMY = "army", _("Army")
        AIR_FORCE = "air_force", _("Air Force")
        NAVY = "navy", _("Navy")
        NATIONAL_GUARD = "national_guard", _("National Guard")
        FEDERAL_POLICE = "federal_police", _("Federal police")
        STATE_POLICE = "state_police", _("State police")
        CIVILIAN = "civilian", _("Civilian agency")
        FOREIGN_ARMED_FORCES = "foreign_armed_forces", _("Foreign armed forces")
        FOREIGN_POLICE = "foreign_police", _("Foreign police")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=50, blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    country = CountryField(_("country"), default="MX")

    class Meta:
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        ordering = ["country", "name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"), "country", name="institution_unique_name_per_country"
            )
        ]

    def __str__(self) -> str:
        return self.short_name or self.name


def search_fold(text: str) -> str:
    """Lower case without accents, so that "lopez" finds "López" on any database."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


class TraineeQuerySet(models.QuerySet):
    # Bulk writes skip save(): they keep the search text in step here instead.
    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for trainee in objs:
            trainee.search_text = trainee.build_search_text()
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)
        if set(fields) & set(Trainee.SEARCHED_FIELDS):
            for trainee in objs:
                trainee.search_text = trainee.build_search_text()
            fields = [*fields, "search_text"]
        return super().bulk_update(objs, fields, *args, **kwargs)


class Trainee(TimeStampedModel):
    """A person the centre trains: military, naval, police or civilian, Mexican or not."""

    SEARCHED_FIELDS = ("given_names", "first_surname", "second_surname", "service_number")

    class Sex(models.TextChoices):
        FEMALE = "F", _("Female")
        MALE = "M", _("Male")

    class RankCategory(models.TextChoices):
        GENERAL_OFFICER = "general_officer", _("General / flag officer")
        SENIOR_OFFICER = "senior_officer", _("Senior officer")
        OFFICER = "officer", _("Officer")
        NCO = "nco", _("Non-commissioned officer")
        ENLISTED = "enlisted", _("Enlisted")
        POLICE = "police", _("Police")
        CIVILIAN = "civilian", _("Civilian")

    class UNCategory(models.TextChoices):
        CONTINGENT = "contingent", _("Contingent member")
        STAFF_OFFICER = "staff_officer", _("Staff officer")
        MILITARY_OBSERVER = "military_observer", _("Military observer / expert on mission")
        INDIVIDUAL_POLICE = "individual_police", _("Individual police officer")
        FORMED_POLICE_UNIT = "formed_police_unit", _("Formed police unit")
        CIVILIAN = "civilian", _("Civilian")

    given_names = models.CharField(_("given names"), max_length=100)
    first_surname = models.CharField(_("first surname"), max_length=100)
    second_surname = models.CharField(_("second surname"), max_length=100, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    date_of_birth = models.DateField(_("date of birth"))
    nationality = CountryField(_("nationality"))
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        related_name="trainees",
        verbose_name=_("institution"),
    )
    rank = models.CharField(_("rank"), max_length=100, blank=True)
    rank_category = models.CharField(
        _("rank category"), max_length=20, choices=RankCategory.choices
    )
    service_number = models.CharField(_("service number"), max_length=50)
    service_start_date = models.DateField(_("service start date"), null=True, blank=True)
    un_category = models.CharField(
        _("UN personnel category"), max_length=30, choices=UNCategory.choices
    )
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="trainee",
        verbose_name=_("user account"),
    )

    # Derived from SEARCHED_FIELDS on every save (and bulk write): accent-free, lower case.
    search_text = models.CharField(max_length=400, editable=False, db_index=True, default="")

    objects = TraineeQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("trainee")
        verbose_name_plural = _("trainees")
        ordering = ["first_surname", "second_surname", "given_names", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["nationality", "institution", "service_number"],
                name="trainee_unique_service_number",
                violation_error_message=_(
                    "Another trainee of this nationality and institution has this service number."
                ),
            ),
            # "In the past" as the database can check it deterministically: born before the
            # record was created (clean() checks against today).
            models.CheckConstraint(
                condition=models.Q(date_of_birth__lt=Cast("created_at", models.DateField())),
                name="trainee_born_before_record",
                violation_error_message=_("The date of birth must be in the past."),
            ),
            models.CheckConstraint(
                condition=models.Q(service_start_date__isnull=True)
                | models.Q(service_start_date__gt=models.F("date_of_birth")),
                name="trainee_service_after_birth",
                violation_error_message=_(
                    "The service start date must be after the date of birth."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def clean(self) -> None:
        super().clean()
        if self.date_of_birth and self.date_of_birth >= timezone.localdate():
            raise ValidationError({"date_of_birth": _("The date of birth must be in the past.")})
        if (
            self.service_start_date
            and self.date_of_birth
            and self.service_start_date <= self.date_of_birth
        ):
            raise ValidationError(
                {"service_start_date": _("The service start date must be after the date of birth.")}
            )

    def build_search_text(self) -> str:
        return search_fold(" ".join(getattr(self, f) or "" for f in self.SEARCHED_FIELDS))

    def save(self, *args, **kwargs):
        self.search_text = self.build_search_text()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and set(update_fields) & set(self.SEARCHED_FIELDS):
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

    @property
    def surnames(self) -> str:
        return " ".join(s for s in (self.first_surname, self.second_surname) if s)

    @property
    def full_name(self) -> str:
        return f"{self.given_names} {self.surnames}"


class LanguageSkill(TimeStampedModel):
    """A language a trainee speaks, at a CEFR level, as tested on a date."""

    class Language(models.TextChoices):
        SPANISH = "es", _("Spanish")
        ENGLISH = "en", _("English")
        FRENCH = "fr", _("French")
        ARABIC = "ar", _("Arabic")
        PORTUGUESE = "pt", _("Portuguese")
        RUSSIAN = "ru", _("Russian")
        CHINESE = "zh", _("Chinese")
        ITALIAN = "it", _("Italian")
        GERMAN = "de", _("German")

    class Level(models.TextChoices):
        A1 = "A1", "A1"
        A2 = "A2", "A2"
        B1 = "B1", "B1"
        B2 = "B2", "B2"
        C1 = "C1", "C1"
        C2 = "C2", "C2"

    trainee = models.ForeignKey(
        Trainee, on_delete=models.CASCADE, related_name="languages", verbose_name=_("trainee")
    )
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    level = models.CharField(_("level (CEFR)"), max_length=2, choices=Level.choices)
    tested_on = models.DateField(_("tested on"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("language skill")
        verbose_name_plural = _("language skills")
        ordering = ["language"]
        constraints = [
            models.UniqueConstraint(
                fields=["trainee", "language"],
                name="language_skill_unique_per_trainee",
                violation_error_message=_("This trainee already has this language."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_language_display()} {self.level}"


class Clearance(TimeStampedModel):
    """A document or screening a deployment needs: medical, human rights, passport, licences."""

    class Kind(models.TextChoices):
        MEDICAL_MS2 = "medical_ms2", _("Medical – MS2 (armed)")
        MEDICAL_MS3 = "medical_ms3", _("Medical – MS3 (unarmed)")
        HR_CERTIFICATION = "hr_certification", _("Human-rights screening – State certification")
        HR_SELF_ATTESTATION = "hr_self_attestation", _("Human-rights screening – self-attestation")
        PASSPORT = "passport", _("Passport")
        DRIVING_LICENCE = "driving_licence", _("Driving licence")
        POLICE_AMS = "police_ams", _("Police Assessment for Mission Service (AMS)")
        WEAPONS_HANDLING = "weapons_handling", _("Weapons handling")

    class Status(models.TextChoices):
        GRANTED = "granted", _("Granted")
        PENDING = "pending", _("Pending")
        REFUSED = "refused", _("Refused")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    # What only administrators may read: the passport number and medical findings.
    SENSITIVE_KINDS = (Kind.PASSPORT, Kind.MEDICAL_MS2, Kind.MEDICAL_MS3)

    trainee = models.ForeignKey(
        Trainee, on_delete=models.CASCADE, related_name="clearances", verbose_name=_("trainee")
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.GRANTED
    )
    issued_on = models.DateField(_("issued on"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    reference = models.CharField(
        _("reference"),
        max_length=100,
        blank=True,
        help_text=_("Document number: the passport number, the certificate's reference."),
    )
    details = models.TextField(
        _("details"), blank=True, help_text=_("Medical findings or remarks (administrators only).")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("clearance")
        verbose_name_plural = _("clearances")
        ordering = ["kind", "-issued_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_until__gt=models.F("issued_on")),
                name="clearance_valid_until_after_issue",
                violation_error_message=_("“Valid until” must be after “issued on”."),
            )
        ]

    def __str__(self) -> str:
        return self.get_kind_display()
