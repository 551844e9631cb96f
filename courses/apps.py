from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Courses")

    def ready(self) -> None:
        from courses.record import training_history_section
        from trainees.record_sections import record_section_register

        record_section_register(training_history_section)
