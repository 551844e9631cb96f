"""``backup_restore``: a backup_create archive into a new, empty installation (cecopam.backup)."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from cecopam.backup import backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by backup_create into this installation: its database migrated "
        "and empty, its media folder or bucket without other files. Nothing is changed unless "
        "everything restores."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="the .tar.gz file that backup_create wrote")

    def handle(self, *args, **options):
        try:
            report = backup_restore(archive=Path(options["archive"]))
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        for problem in report.problems:
            self.stderr.write(self.style.WARNING(problem))
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Restored %(rows)d rows of %(tables)d tables and %(files)d certificate PDFs; "
                    "%(verified)d PDFs match their certificate's SHA-256."
                )
                % {
                    "rows": report.rows,
                    "tables": report.tables,
                    "files": report.files,
                    "verified": report.verified,
                }
            )
        )
