"""What a backup archive holds: its members, the models whose rows it keeps, the migrations
they fit, and the SHA-256 that every member is checked by."""

from __future__ import annotations

import hashlib
from typing import IO

from django.apps import apps
from django.core import serializers
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Model
from django.utils.translation import gettext as _

FORMAT = 1
APPLICATION = "cecopam"
MANIFEST = "manifest.json"
DATA = "data.json"
FILES = "files/"

# Made again by ``migrate``, or true only at the moment the backup was made.
NOT_BACKED_UP = frozenset(
    {
        "contenttypes.contenttype",
        "auth.permission",
        "sessions.session",
        "cecopam.workerheartbeat",
        "cecopam.taskrun",
        "axes.accessattempt",
        "axes.accessattemptexpiration",
    }
)
# Rows a data migration creates (the role groups): in every new database, and loaded over
# by their natural keys.
MADE_BY_MIGRATIONS = frozenset({"auth.group"})

CHUNK = 1024 * 1024


def backed_up_models() -> list[type[Model]]:
    """The models a backup holds, each after those it refers to (as ``dumpdata`` orders them)."""
    app_list = [
        (
            config,
            [
                model
                for model in config.get_models()
                if model._meta.label_lower not in NOT_BACKED_UP and not model._meta.proxy
            ],
        )
        for config in apps.get_app_configs()
    ]
    return serializers.sort_dependencies(app_list, allow_cycles=True)


def migrations_applied() -> dict[str, list[str]]:
    """The migrations of this code that the database has applied, by app; refused while any
    is not applied (the models would not match the tables)."""
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        raise ValidationError(_("The database is not up to date: run “manage.py migrate” first."))
    applied: dict[str, list[str]] = {}
    for app, name in sorted(executor.loader.applied_migrations):
        if (app, name) in executor.loader.graph.nodes:
            applied.setdefault(app, []).append(name)
    return applied


def sha256_copy(source: IO[bytes], target: IO[bytes] | None = None) -> tuple[str, int]:
    """Copy ``source`` into ``target`` (or only read it): its SHA-256 and size."""
    digest, size = hashlib.sha256(), 0
    while chunk := source.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
        if target is not None:
            target.write(chunk)
    return digest.hexdigest(), size
