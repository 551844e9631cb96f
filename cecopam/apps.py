from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CecopamConfig(AppConfig):
    name = "cecopam"
    verbose_name = _("CECOPAM")
