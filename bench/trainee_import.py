"""Trainee import: how long 10,000 rows take, against a plain bulk insert, and how memory grows.

Runs against a throwaway test database. The CSV files are generated in memory: valid rows with
distinct service numbers across a few institutions. The import (``import_commit``: two streaming
passes over the file, validation of every row, the inserts and their history records) is timed
against ``Trainee.objects.bulk_create`` of the same 10,000 trainees already built as model
instances, in the same run: that ratio is the figure that travels between machines. For
information, django-simple-history's ``bulk_create_with_history`` of the same instances (how
the import wrote its history records before it copied them with ``INSERT … SELECT``) is timed
against the same baseline. Each timing starts from a
collected heap: otherwise the baseline's time includes the garbage collections set off by the
instances built for it just before, which made it about a fifth slower, varying from run to run,
and flattered the ratio. Peak memory (tracemalloc) of importing 10,000 rows is compared with
1,000 rows: the import streams the file and counts the rows it writes, so its memory should
not follow the file. A preview lists every row, about 120 bytes each: for information, its
peak for 10,000 rows against 1,000 is printed too.

Prints one line per figure, ``name: value (target)``. Slowness never fails the script; only
errors do (an import that reports errors, an exception).
"""

import datetime
import gc
import os
import sys
import time
import tracemalloc
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cecopam.settings.test")

import django  # noqa: E402

django.setup()

from _scratch_database import run_with_scratch_database  # noqa: E402
from django.db import connection  # noqa: E402

ROUNDS = 3  # best of, for each timing
TARGET_VS_BULK_CREATE = 3.0  # import time / bulk_create time, at most
TARGET_MEMORY_10K_VS_1K = 1.5  # peak memory importing 10,000 rows / 1,000 rows, at most

HEADER = (
    "Given names,First surname,Second surname,Sex,Date of birth,Nationality,Institution,Rank,"
    "Rank category,Service number,Service start date,UN personnel category,Email,Phone"
)
INSTITUTIONS = [
    ("SEDENA – Ejército Mexicano", "SEDENA", "army", "MX"),
    ("SEMAR – Armada de México", "SEMAR", "navy", "MX"),
    ("Guardia Nacional", "GN", "national_guard", "MX"),
    ("Ejército de Guatemala", "", "foreign_armed_forces", "GT"),
]
GIVEN = ["Ana", "Luis", "María Fernanda", "José", "Carmen", "Jorge", "Lucía", "Andrés"]
SURNAMES = ["Pérez", "García", "Hernández", "López", "Martínez", "Núñez", "Ramírez", "Ortiz"]


