"""Reads of trainee records, with the access rule of each role applied here, once."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cecopam.roles import Role, access_require_role, user_role
from trainees.models import Clearance, LanguageSkill, Trainee, search_fold

# A clearance that lapses within this many days is shown as expiring.
EXPIRING_WITHIN = datetime.timedelta(days=90)


class ClearanceState(StrEnum):
    VALID = "valid"
    EXPIRING = "expiring"
    EXPIRED = "expired"
    MISSING = "missing"

    @property
    def label(self) -> str:
        return str(CLEARANCE_STATE_LABELS[self])

    @property
    def badge(self) -> str:
        return {"valid": "success", "expiring": "warning", "expired": "danger"}.get(
            self.value, "secondary"
        )


CLEARANCE_STATE_LABELS = {
    ClearanceState.VALID: _("valid"),
    ClearanceState.EXPIRING: _("expiring"),
    ClearanceState.EXPIRED: _("expired"),
    ClearanceState.MISSING: _("missing"),
}


def today() -> datetime.date:
    return timezone.localdate()


def clearance_state(clearance: Clearance | None, *, on: datetime.date) -> ClearanceState:
    if clearance is None or clearance.status != Clearance.Status.GRANTED:
        return ClearanceState.MISSING
    if clearance.valid_until is None or clearance.valid_until > on + EXPIRING_WITHIN:
        return ClearanceState.VALID
    if clearance.valid_until >= on:
        return ClearanceState.EXPIRING
    return ClearanceState.EXPIRED


@dataclass(frozen=True)
class ClearanceRow:
    """One line of a trainee's clearances: a kind, its best document, and its state."""

    kind: str
    label: str
    clearance: Clearance | None
    state: ClearanceState
    days_left: int | None  # negative once expired

    @property
    def days_overdue(self) -> int | None:
        return -self.days_left if self.days_left is not None and self.days_left < 0 else None


def clearance_rows(trainee: Trainee, *, on: datetime.date | None = None) -> list[ClearanceRow]:
    """Every clearance kind, with the trainee's best document of that kind (the granted one that
    runs longest), so that a missing one shows as missing. Uses prefetched clearances."""
    on = on or today()
    best: dict[str, Clearance] = {}
    for clearance in trainee.clearances.all():
        current = best.get(clearance.kind)
        if current is None or _rank(clearance) > _rank(current):
            best[clearance.kind] = clearance
    rows = []
    for kind, label in Clearance.Kind.choices:
        clearance = best.get(kind)
        state = clearance_state(clearance, on=on)
        days_left = (
            (clearance.valid_until - on).days
            if clearance is not None and clearance.valid_until and state != ClearanceState.MISSING
            else None
        )
        rows.append(ClearanceRow(kind, str(label), clearance, state, days_left))
    return rows


def _rank(clearance: Clearance) -> tuple:
    granted = clearance.status == Clearance.Status.GRANTED
    return (granted, clearance.valid_until or datetime.date.max, clearance.issued_on)


# ------------------------------------------------------------------ the list
def clearance_state_filter(*, state: str, kind: str = "", on: datetime.date | None = None) -> Q:
    """Trainees with a clearance (of ``kind``, or of any kind) in ``state``; "missing" means
    no granted clearance of that kind (or none at all)."""
    on = on or today()
    granted = Clearance.objects.filter(trainee=OuterRef("pk"), status=Clearance.Status.GRANTED)
    if kind:
        granted = granted.filter(kind=kind)
    soon = on + EXPIRING_WITHIN
    valid = Q(valid_until__isnull=True) | Q(valid_until__gt=soon)
    expiring = Q(valid_until__gte=on, valid_until__lte=soon)
    if state == ClearanceState.VALID:
        return Q(Exists(granted.filter(valid)))
    if state == ClearanceState.EXPIRING:
        # Expiring: nothing of that kind runs past the horizon, but something is still valid.
        return Q(Exists(granted.filter(expiring))) & ~Q(Exists(granted.filter(valid)))
    if state == ClearanceState.EXPIRED:
        return Q(Exists(granted.filter(valid_until__lt=on))) & ~Q(
            Exists(granted.filter(valid_until__isnull=True) | granted.filter(valid_until__gte=on))
        )
    if state == ClearanceState.MISSING:
        return ~Q(Exists(granted))
    raise ValueError(state)


def trainee_search(queryset: QuerySet[Trainee], text: str) -> QuerySet[Trainee]:
    """Every word must appear in the name or service number, accents and case aside."""
    for word in search_fold(text).split():
        queryset = queryset.filter(search_text__contains=word)
    return queryset


def trainee_list_for_user(*, user) -> QuerySet[Trainee]:
    """The trainee list: administrators only."""
    access_require_role(user, Role.ADMINISTRATOR)
    return Trainee.objects.select_related("institution")


