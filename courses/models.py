"""Training: the catalogue of courses, their sessions, who is enrolled, attendance and scores."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cecopam.models import TimeStampedModel
from courses.verification_codes import verification_code_display
from trainees.models import Trainee

PERCENT = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))]


def in_language(spanish: str, english: str) -> str:
    """The Spanish or the English text, after the language of the page (Spanish first)."""
    if (get_language() or "es").startswith("en"):
        return english or spanish
    return spanish or english


class Course(TimeStampedModel):
    """A course of the catalogue: what is taught, how long, and what it takes to pass."""

    class Category(models.TextChoices):
        USE_OF_FORCE = "use_of_force", _("Use of force")
        IHL = "ihl", _("International humanitarian law")
        HUMAN_RIGHTS = "human_rights", _("Human rights")
        PROTECTION_OF_CIVILIANS = "poc", _("Protection of civilians")
        CRSV_GENDER = "crsv_gender", _("Conflict-related sexual violence and gender")
        CHILD_PROTECTION = "child_protection", _("Child protection")
        SEA_PREVENTION = "sea_prevention", _("Prevention of sexual exploitation and abuse")
        CPTM = "cptm", _("UN core pre-deployment training (CPTM)")
        STAFF_OFFICER = "staff_officer", _("UN staff officer")
        MILITARY_OBSERVER = "military_observer", _("UN military observer / expert on mission")
        UN_POLICE = "un_police", _("UN police")
        LANGUAGE = "language", _("Language")
        OTHER = "other", _("Other")

    code = models.CharField(
        _("code"), max_length=20, unique=True, help_text=_("For example DIH or UOF.")
    )
    title_es = models.CharField(_("title in Spanish"), max_length=200)
    title_en = models.CharField(_("title in English"), max_length=200)
    category = models.CharField(_("category"), max_length=30, choices=Category.choices)
    description = models.TextField(_("description"), blank=True)
    learning_outcomes = models.TextField(
        _("learning outcomes"), blank=True, help_text=_("One per line.")
    )
    hours = models.PositiveSmallIntegerField(
        _("hours"), validators=[MinValueValidator(1), MaxValueValidator(2000)]
    )
    prerequisites = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="required_by",
        verbose_name=_("prerequisite courses"),
        help_text=_(
            "A trainee needs a valid certificate or a passed session of each of these courses "
            "to enrol."
        ),
    )
    pass_mark = models.DecimalField(
        _("pass mark (%)"),
        max_digits=5,
        decimal_places=2,
        validators=PERCENT,
        help_text=_("The weighted total, out of 100, a trainee needs to pass."),
    )
    min_attendance_percent = models.PositiveSmallIntegerField(
        _("minimum attendance (%)"), validators=[MaxValueValidator(100)]
    )
    validity_months = models.PositiveSmallIntegerField(
        _("certificate validity (months)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Leave empty if the certificate does not expire."),
    )
    un_recognition_reference = models.CharField(
        _("UN recognition reference"), max_length=100, blank=True
    )
    un_recognition_expires_on = models.DateField(
        _("UN recognition expires on"), null=True, blank=True
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pass_mark__gte=0, pass_mark__lte=100),
                name="course_pass_mark_percent",
            ),
            models.CheckConstraint(
                condition=models.Q(min_attendance_percent__lte=100),
                name="course_attendance_percent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.title}"

    @property
    def title(self) -> str:
        return in_language(self.title_es, self.title_en)

    def clean(self) -> None:
        if self.un_recognition_expires_on and not self.un_recognition_reference:
            raise ValidationError(
                {
                    "un_recognition_reference": _(
                        "Give the UN recognition reference that this expiry date belongs to."
                    )
                }
            )


class AssessmentComponent(TimeStampedModel):
    """One graded part of a course. A critical component must be passed whatever the total."""

    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="components", verbose_name=_("course")
    )
    name_es = models.CharField(_("name in Spanish"), max_length=100)
    name_en = models.CharField(_("name in English"), max_length=100)
    weight = models.DecimalField(
        _("weight (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal(100))],
    )
    max_score = models.DecimalField(
        _("maximum score"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    pass_mark = models.DecimalField(
        _("pass mark"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("The score, out of the maximum, that passes this component."),
    )
    critical = models.BooleanField(
        _("critical"),
        default=False,
        help_text=_("Must be passed on its own, whatever the total."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("assessment component")
        verbose_name_plural = _("assessment components")
        ordering = ["course", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(weight__gt=0, weight__lte=100),
                name="component_weight_percent",
            ),
            models.CheckConstraint(
                condition=models.Q(max_score__gt=0), name="component_max_score_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(pass_mark__gte=0, pass_mark__lte=models.F("max_score")),
                name="component_pass_mark_within_max",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return in_language(self.name_es, self.name_en)

    def clean(self) -> None:
        if (
            self.pass_mark is not None
            and self.max_score is not None
            and self.pass_mark > self.max_score
        ):
            raise ValidationError(
                {
                    "pass_mark": _(
                        "The pass mark (%(pass_mark)s) cannot be above the maximum score "
                        "(%(max_score)s)."
                    )
                    % {"pass_mark": self.pass_mark, "max_score": self.max_score}
                }
            )


class CourseSession(TimeStampedModel):
    """A cohort: one course taught on given dates, at a venue, by its instructors."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        OPEN = "open", _("Open for enrolment")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    class Language(models.TextChoices):
        SPANISH = "es", _("Spanish")
        ENGLISH = "en", _("English")
        FRENCH = "fr", _("French")

    code = models.CharField(
        _("code"), max_length=30, unique=True, help_text=_("For example DIH-2026-03.")
    )
    course = models.ForeignKey(
        Course, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("course")
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    venue = models.CharField(_("venue"), max_length=200)
    capacity = models.PositiveSmallIntegerField(
        _("capacity"), validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    language = models.CharField(
        _("language of instruction"), max_length=2, choices=Language.choices, default="es"
    )
    instructors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="sessions_taught",
        verbose_name=_("instructors"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    results_finalised_at = models.DateTimeField(_("results finalised at"), null=True, blank=True)
    results_finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("results finalised by"),
    )
    # Bumped by every gradebook save, so that a save from a page opened before it is refused.
    gradebook_version = models.PositiveIntegerField(default=0, editable=False)
    gradebook_saved_at = models.DateTimeField(null=True, blank=True, editable=False)
    gradebook_saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    history = HistoricalRecords(excluded_fields=["gradebook_version", "gradebook_saved_at"])

    class Meta:
        verbose_name = _("course session")
        verbose_name_plural = _("course sessions")
        ordering = ["-start_date", "code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="session_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(capacity__gte=1), name="session_capacity_positive"
            ),
        ]
        indexes = [models.Index(fields=["status", "start_date"])]

    def __str__(self) -> str:
        return self.code

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The session cannot end before it starts.")})

    @property
    def days(self) -> list[datetime.date]:
        """The days attendance is taken: Monday to Friday from the start to the end date; every
        day if the session falls on a weekend only."""
        if not (self.start_date and self.end_date):
            return []
        every = [
            self.start_date + datetime.timedelta(days=n)
            for n in range((self.end_date - self.start_date).days + 1)
        ]
        weekdays = [day for day in every if day.weekday() < 5]
        return weekdays or every

    @property
    def results_final(self) -> bool:
        return self.results_finalised_at is not None


class ResultsReopening(TimeStampedModel):
    """An administrator reopened a session's finalised results: who, when and why."""

    session = models.ForeignKey(
        CourseSession,
        on_delete=models.CASCADE,
        related_name="reopenings",
        verbose_name=_("session"),
    )
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("reopened by"),
    )
    reason = models.TextField(_("reason"))

    class Meta:
        verbose_name = _("reopening of results")
        verbose_name_plural = _("reopenings of results")
        ordering = ["-created_at"]


