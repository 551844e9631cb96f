from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from trainees.imports import MAX_FILE_BYTES, ImportPreview, import_commit, import_preview


class Command(BaseCommand):
    help = (
        "Import trainee records from a CSV or XLSX file. Nothing is written unless every row "
        "is valid; --dry-run only shows what would change."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the CSV or XLSX file")
        parser.add_argument(
            "--dry-run", action="store_true", help="show what would change, write nothing"
        )
        parser.add_argument(
            "--user", help="the username the change history records as the importer"
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        user = None
        if options["user"]:
            try:
                user = get_user_model().objects.get(username=options["user"])
            except get_user_model().DoesNotExist as error:
                raise CommandError(
                    _("There is no user “%(username)s”.") % {"username": options["user"]}
                ) from error
        try:
            with path.open("rb") as file:
                # One byte past the limit is enough for the import to refuse the file.
                data = file.read(MAX_FILE_BYTES + 1)
        except OSError as error:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s") % {"file": path, "error": error.strerror}
            ) from error

        if options["dry_run"]:
            preview = import_preview(data=data, filename=path.name)
        else:
            preview = import_commit(
                data=data, filename=path.name, user=user, list_rows=options["verbosity"] >= 2
            )
        self.report(preview, verbosity=options["verbosity"], dry_run=options["dry_run"])
        if not preview.ok:
            raise CommandError(
                ngettext(
                    "Nothing was imported: the file has %(count)d error.",
                    "Nothing was imported: the file has %(count)d errors.",
                    preview.counts["errors"],
                )
                % {"count": preview.counts["errors"]}
            )

    def report(self, preview: ImportPreview, *, verbosity: int, dry_run: bool) -> None:
        counts = preview.counts
        self.stdout.write(
            _(
                "%(rows)d rows: %(create)d to create, %(update)d to update, "
                "%(unchanged)d unchanged, %(errors)d errors."
            )
            % counts
        )
        for problem in preview.errors:
            self.stderr.write(str(problem))
        if preview.errors_not_listed:
            self.stderr.write(
                ngettext(
                    "… and %(count)d more error.",
                    "… and %(count)d more errors.",
                    preview.errors_not_listed,
                )
                % {"count": preview.errors_not_listed}
            )
        if verbosity >= 2:
            for summary in preview.to_create:
                self.stdout.write(
                    _("row %(row)d: create %(name)s (%(key)s)")
                    % {"row": summary.row, "name": summary.name, "key": _key(summary)}
                )
            for summary in preview.to_update:
                self.stdout.write(
                    _("row %(row)d: update %(name)s (%(key)s): %(fields)s")
                    % {
                        "row": summary.row,
                        "name": summary.name,
                        "key": _key(summary),
                        "fields": ", ".join(summary.changed_headers),
                    }
                )
        if preview.ok and dry_run:
            self.stdout.write(_("Dry run: nothing was written."))
        elif preview.committed:
            self.stdout.write(
                self.style.SUCCESS(_("Imported: %(create)d created, %(update)d updated.") % counts)
            )


def _key(summary) -> str:
    return f"{summary.nationality} · {summary.institution} · {summary.service_number}"