def trainee_list_clearance_counts(
    trainees: Iterable[Trainee], *, on: datetime.date | None = None
) -> list[Trainee]:
    """The trainees of one page of the list, each with ``clearances_expired`` and
    ``clearances_expiring``: how many granted clearances lapsed before ``on`` or lapse within
    EXPIRING_WITHIN of it. One query for the page: counted in the list's own query, every
    trainee of the centre would be grouped and sorted to show a page."""
    trainees = list(trainees)
    on = on or today()
    counts = {}
    if trainees:
        counts = {
            row["trainee"]: row
            for row in Clearance.objects.filter(
                trainee__in=trainees, status=Clearance.Status.GRANTED
            )
            .values("trainee")
            .annotate(
                expired=Count("pk", filter=Q(valid_until__lt=on)),
                expiring=Count(
                    "pk", filter=Q(valid_until__gte=on, valid_until__lte=on + EXPIRING_WITHIN)
                ),
            )
            .order_by()
        }
    for trainee in trainees:
        row = counts.get(trainee.pk, {})
        trainee.clearances_expired = row.get("expired", 0)
        trainee.clearances_expiring = row.get("expiring", 0)
    return trainees


# ------------------------------------------------------------------ one record
class Visibility(StrEnum):
    FULL = "full"  # administrators: everything, passport numbers and medical details included
    OWN = "own"  # the trainee: their own record, without the administrators' notes
    BASIC = "basic"  # instructors: name, rank, institution, nationality


def trainee_get_for_user(*, user, pk: int) -> tuple[Trainee, Visibility]:
    """The trainee ``pk`` and how much of it ``user`` may see; 404 for another trainee's record
    (a trainee must not learn whom the centre holds) and for an instructor's look at a trainee
    of no session of theirs, 403 for users without a role."""
    role = user_role(user)
    if role is None:
        raise PermissionDenied
    queryset = Trainee.objects.select_related("institution", "user")
    if role is Role.TRAINEE:
        queryset = queryset.filter(user=user)
    elif role is Role.INSTRUCTOR:
        # Instructors see the card of a trainee enrolled in one of their sessions. (The lookup
        # names the courses app's relation by string: trainees imports no other app.)
        taught = queryset.filter(enrolments__session__instructors=user).distinct()
        return _get_or_404(taught, pk), Visibility.BASIC
    queryset = queryset.prefetch_related(
        Prefetch("clearances", queryset=Clearance.objects.order_by("kind", "-issued_on")),
        Prefetch("languages", queryset=LanguageSkill.objects.order_by("language")),
    )
    trainee = _get_or_404(queryset, pk)
    return trainee, Visibility.FULL if role is Role.ADMINISTRATOR else Visibility.OWN


def _get_or_404(queryset: QuerySet[Trainee], pk: int) -> Trainee:
    trainee = queryset.filter(pk=pk).first()
    if trainee is None:
        raise Http404
    return trainee


# Bookkeeping that changes with every save or follows from other fields: not news to anyone.
UNTOLD = ["updated_at", "search_text"]
HISTORY_ACTIONS = {"+": _("Created"), "~": _("Changed"), "-": _("Deleted")}


def trainee_history(trainee: Trainee, *, limit: int = 100) -> list[dict]:
    """What changed in the record, its clearances and languages: who, when, which fields.

    Three queries whatever the length of the history: each change is compared with the one
    before it in memory.
    """
    entries = []
    sources = [
        (trainee.history.all(), _("record")),
        (Clearance.history.filter(trainee_id=trainee.pk), _("clearance")),
        (LanguageSkill.history.filter(trainee_id=trainee.pk), _("language")),
    ]
    for queryset, subject in sources:
        previous_of: dict[int, object] = {}
        for record in queryset.select_related("history_user").order_by("history_date", "pk"):
            previous = previous_of.get(record.id)
            previous_of[record.id] = record
            changed = []
            if previous is not None and record.history_type == "~":
                changed = [
                    str(record.instance._meta.get_field(c.field).verbose_name)
                    for c in record.diff_against(previous, excluded_fields=UNTOLD).changes
                ]
                if not changed:
                    continue  # saved as it was: nothing to tell
            entries.append(
                {
                    "when": record.history_date,
                    "who": _user_name(record.history_user),
                    "what": HISTORY_ACTIONS[record.history_type],
                    "subject": subject,
                    "object": str(record.instance),
                    "fields": changed,
                }
            )
    entries.sort(key=lambda e: e["when"], reverse=True)
    return entries[:limit]


def _user_name(user) -> str:
    if user is None:
        return str(_("the system (import or script)"))
    return user.get_full_name() or user.get_username()


# ------------------------------------------------------------------ the dashboard
def trainee_get_for_user_account(*, user) -> Trainee | None:
    """The trainee record linked to this account, if any."""
    if not user.is_authenticated:
        return None
    return (
        Trainee.objects.select_related("institution")
        .prefetch_related("clearances", "languages")
        .filter(user=user)
        .first()
    )


def trainee_totals() -> dict[str, int]:
    """Headcounts for the administrator's dashboard, in one query."""
    return Trainee.objects.aggregate(
        total=Count("pk"),
        women=Count("pk", filter=Q(sex=Trainee.Sex.FEMALE)),
        foreign=Count("pk", filter=~Q(nationality="MX")),
        nationalities=Count("nationality", distinct=True),
        institutions=Count("institution", distinct=True),
    )
