"""The back office (Django's admin), open to training administrators by role, not by is_staff."""

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cecopam.roles import user_is_administrator


class AdministratorAuthenticationForm(AdminAuthenticationForm):
    def confirm_login_allowed(self, user):
        if not user.is_active or not user_is_administrator(user):
            raise ValidationError(
                _("Only training administrators can use the back office."), code="invalid_login"
            )


class CecopamAdminSite(admin.AdminSite):
    site_header = _("CECOPAM Training Manager")
    site_title = _("CECOPAM")
    index_title = _("Back office")
    login_form = AdministratorAuthenticationForm

    def has_permission(self, request):
        return user_is_administrator(request.user)
