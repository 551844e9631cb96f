from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from trainees.exports import trainee_export_csv, trainee_export_xlsx
from trainees.models import Trainee


class Command(BaseCommand):
    help = "Export every trainee record as CSV (to standard output or a file) or XLSX (to a file)."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
        parser.add_argument("--output", help="the file to write (required for xlsx)")

    def handle(self, *args, **options):
        trainees = Trainee.objects.all()  # in the model's order; the export joins institutions
        output = options["output"]
        if options["format"] == "xlsx":
            if not output:
                raise CommandError(_("An XLSX export needs --output FILE."))
            try:
                with open(output, "wb") as stream:
                    count = trainee_export_xlsx(trainees=trainees, stream=stream)
            except OSError as error:
                raise CommandError(_cannot_write(output, error)) from error
        elif output:
            try:
                with open(output, "w", encoding="utf-8", newline="") as stream:
                    count = trainee_export_csv(trainees=trainees, stream=stream)
            except OSError as error:
                raise CommandError(_cannot_write(output, error)) from error
        else:
            count = trainee_export_csv(
                trainees=trainees, stream=_Unterminated(self.stdout), byte_order_mark=False
            )
        if output:
            self.stderr.write(
                _("%(count)d trainees written to %(file)s.") % {"count": count, "file": output}
            )


def _cannot_write(output: str, error: OSError) -> str:
    return _("Cannot write %(file)s: %(error)s") % {"file": output, "error": error.strerror}


class _Unterminated:
    """The command's stdout, written as the csv module writes: no newline added."""

    def __init__(self, out) -> None:
        self.out = out

    def write(self, text: str) -> None:
        self.out.write(text, ending="")
