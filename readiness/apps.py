from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReadinessConfig(AppConfig):
    name = "readiness"
    verbose_name = _("Deployment readiness")

    def ready(self) -> None:
        from readiness.record import trainee_readiness_section
        from trainees.record_sections import record_section_register

        record_section_register(trainee_readiness_section)
