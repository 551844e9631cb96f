"""Who may do what: the three roles, and the checks every view and selector goes through.

A user's role comes from their group (created by a data migration); a superuser counts as an
administrator. Access is decided here, on the server, never only by what a menu shows.
"""

from __future__ import annotations

from enum import StrEnum

from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _


class Role(StrEnum):
    ADMINISTRATOR = "administrator"
    INSTRUCTOR = "instructor"
    TRAINEE = "trainee"

    @property
    def group_name(self) -> str:
        return GROUP_NAMES[self]

    @property
    def label(self) -> str:
        return str(ROLE_LABELS[self])


# Stored group names stay English and fixed; what people read is ROLE_LABELS.
GROUP_NAMES = {
    Role.ADMINISTRATOR: "Administrators",
    Role.INSTRUCTOR: "Instructors",
    Role.TRAINEE: "Trainees",
}
ROLE_LABELS = {
    Role.ADMINISTRATOR: _("Training administrator"),
    Role.INSTRUCTOR: _("Instructor"),
    Role.TRAINEE: _("Trainee"),
}
# When a user is in several groups, the broadest role wins.
_PRECEDENCE = (Role.ADMINISTRATOR, Role.INSTRUCTOR, Role.TRAINEE)


def user_role(user) -> Role | None:
    """The user's role, or None for anonymous users and accounts without one (cached per user)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if not hasattr(user, "_cecopam_role"):
        if user.is_superuser:
            user._cecopam_role = Role.ADMINISTRATOR
        else:
            names = set(user.groups.values_list("name", flat=True))
            user._cecopam_role = next((r for r in _PRECEDENCE if r.group_name in names), None)
    return user._cecopam_role


def user_is_administrator(user) -> bool:
    return user_role(user) is Role.ADMINISTRATOR


def user_is_instructor(user) -> bool:
    return user_role(user) is Role.INSTRUCTOR


def user_is_trainee(user) -> bool:
    return user_role(user) is Role.TRAINEE


def access_require_role(user, *roles: Role) -> Role:
    """Return the user's role if it is one of ``roles``; otherwise refuse (403)."""
    role = user_role(user)
    if role not in roles:
        raise PermissionDenied(_("Your role does not give access to this page."))
    return role


class RoleRequiredMixin(AccessMixin):
    """For class-based views: anonymous users go to sign-in, other roles get 403."""

    allowed_roles: tuple[Role, ...] = ()

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        access_require_role(request.user, *self.allowed_roles)
        return super().dispatch(request, *args, **kwargs)


class AdministratorPermissionBackend:
    """Grants every model permission to training administrators (checked by role, not by rows
    in the permission tables), so that the back office and ``has_perm`` agree with the role."""

    def authenticate(self, request, **credentials):
        return None

    def has_perm(self, user_obj, perm, obj=None) -> bool:
        return user_is_administrator(user_obj)

    def has_module_perms(self, user_obj, app_label) -> bool:
        return user_is_administrator(user_obj)