class Enrolment(TimeStampedModel):
    """A trainee in a session: their place (or place in the waitlist) and, once the results
    are finalised, their result."""

    class Status(models.TextChoices):
        NOMINATED = "nominated", _("Nominated")
        CONFIRMED = "confirmed", _("Confirmed")
        WAITLISTED = "waitlisted", _("Waitlisted")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        NO_SHOW = "no_show", _("No-show")
        PASSED = "passed", _("Passed")
        FAILED = "failed", _("Failed")

    # Statuses that hold (or wait for) a seat in the session.
    ACTIVE = (Status.NOMINATED, Status.CONFIRMED, Status.WAITLISTED)

    trainee = models.ForeignKey(
        Trainee, on_delete=models.PROTECT, related_name="enrolments", verbose_name=_("trainee")
    )
    session = models.ForeignKey(
        CourseSession,
        on_delete=models.PROTECT,
        related_name="enrolments",
        verbose_name=_("session"),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("nominated by"),
    )
    # The order of the waitlist: when the trainee asked for the seat.
    requested_at = models.DateTimeField(_("requested at"))
    prerequisite_override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("prerequisites waived by"),
    )
    prerequisite_override_reason = models.TextField(
        _("why the prerequisites were waived"), blank=True
    )
    # The result, computed and frozen when the session's results are finalised.
    total = models.DecimalField(
        _("weighted total"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    attendance_percent = models.DecimalField(
        _("attendance (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    failed_critical = models.BooleanField(_("failed a critical component"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["session", "requested_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["trainee", "session"], name="enrolment_unique_trainee_session"
            ),
            models.CheckConstraint(
                condition=~models.Q(prerequisite_override_by__isnull=False)
                | ~models.Q(prerequisite_override_reason=""),
                name="enrolment_override_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["session", "status", "requested_at"])]

    def __str__(self) -> str:
        return f"{self.trainee} · {self.session}"

    @property
    def has_result(self) -> bool:
        return self.status in (self.Status.PASSED, self.Status.FAILED)


class Attendance(TimeStampedModel):
    """Whether an enrolled trainee was there on one day of the session."""

    class Status(models.TextChoices):
        PRESENT = "present", _("Present")
        ABSENT = "absent", _("Absent")
        EXCUSED = "excused", _("Excused")

    enrolment = models.ForeignKey(
        Enrolment,
        on_delete=models.CASCADE,
        related_name="attendance",
        verbose_name=_("enrolment"),
    )
    day = models.DateField(_("day"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["enrolment", "day"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "day"], name="attendance_unique_enrolment_day"
            )
        ]


class Score(TimeStampedModel):
    """One trainee's score in one assessment component."""

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="scores", verbose_name=_("enrolment")
    )
    component = models.ForeignKey(
        AssessmentComponent,
        on_delete=models.PROTECT,
        related_name="scores",
        verbose_name=_("component"),
    )
    # Empty when a recorded score was cleared: the row keeps the history of the cell.
    value = models.DecimalField(
        _("score"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = ["enrolment", "component"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "component"], name="score_unique_enrolment_component"
            ),
            models.CheckConstraint(condition=models.Q(value__gte=0), name="score_not_negative"),
        ]


class CertificateSerial(models.Model):
    """The last certificate serial number given out in a year. Its row is locked while a
    number is taken, so the numbers of a year have no gaps and no repeats, even when sessions
    are finalised at the same moment: a finalisation that rolls back gives its numbers back."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("certificate serial counter")
        verbose_name_plural = _("certificate serial counters")

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Certificate(TimeStampedModel):
    """The certificate of a passed enrolment: what is printed is frozen in ``snapshot`` when it
    is issued, and the PDF is rendered from it by a background worker."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        RENDERING = "rendering", _("Rendering")
        ISSUED = "issued", _("Issued")
        FAILED = "failed", pgettext_lazy("certificate", "Failed")
        REVOKED = "revoked", _("Revoked")
        SUPERSEDED = "superseded", _("Superseded")

    class Standing(models.TextChoices):
        """What a certificate is worth to someone checking it (the verification page)."""

        VALID = "valid", _("Valid")
        EXPIRED = "expired", _("Expired")
        REVOKED = "revoked", _("Revoked")
        SUPERSEDED = "superseded", _("Superseded")

    enrolment = models.ForeignKey(
        Enrolment,
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name=_("enrolment"),
    )
    serial = models.CharField(_("serial number"), max_length=20, unique=True)
    # Crockford base32, 12 characters (60 random bits), stored without dashes.
    code = models.CharField(_("verification code"), max_length=12, unique=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    issued_on = models.DateField(_("issued on"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    snapshot = models.JSONField(_("printed fields"))
    pdf = models.FileField(_("PDF"), upload_to="certificates/%Y/", blank=True)
    sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64, blank=True)
    render_attempts = models.PositiveSmallIntegerField(_("render attempts"), default=0)
    # The Celery node (``--hostname``, e.g. pdf@host-a) that printed the PDF: with workers on
    # several hosts, where to look when one certificate comes out wrong. Blank for a PDF
    # printed outside a worker (the demo data).
    rendered_by = models.CharField(_("rendered by"), max_length=255, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )
    revocation_reason = models.TextField(_("reason for revocation"), blank=True)
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("supersedes"),
    )
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["render_attempts"])

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_on", "-serial"]
        constraints = [
            # One certificate in force per enrolment; a reissue supersedes the one before.
            models.UniqueConstraint(
                fields=["enrolment"],
                condition=~models.Q(status="superseded"),
                name="certificate_one_in_force_per_enrolment",
            ),
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_until__gte=models.F("issued_on")),
                name="certificate_valid_after_issue",
            ),
        ]
        indexes = [models.Index(fields=["status", "updated_at"])]

    def __str__(self) -> str:
        return self.serial

    @property
    def code_display(self) -> str:
        """The verification code as people type it: 8F3K-92JD-XQ7P."""
        return verification_code_display(self.code)

    def standing(self, today: datetime.date | None = None) -> str | None:
        """What the public verification page says of this certificate on ``today``: valid,
        expired, revoked or superseded; None while it is not yet issued (no PDF exists)."""
        if self.status in (self.Status.REVOKED, self.Status.SUPERSEDED):
            return self.Standing(self.status)
        if self.status != self.Status.ISSUED:
            return None
        today = today or timezone.localdate()
        if self.valid_until is not None and self.valid_until < today:
            return self.Standing.EXPIRED
        return self.Standing.VALID


class CertificateReminder(models.Model):
    """A reminder sent to a certificate's holder before it expires; one row per certificate
    and lead time, so each reminder goes out once however often the daily task runs."""

    class Lead(models.IntegerChoices):
        DAYS_90 = 90, _("90 days before expiry")
        DAYS_30 = 30, _("30 days before expiry")
        DAYS_7 = 7, _("7 days before expiry")

    certificate = models.ForeignKey(
        Certificate,
        on_delete=models.CASCADE,
        related_name="reminders",
        verbose_name=_("certificate"),
    )
    days_before = models.PositiveSmallIntegerField(_("days before expiry"), choices=Lead.choices)
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("expiry reminder")
        verbose_name_plural = _("expiry reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["certificate", "days_before"], name="certificate_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.certificate} − {self.days_before}"
