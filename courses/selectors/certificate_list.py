"""Reading certificates for the administrators' pages: the filtered list, one certificate,
and its change history."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from cecopam.roles import Role, access_require_role
from courses.models import Certificate, Course, CourseSession
from courses.verification_codes import verification_code_normalise
from trainees.models import search_fold

Status = Certificate.Status

# The status filter's choices: the stored statuses, with "issued" split as the verification
# page tells it (valid or expired), which is what an administrator asks about.
STATUS_CHOICES = [
    (Status.ISSUED.value, _("Issued (valid or expired)")),
    (Certificate.Standing.VALID.value, _("Issued and valid")),
    (Certificate.Standing.EXPIRED.value, _("Issued and expired")),
    (Status.PENDING.value, Status.PENDING.label),
    (Status.RENDERING.value, Status.RENDERING.label),
    (Status.FAILED.value, Status.FAILED.label),
    (Status.REVOKED.value, Status.REVOKED.label),
    (Status.SUPERSEDED.value, Status.SUPERSEDED.label),
]


def certificate_list_for_user(*, user) -> QuerySet[Certificate]:
    """Every certificate, for administrators (403 for everyone else), with what a row of the
    list shows joined in: a fixed number of queries whatever the number of rows."""
    access_require_role(user, Role.ADMINISTRATOR)
    return Certificate.objects.select_related(
        "enrolment__trainee", "enrolment__session__course"
    ).order_by("-issued_on", "-serial", "-pk")


def certificate_search(queryset: QuerySet[Certificate], text: str) -> QuerySet[Certificate]:
    """Certificates whose serial contains ``text``, whose verification code it is (typed in
    any case, with or without dashes), or whose holder's name holds every word of it."""
    text = text.strip()
    if not text:
        return queryset
    matches = Q(serial__icontains=text)
    code = verification_code_normalise(text)
    if code:
        matches |= Q(code=code)
    words = search_fold(text).split()
    name = Q()
    for word in words:
        name &= Q(enrolment__trainee__search_text__contains=word)
    return queryset.filter(matches | name)


def certificate_status_filter(status: str, *, today=None) -> Q:
    """The certificates of one choice of STATUS_CHOICES on ``today``."""
    today = today or timezone.localdate()
    issued = Q(status=Status.ISSUED)
    expired = issued & Q(valid_until__lt=today)
    if status == Certificate.Standing.EXPIRED:
        return expired
    if status == Certificate.Standing.VALID:
        return issued & ~Q(valid_until__lt=today)
    return Q(status=status)


class CertificateFilter(django_filters.FilterSet):
    """The certificate list's search box and filters (all in the query string)."""

    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        widget=forms.TextInput(
            attrs={"placeholder": _("Serial, verification code or name"), "type": "search"}
        ),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=STATUS_CHOICES, method="filter_status"
    )
    course = django_filters.ModelChoiceFilter(
        label=_("Course"),
        field_name="enrolment__session__course",
        queryset=Course.objects.order_by("code"),
    )
    session = django_filters.ModelChoiceFilter(
        label=_("Session"),
        field_name="enrolment__session",
        # Only sessions that gave certificates: the others would find nothing.
        queryset=CourseSession.objects.filter(enrolments__certificates__isnull=False)
        .distinct()
        .order_by("-start_date", "code"),
    )
    year = django_filters.ChoiceFilter(
        label=_("Year of issue"), field_name="issued_on__year", choices=[]
    )
    nationality = django_filters.ChoiceFilter(
        label=_("Nationality"), field_name="enrolment__trainee__nationality", choices=[]
    )

    class Meta:
        model = Certificate
        fields = ["q", "status", "course", "session", "year", "nationality"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Computed per request: the years that have certificates, country names in the
        # language of the page.
        years = Certificate.objects.dates("issued_on", "year", order="DESC")
        self.filters["year"].extra["choices"] = [(d.year, str(d.year)) for d in years]
        self.filters["nationality"].extra["choices"] = list(countries)

    def filter_search(self, queryset, name, value):
        return certificate_search(queryset, value)

    def filter_status(self, queryset, name, value):
        return queryset.filter(certificate_status_filter(value))


def certificate_get_for_admin(*, user, pk: int) -> Certificate:
    """One certificate with its holder, session, revoker and the certificates it replaces and
    is replaced by; administrators only (403 for everyone else, 404 if there is none)."""
    access_require_role(user, Role.ADMINISTRATOR)
    certificate = (
        Certificate.objects.select_related(
            "enrolment__trainee__institution",
            "enrolment__session__course",
            "revoked_by",
            "supersedes",
            "superseded_by",
        )
        .filter(pk=pk)
        .first()
    )
    if certificate is None:
        raise Http404
    return certificate


# Bookkeeping that changes with every save: not news to anyone.
UNTOLD = ["updated_at", "created_at"]
HISTORY_ACTIONS = {"+": _("Created"), "~": _("Changed"), "-": _("Deleted")}


def certificate_history(certificate: Certificate) -> list[dict]:
    """What happened to a certificate, newest first: when, who, what was done, which fields
    changed, the status it was left in and the reason given; a render says which worker
    printed the PDF (its node name). One query."""
    entries = []
    previous = None
    records = certificate.history.select_related("history_user").order_by("history_date", "pk")
    for record in records:
        changes = []
        if previous is not None and record.history_type == "~":
            changes = record.diff_against(previous, excluded_fields=UNTOLD).changes
        previous = record
        if record.history_type == "~" and not changes:
            continue  # saved as it was: nothing to tell
        user = record.history_user
        if user:
            who = user.get_full_name() or user.get_username()
        elif any(change.field == "rendered_by" for change in changes) and record.rendered_by:
            who = record.rendered_by
        else:
            who = str(_("the system (worker or script)"))
        entries.append(
            {
                "when": record.history_date,
                "who": who,
                "what": HISTORY_ACTIONS[record.history_type],
                "fields": [
                    str(Certificate._meta.get_field(change.field).verbose_name)
                    for change in changes
                ],
                "status": Status(record.status).label,
                # The pipeline's own reasons are stored in English and shown translated;
                # a reason an administrator typed comes back as it was written.
                "reason": _(record.history_change_reason) if record.history_change_reason else "",
            }
        )
    entries.reverse()
    return entries
