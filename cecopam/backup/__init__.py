"""A whole installation in one file, and that file restored into a new installation.

A backup is a ``.tar.gz`` archive holding, in this order:

- ``manifest.json``: the backup format, the application's version and the migrations its
  database was at, the rows per model, and the name, size and SHA-256 of every other member;
- ``data.json``: every row, serialised as ``dumpdata --natural-foreign --natural-primary``
  does, so that it loads into SQLite and PostgreSQL alike; the change history included;
- ``files/<name>``: the certificates' PDFs under their storage names, read through the storage
  API (a local folder or an S3 bucket alike).

Left out is what ``migrate`` makes again (content types, permissions) and what only describes
the moment the backup was made: sign-in sessions, worker heartbeats, scheduled-task runs and
django-axes' lockout counters.

A restore goes only into an empty database migrated to the same migrations. The whole archive
is checked against its manifest before anything is written; then the rows are loaded and the
PDFs written in one transaction, each PDF read back and checked against its certificate's
SHA-256. On any failure the transaction is rolled back and the PDFs it wrote are deleted.

The package: ``archive`` (what an archive holds), ``create`` and ``restore``.
"""

from cecopam.backup.create import BackupReport, backup_create
from cecopam.backup.restore import RestoreReport, backup_restore

__all__ = ["BackupReport", "RestoreReport", "backup_create", "backup_restore"]
