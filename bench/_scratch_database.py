"""A throwaway test database for one benchmark script (imported by the scripts; `make bench`
runs only the files that do not start with an underscore)."""

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.test.utils import setup_test_environment, teardown_test_environment


def run_with_scratch_database(run: Callable[[], None]) -> None:
    """Create a fresh test database (migrated), call ``run``, destroy the database."""
    setup_test_environment()
    scratch = None
    if connection.vendor == "sqlite":
        # Not the test settings' var/test.sqlite3, which a test run may be using right now.
        scratch = tempfile.mkdtemp(prefix="cecopam-bench-")
        test_name = str(Path(scratch) / "bench.sqlite3")
    else:
        # Not test_<name> either, the test suite's database on this server, which a test run may
        # be using right now (and which autoclobber would drop): one of this process's own.
        test_name = f"test_{connection.settings_dict['NAME']}_bench_{os.getpid()}"
    settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = test_name
    connection.settings_dict.setdefault("TEST", {})["NAME"] = test_name
    old_name = connection.settings_dict["NAME"]
    try:
        connection.creation.create_test_db(
            verbosity=0, autoclobber=True, keepdb=False, serialize=False
        )
        try:
            run()
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=False)
    finally:
        teardown_test_environment()
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
