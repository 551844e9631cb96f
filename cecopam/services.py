from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from cecopam.models import WorkerHeartbeat
from cecopam.roles import Role


@transaction.atomic
def heartbeat_record(*, queue: str, worker: str) -> WorkerHeartbeat:
    """Record that ``worker`` took a task from ``queue`` just now (one row per pair)."""
    heartbeat, created = WorkerHeartbeat.objects.get_or_create(
        queue=queue, worker=worker, defaults={"seen_at": timezone.now(), "beats": 1}
    )
    if not created:
        WorkerHeartbeat.objects.filter(pk=heartbeat.pk).update(
            seen_at=timezone.now(), beats=F("beats") + 1
        )
        heartbeat.refresh_from_db()
    return heartbeat


@transaction.atomic
def user_assign_role(*, user, role: Role):
    """Put ``user`` in ``role``'s group, and in no other role's group.

    The groups come from a data migration; they are recreated here if someone deleted them.
    """
    other_roles = [r.group_name for r in Role if r is not role]
    user.groups.remove(*Group.objects.filter(name__in=other_roles))
    group, _created = Group.objects.get_or_create(name=role.group_name)
    user.groups.add(group)
    if hasattr(user, "_cecopam_role"):
        del user._cecopam_role
    return user
