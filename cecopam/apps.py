from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class CecopamConfig(AppConfig):
    default = True
    name = "cecopam"
    verbose_name = _("CECOPAM")


class CecopamAdminConfig(admin_apps.AdminConfig):
    """Django's admin with our site: open to training administrators by role."""

    default = False
    default_site = "cecopam.admin_site.CecopamAdminSite"
