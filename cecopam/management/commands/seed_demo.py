from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from cecopam.demo import demo_seed


class Command(BaseCommand):
    help = "Load the demo training centre (idempotent: a second run changes nothing)."

    def handle(self, *args, **options):
        report = demo_seed()
        if report.changed:
            self.stdout.write(
                _(
                    "Demo data loaded: %(users)d accounts, %(institutions)d institutions, "
                    "%(trainees)d trainees, %(courses)d courses, %(sessions)d sessions, "
                    "%(enrolments)d enrolments, %(certificates)d certificates."
                )
                % {
                    "users": report.users_created,
                    "institutions": report.institutions_created,
                    "trainees": report.trainees_created,
                    "courses": report.courses_created,
                    "sessions": report.sessions_created,
                    "enrolments": report.enrolments_created,
                    "certificates": report.certificates_issued,
                }
            )
            if report.missions_created or report.profiles_created:
                self.stdout.write(
                    _("Readiness: %(missions)d missions, %(profiles)d deployment profiles.")
                    % {"missions": report.missions_created, "profiles": report.profiles_created}
                )
        else:
            self.stdout.write(_("Demo data already loaded; nothing changed."))
