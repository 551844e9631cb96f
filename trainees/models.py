from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
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


class Trainee(TimeStampedModel):
    """A person the centre trains: military, naval, police or civilian, Mexican or not."""

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

    @property
    def surnames(self) -> str:
        return " ".join(s for s in (self.first_surname, self.second_surname) if s)

    @property
    def full_name(self) -> str:
        return f"{self.given_names} {self.surnames}"
