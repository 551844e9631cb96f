"""UN missions and the deployment profiles that say who may be sent to them.

The readiness engine (``readiness.engine``) never reads these models: ``Mission.facts()`` and
``DeploymentProfile.requirements()`` turn them into the plain values it works on.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cecopam.models import TimeStampedModel
from courses.models import Course, in_language
from readiness.engine import (
    Medical,
    MissionFacts,
    ProfileRequirements,
    RequiredCourse,
    Verdict,
)
from trainees.models import LanguageSkill, Trainee


def _choice_list_errors(values, choices, what: str) -> str | None:
    """Why a JSON list of codes is not a list of distinct known choices (None if it is)."""
    if not isinstance(values, list):
        return _("Give a list of %(what)s.") % {"what": what}
    unknown = [v for v in values if v not in choices.values]
    if unknown:
        return _("Unknown %(what)s: %(codes)s.") % {
            "what": what,
            "codes": ", ".join(str(v) for v in unknown),
        }
    if len(set(values)) != len(values):
        return _("A value is listed twice in the %(what)s.") % {"what": what}
    return None


class Mission(TimeStampedModel):
    """A UN peace operation trainees deploy to."""

    class Kind(models.TextChoices):
        PEACEKEEPING = "peacekeeping", _("Peacekeeping operation")
        SPECIAL_POLITICAL = "special_political", _("Special political mission")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        CLOSED = "closed", _("Closed")

    acronym = models.CharField(_("acronym"), max_length=30, unique=True)
    name_es = models.CharField(_("name in Spanish"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200)
    kind = models.CharField(_("type"), max_length=30, choices=Kind.choices)
    # ISO 639-1 codes among LanguageSkill.Language, first the main one: ["fr", "en"].
    working_languages = models.JSONField(
        _("working languages"),
        default=list,
        help_text=_("The languages a deployed person must work in, the main one first."),
    )
    armed = models.BooleanField(
        _("armed"), default=True, help_text=_("Uniformed personnel deploy armed (medical MS2).")
    )
    protection_of_civilians = models.BooleanField(
        _("protection-of-civilians mandate"), default=False
    )
    mandate_end = models.DateField(
        _("mandate end"),
        null=True,
        blank=True,
        help_text=_("The last day of the current mandate; empty if open-ended."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    closed_on = models.DateField(
        _("closed on"), null=True, blank=True, help_text=_("The mission's last day.")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("mission")
        verbose_name_plural = _("missions")
        ordering = ["acronym"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="active", closed_on__isnull=True)
                | models.Q(status="closed", closed_on__isnull=False),
                name="mission_closed_on_iff_closed",
                violation_error_message=_(
                    "A closed mission needs the date it closed; an active one has none."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.acronym

    @property
    def name(self) -> str:
        return in_language(self.name_es, self.name_en)

    def clean(self) -> None:
        super().clean()
        problem = _choice_list_errors(
            self.working_languages, LanguageSkill.Language, _("working languages")
        )
        if problem is None and not self.working_languages:
            problem = _("Give at least one working language.")
        if problem:
            raise ValidationError({"working_languages": problem})
        if self.status == self.Status.CLOSED and not self.closed_on:
            raise ValidationError({"closed_on": _("Give the date the mission closed.")})
        if self.status == self.Status.ACTIVE and self.closed_on:
            raise ValidationError({"closed_on": _("An active mission has no closing date.")})

    def facts(self) -> MissionFacts:
        return MissionFacts(
            acronym=self.acronym,
            languages=tuple(self.working_languages),
            armed=self.armed,
            mandate_end=self.mandate_end,
            closed=self.status == self.Status.CLOSED,
            closed_on=self.closed_on,
        )


class DeploymentProfile(TimeStampedModel):
    """A role someone deploys in (optionally for one mission) and what it takes to be ready."""

    Medical = Medical

    name_es = models.CharField(_("name in Spanish"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200)
    role = models.CharField(
        _("role (UN personnel category)"), max_length=30, choices=Trainee.UNCategory.choices
    )
    mission = models.ForeignKey(
        Mission,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="profiles",
        verbose_name=_("mission"),
        help_text=_("Empty: the profile applies to any mission."),
    )
    required_courses = models.ManyToManyField(
        Course,
        blank=True,
        related_name="deployment_profiles",
        verbose_name=_("required courses"),
        help_text=_("A certificate of each, valid on the deployment date."),
    )
    min_language_level = models.CharField(
        _("minimum language level (CEFR)"),
        max_length=2,
        choices=LanguageSkill.Level.choices,
        blank=True,
        help_text=_("In one of the mission's working languages. Empty: no language test."),
    )
    medical = models.CharField(
        _("medical clearance"), max_length=10, choices=Medical.choices, default=Medical.BY_MISSION
    )
    human_rights_screening = models.BooleanField(
        _("human-rights screening"),
        default=True,
        help_text=_("Both the State certification and the self-attestation."),
    )
    passport_months = models.PositiveSmallIntegerField(
        _("passport validity after deployment (months)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(120)],
        help_text=_("Empty: no passport needed; 0: valid on the date."),
    )
    driving_licence = models.BooleanField(_("driving licence"), default=False)
    police_ams = models.BooleanField(
        _("police AMS within 24 months"),
        default=False,
        help_text=_("Assessment for Mission Service passed in the 24 months before the date."),
    )
    weapons_handling = models.BooleanField(_("weapons handling"), default=False)
    min_age = models.PositiveSmallIntegerField(
        _("minimum age"),
        null=True,
        blank=True,
        validators=[MinValueValidator(16), MaxValueValidator(80)],
    )
    max_age = models.PositiveSmallIntegerField(
        _("maximum age"),
        null=True,
        blank=True,
        validators=[MinValueValidator(16), MaxValueValidator(80)],
    )
    min_years_of_service = models.PositiveSmallIntegerField(
        _("minimum years of service"), null=True, blank=True, validators=[MaxValueValidator(50)]
    )
    # Lists of Trainee.RankCategory / Trainee.UNCategory values; empty = any.
    allowed_rank_categories = models.JSONField(
        _("allowed rank categories"), default=list, blank=True, help_text=_("Empty: any.")
    )
    allowed_un_categories = models.JSONField(
        _("allowed UN personnel categories"), default=list, blank=True, help_text=_("Empty: any.")
    )
    active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords(m2m_fields=[required_courses])

    class Meta:
        verbose_name = _("deployment profile")
        verbose_name_plural = _("deployment profiles")
        ordering = ["name_en"]
        constraints = [
            models.UniqueConstraint(
                Lower("name_en"),
                name="deployment_profile_unique_name_en",
                violation_error_message=_("Another profile has this English name."),
            ),
            models.UniqueConstraint(
                Lower("name_es"),
                name="deployment_profile_unique_name_es",
                violation_error_message=_("Another profile has this Spanish name."),
            ),
            models.CheckConstraint(
                condition=models.Q(min_age__isnull=True)
                | models.Q(max_age__isnull=True)
                | models.Q(min_age__lte=models.F("max_age")),
                name="deployment_profile_age_range",
                violation_error_message=_("The minimum age cannot be above the maximum age."),
            ),
            models.CheckConstraint(
                condition=models.Q(passport_months__isnull=True)
                | models.Q(passport_months__lte=120),
                name="deployment_profile_passport_months_range",
                violation_error_message=_("Passport validity is at most 120 months."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return in_language(self.name_es, self.name_en)

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.min_age is not None and self.max_age is not None and self.min_age > self.max_age:
            errors["max_age"] = _("The minimum age cannot be above the maximum age.")
        for field, choices, what in (
            ("allowed_rank_categories", Trainee.RankCategory, _("rank categories")),
            ("allowed_un_categories", Trainee.UNCategory, _("UN personnel categories")),
        ):
            problem = _choice_list_errors(getattr(self, field), choices, what)
            if problem:
                errors[field] = problem
        if errors:
            raise ValidationError(errors)

    def requirements(self) -> ProfileRequirements:
        """The engine's view of this profile (reads required_courses: prefetch it in bulk)."""
        return ProfileRequirements(
            required_courses=tuple(
                RequiredCourse(id=c.pk, code=c.code, title_es=c.title_es, title_en=c.title_en)
                for c in sorted(self.required_courses.all(), key=lambda c: c.code)
            ),
            min_language_level=self.min_language_level or None,
            medical=self.medical,
            human_rights_screening=self.human_rights_screening,
            passport_months=self.passport_months,
            driving_licence=self.driving_licence,
            police_ams=self.police_ams,
            weapons_handling=self.weapons_handling,
            min_age=self.min_age,
            max_age=self.max_age,
            min_years_of_service=self.min_years_of_service,
            allowed_rank_categories=frozenset(self.allowed_rank_categories),
            allowed_un_categories=frozenset(self.allowed_un_categories),
        )


