from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Courses")

    def ready(self) -> None:
        from django.core import checks

        from courses.record import training_history_section
        from courses.verification_throttle import verify_rates_check
        from trainees.record_sections import record_section_register

        record_section_register(training_history_section)
        checks.register(verify_rates_check)
