"""Writing an import: trainees created and updated in batches, each with its history record."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from trainees.models import Trainee

WRITE_BATCH = 1_000


class TraineeWriter:
    """Creates and updates trainees in batches, each with its history record."""

    def __init__(self, *, user, filename: str) -> None:
        self.user = user
        self.reason = (_("Spreadsheet import: %(file)s") % {"file": filename})[:100]
        self.to_create: list[Trainee] = []
        self.to_update: list[Trainee] = []
        self.update_fields: set[str] = set()

    def create(self, trainee: Trainee) -> None:
        self.to_create.append(trainee)
        self._flush_when_full()

    def update(self, trainee: Trainee, fields: tuple[str, ...]) -> None:
        self.to_update.append(trainee)
        self.update_fields.update(fields)
        self._flush_when_full()

    def discard(self) -> None:
        self.to_create.clear()
        self.to_update.clear()

    def _flush_when_full(self) -> None:
        if len(self.to_create) + len(self.to_update) >= WRITE_BATCH:
            self.flush()

    def flush(self) -> None:
        if self.to_create:
            bulk_create_with_history(
                self.to_create,
                Trainee,
                default_user=self.user,
                default_change_reason=self.reason,
            )
            self.to_create.clear()
        if self.to_update:
            # bulk_update() leaves auto_now alone, so the time of change is set here.
            now = timezone.now()
            for trainee in self.to_update:
                trainee.updated_at = now
            bulk_update_with_history(
                self.to_update,
                Trainee,
                fields=[*sorted(self.update_fields), "updated_at"],
                default_user=self.user,
                default_change_reason=self.reason,
            )
            self.to_update.clear()
            self.update_fields.clear()