class Roster(TimeStampedModel):
    """Ready people selected for one rotation: whom the centre nominates, for which mission
    and role, to deploy on which date. Each member's verdict is kept as it was when the
    roster was saved."""

    name = models.CharField(_("name"), max_length=200)
    mission = models.ForeignKey(
        Mission, on_delete=models.PROTECT, related_name="rosters", verbose_name=_("mission")
    )
    profile = models.ForeignKey(
        DeploymentProfile,
        on_delete=models.PROTECT,
        related_name="rosters",
        verbose_name=_("deployment profile"),
    )
    deploys_on = models.DateField(_("deployment date"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    trainees = models.ManyToManyField(
        Trainee, through="RosterMember", related_name="rosters", verbose_name=_("trainees")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("roster")
        verbose_name_plural = _("rosters")
        ordering = ["-deploys_on", "name"]

    def __str__(self) -> str:
        return self.name


class RosterMember(models.Model):
    roster = models.ForeignKey(
        Roster, on_delete=models.CASCADE, related_name="members", verbose_name=_("roster")
    )
    trainee = models.ForeignKey(
        Trainee, on_delete=models.PROTECT, related_name="+", verbose_name=_("trainee")
    )
    verdict = models.CharField(_("verdict when saved"), max_length=20, choices=Verdict.choices)
    lapses_on = models.DateField(
        _("first lapse"),
        null=True,
        blank=True,
        help_text=_("The earliest date something of theirs lapses (ready, but expiring)."),
    )

    class Meta:
        verbose_name = _("roster member")
        verbose_name_plural = _("roster members")
        constraints = [
            models.UniqueConstraint(fields=["roster", "trainee"], name="roster_member_unique")
        ]

    def __str__(self) -> str:
        return f"{self.roster} – {self.trainee}"

    @property
    def verdict_choice(self) -> Verdict:
        return Verdict(self.verdict)


class WeeklyDigest(models.Model):
    """The administrators' weekly expiry digest, one row per week it was sent: the claim that
    makes it go out once, however often the periodic task runs."""

    week = models.DateField(_("week starting"), unique=True)
    sent_at = models.DateTimeField(_("sent at"))
    recipients = models.PositiveIntegerField(_("recipients"))
    lapses = models.PositiveIntegerField(_("lapses listed"))

    class Meta:
        verbose_name = _("weekly digest")
        verbose_name_plural = _("weekly digests")
        ordering = ["-week"]

    def __str__(self) -> str:
        return str(self.week)
