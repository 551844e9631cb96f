"""``backup_create``: the database and the certificates' PDFs in one archive (cecopam.backup)."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from cecopam.backup import backup_create


class Command(BaseCommand):
    help = (
        "Write a backup of the database and of the certificates' PDFs to one .tar.gz file, "
        "for backup_restore. The application may keep running meanwhile."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", required=True, help="the archive to write, e.g. cecopam-2026-03-01.tar.gz"
        )

    def handle(self, *args, **options):
        try:
            report = backup_create(output=Path(options["output"]))
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        for problem in report.problems:
            self.stderr.write(self.style.WARNING(problem))
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Backup written to %(file)s (%(size)s): %(rows)d rows of %(tables)d tables "
                    "and %(files)d certificate PDFs."
                )
                % {
                    "file": report.path,
                    "size": filesizeformat(report.size),
                    "rows": report.rows,
                    "tables": report.tables,
                    "files": report.files,
                }
            )
        )
