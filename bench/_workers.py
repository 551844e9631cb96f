"""Real Celery workers for a benchmark script (imported by the scripts; `make bench` runs only
the files that do not start with an underscore).

A worker is the command line ``make run`` uses (``celery_worker_command``), started in a
process group of its own against the script's scratch database, and stopped with its whole
pool when the script is done with it, even on an error.
"""

import contextlib
import os
import signal
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psutil
from django.db import connection

REPO = Path(__file__).resolve().parent.parent


def database_url() -> str:
    """The URL of the database this process is using now (the scratch one), for a worker."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


@dataclass
class Worker:
    nodename: str
    log: Path
    pid: int = 0

    def cpu_seconds(self) -> float:
        """CPU time used so far by the worker: its main process, its live pool processes and
        the pool processes it has already replaced (--max-tasks-per-child)."""
        main = psutil.Process(self.pid)
        times = main.cpu_times()
        total = times.user + times.system + times.children_user + times.children_system
        for child in main.children(recursive=True):
            try:
                times = child.cpu_times()
            except psutil.NoSuchProcess:  # ended just now: counted once its parent reaps it
                continue
            total += times.user + times.system
        return total

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


@contextlib.contextmanager
def celery_worker(
    *, concurrency: int, log_dir: Path, start_timeout: float = 60
) -> Iterator[Worker]:
    """A worker with ``concurrency`` pool processes on the default and pdf queues, yielded
    once it answers a ping. Its environment is this process's (REDIS_URL,
    DJANGO_MEDIA_ROOT, DJANGO_SETTINGS_MODULE), with DATABASE_URL pointing at the database
    this process uses."""
    from cecopam.celery import app
    from cecopam.supervisor import celery_worker_command

    nodename = f"bench-{uuid.uuid4().hex[:8]}@localhost"
    worker = Worker(nodename, log_dir / f"{nodename}.log")
    env = dict(os.environ, DATABASE_URL=database_url(), PYTHONUNBUFFERED="1")
    with worker.log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603 - our own fixed command line
            celery_worker_command(concurrency=concurrency, nodename=nodename),
            cwd=REPO,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own group: a stop reaches the pool processes too
        )
    worker.pid = process.pid
    try:
        deadline = time.monotonic() + start_timeout
        while not app.control.ping(destination=[nodename], timeout=0.5):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"The Celery worker did not start:\n{worker.log_tail()}")
        yield worker
    finally:
        process_group_stop(process)


def process_group_stop(process: subprocess.Popen, grace: float = 30) -> None:
    """SIGTERM to the process's group, started with ``start_new_session`` (for a Celery worker
    a warm shutdown: the task in hand finishes, what was reserved goes back to the queue; for
    gunicorn, the requests in hand are answered), SIGKILL to what is left after ``grace``
    seconds."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=grace)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()