def rows(count: int, prefix: str) -> list[dict]:
    result = []
    for i in range(count):
        name, short, _kind, country = INSTITUTIONS[i % len(INSTITUTIONS)]
        born = datetime.date(1970 + i % 30, 1 + i % 12, 1 + i % 28)
        result.append(
            {
                "given_names": GIVEN[i % len(GIVEN)],
                "first_surname": SURNAMES[i % len(SURNAMES)],
                "second_surname": SURNAMES[(i // 8) % len(SURNAMES)],
                "sex": "FM"[i % 2],
                "date_of_birth": born,
                "nationality": country,
                "institution": short or name,
                "rank": "Capitán",
                "rank_category": "officer",
                "service_number": f"{prefix}-{i:06d}",
                "service_start_date": born.replace(year=born.year + 20),
                "un_category": "staff_officer",
                "email": f"persona{i}@example.org",
                "phone": f"55 {i:08d}",
            }
        )
    return result


def csv_bytes(records: list[dict]) -> bytes:
    lines = [HEADER]
    for r in records:
        lines.append(
            ",".join(r[k].isoformat() if isinstance(r[k], datetime.date) else r[k] for k in r)
        )
    return ("\r\n".join(lines) + "\r\n").encode()


def clear() -> None:
    """Empty the trainee tables, without the history's per-row "deleted" records a delete()
    would write."""

    from trainees.models import Trainee

    with connection.cursor() as cursor:
        for model in (Trainee.history.model, Trainee):
            cursor.execute(f"DELETE FROM {model._meta.db_table}")  # noqa: S608 (our own names)


def timed_import(data: bytes, user) -> float:
    from trainees.imports import import_commit

    gc.collect()
    start = time.perf_counter()
    preview = import_commit(data=data, filename="bench.csv", user=user)
    elapsed = time.perf_counter() - start
    if not preview.ok or not preview.committed:
        raise RuntimeError(f"the import failed: {[str(e) for e in preview.errors[:5]]}")
    return elapsed


def timed_bulk_create(records: list[dict], institutions: dict, *, user=None) -> float:
    """Insert the rows, built as Trainee instances beforehand; with their history if a user
    is given (what the import's writes alone cost)."""
    from simple_history.utils import bulk_create_with_history

    from trainees.models import Trainee

    trainees = [Trainee(**{**r, "institution": institutions[r["institution"]]}) for r in records]
    gc.collect()
    start = time.perf_counter()
    if user is None:
        Trainee.objects.bulk_create(trainees)
    else:
        bulk_create_with_history(trainees, Trainee, batch_size=1_000, default_user=user)
    return time.perf_counter() - start


def peak_memory(data: bytes, user, *, commit: bool = True) -> int:
    from trainees.imports import import_commit, import_preview

    tracemalloc.start()
    try:
        if commit:
            preview = import_commit(data=data, filename="bench.csv", user=user)
        else:
            preview = import_preview(data=data, filename="bench.csv")
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    if not preview.ok:
        raise RuntimeError("the import failed")
    return peak


def run() -> None:
    from django.contrib.auth import get_user_model

    from trainees.services import institution_get_or_create

    user = get_user_model().objects.create_user("bench.admin")
    institutions = {}
    for name, short, kind, country in INSTITUTIONS:
        institution = institution_get_or_create(
            name=name, short_name=short, kind=kind, country=country
        )
        institutions[short or name] = institution

    records_10k = rows(10_000, "T")
    data_10k = csv_bytes(records_10k)
    data_1k = csv_bytes(rows(1_000, "S"))

    # Warm up: imports, translations, the country index, the first query plans.
    timed_import(data_1k, user)
    clear()

    import_seconds, bulk_seconds, history_seconds = [], [], []
    for _round in range(ROUNDS):
        import_seconds.append(timed_import(data_10k, user))
        clear()
        bulk_seconds.append(timed_bulk_create(records_10k, institutions))
        clear()
        history_seconds.append(timed_bulk_create(records_10k, institutions, user=user))
        clear()
    best_import, best_bulk = min(import_seconds), min(bulk_seconds)
    best_history = min(history_seconds)

    peak_1k = peak_memory(data_1k, user)
    clear()
    peak_10k = peak_memory(data_10k, user)
    clear()
    preview_1k = peak_memory(data_1k, user, commit=False)
    preview_10k = peak_memory(data_10k, user, commit=False)

    print(f"trainee_import_10k_seconds: {best_import:.2f} s (target: informational)")
    print(
        f"trainee_import_vs_bulk_create: {best_import / best_bulk:.2f}× "
        f"(target ≤ {TARGET_VS_BULK_CREATE:g}×; bulk_create {best_bulk:.2f} s)"
    )
    print(
        f"trainee_import_history_writes_vs_bulk_create: {best_history / best_bulk:.2f}× "
        f"(target: informational; bulk_create_with_history alone, {best_history:.2f} s)"
    )
    print(
        f"trainee_import_memory_10k_vs_1k: {peak_10k / peak_1k:.2f}× "
        f"(target ≤ {TARGET_MEMORY_10K_VS_1K:g}×; peaks {peak_10k / 2**20:.1f} MiB "
        f"and {peak_1k / 2**20:.1f} MiB)"
    )
    print(
        f"trainee_preview_memory_10k_vs_1k: {preview_10k / preview_1k:.2f}× "
        f"(target: informational; peaks {preview_10k / 2**20:.1f} MiB "
        f"and {preview_1k / 2**20:.1f} MiB)"
    )


def main() -> None:
    run_with_scratch_database(run)


if __name__ == "__main__":
    main()
