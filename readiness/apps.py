from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReadinessConfig(AppConfig):
    name = "readiness"
    verbose_name = _("Deployment readiness")

    def ready(self) -> None:
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from courses.models import Course
        from readiness.models import DeploymentProfile, Mission
        from readiness.record import trainee_readiness_section
        from readiness.selectors import reference_changed
        from trainees.record_sections import record_section_register

        record_section_register(trainee_readiness_section)
        # The profiles, missions and course titles every trainee's readiness is judged by.
        for model in (Mission, DeploymentProfile, Course):
            post_save.connect(reference_changed, sender=model, dispatch_uid=f"ref-save-{model}")
            post_delete.connect(reference_changed, sender=model, dispatch_uid=f"ref-del-{model}")
        m2m_changed.connect(
            reference_changed,
            sender=DeploymentProfile.required_courses.through,
            dispatch_uid="ref-courses",
        )
