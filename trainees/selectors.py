from django.db.models import Count, Q, QuerySet

from trainees.models import Trainee


def trainee_get_for_user(*, user) -> Trainee | None:
    """The trainee record linked to this account, if any."""
    if not user.is_authenticated:
        return None
    return Trainee.objects.select_related("institution").filter(user=user).first()


def trainee_totals() -> dict[str, int]:
    """Headcounts for the administrator's dashboard, in one query."""
    return Trainee.objects.aggregate(
        total=Count("pk"),
        women=Count("pk", filter=Q(sex=Trainee.Sex.FEMALE)),
        foreign=Count("pk", filter=~Q(nationality="MX")),
        nationalities=Count("nationality", distinct=True),
        institutions=Count("institution", distinct=True),
    )


def trainee_list() -> QuerySet[Trainee]:
    return Trainee.objects.select_related("institution").order_by(
        "first_surname", "second_surname", "given_names", "pk"
    )
