"""Fixtures shared by the whole suite: users in each role, a real Redis, a real Celery worker."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
import uuid
from pathlib import Path
from unittest import mock

import pytest
import redis
from django.conf import settings
from django.db import connection

from cecopam.embedded_redis import EmbeddedRedis
from cecopam.supervisor import celery_worker_command
from tests.factories import make_user

REPO = Path(__file__).resolve().parent.parent


# ------------------------------------------------------------------ users, one per role
@pytest.fixture
def administrator(db):
    return make_user("ana.admin", role="administrator")


@pytest.fixture
def instructor(db):
    return make_user("ivan.instructor", role="instructor")


@pytest.fixture
def other_instructor(db):
    return make_user("irma.instructor", role="instructor")


@pytest.fixture
def trainee_user(db):
    return make_user("tomas.trainee", role="trainee", with_trainee=True)


@pytest.fixture
def other_trainee_user(db):
    return make_user("teresa.trainee", role="trainee", with_trainee=True)


# ------------------------------------------------------------------ a real Redis
@pytest.fixture(scope="session")
def redis_server():
    """The Redis the tests use: REDIS_URL's when it is set (CI), else a private one."""
    if "REDIS_URL" in os.environ:
        yield settings.REDIS_URL
        return
    server = EmbeddedRedis(socket_path=settings.EMBEDDED_REDIS_SOCKET, persist=False)
    server.start()
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture
def redis_cache(redis_server):
    """Django's cache in the tests' Redis with the project's backend, as in production (the
    suite's own cache is in memory); a client of that cache database, to look inside."""
    from django.core.cache import cache
    from django.test import override_settings

    from cecopam.settings.base import cache_redis_url

    location = cache_redis_url(redis_server)
    backend = {"BACKEND": "cecopam.redis_cache.RedisCache", "LOCATION": location}
    with override_settings(CACHES={"default": backend}):
        cache.clear()
        try:
            yield redis.Redis.from_url(location)
        finally:
            cache.clear()


@pytest.fixture
def redis_round_trips(monkeypatch) -> list[bytes]:
    """What is sent to Redis from now on, one entry per round trip (a pipeline is one)."""
    sent = []
    original = redis.connection.AbstractConnection.send_packed_command

    def counted(self, command, check_health=True):
        sent.append(command)
        return original(self, command, check_health)

    monkeypatch.setattr(redis.connection.AbstractConnection, "send_packed_command", counted)
    return sent


# ------------------------------------------------------------------ a real Celery worker
def database_url_for_subprocess() -> str:
    """The URL of the database this test is using, for a process started by the test."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


def subprocess_env(**overrides: str) -> dict[str, str]:
    """The environment for a process of ours that must share this test's database and Redis."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="cecopam.settings.test",
        DATABASE_URL=database_url_for_subprocess(),
        REDIS_URL=settings.REDIS_URL,
        DJANGO_MEDIA_ROOT=str(settings.MEDIA_ROOT),
        PYTHONUNBUFFERED="1",
    )
    env.update(overrides)
    return env


class Workers:
    """Real ``celery worker`` processes started by a test, each in its own process group,
    against the test database and media folder; all stopped when the test ends."""

    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self.processes: dict[str, subprocess.Popen] = {}

    def start(
        self,
        *,
        concurrency: int = 1,
        queues: str = "default,pdf",
        nodename: str | None = None,
        **env: str,
    ) -> str:
        """Start a worker (named ``nodename``, as ``--hostname`` names it on its own host, or
        a fresh name) and return its node name once it answers a ping."""
        from cecopam.celery import app

        nodename = nodename or f"test-{uuid.uuid4().hex[:8]}@localhost"
        log = self.log_dir / f"{nodename}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                celery_worker_command(concurrency=concurrency, nodename=nodename, queues=queues),
                cwd=REPO,
                env=subprocess_env(**env),
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.processes[nodename] = process
        deadline = time.monotonic() + 60
        while not app.control.ping(destination=[nodename], timeout=0.5):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"The Celery worker did not start:\n{log.read_text()}")
        return nodename

    def kill(self, nodename: str, signum: int = signal.SIGKILL) -> None:
        """Signal the worker's whole process group (its main process and its pool)."""
        process = self.processes.pop(nodename)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signum)
        process.wait()

    def stop_all(self) -> None:
        for nodename, process in list(self.processes.items()):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill(nodename)
        self.processes.clear()


@pytest.fixture
def workers(transactional_db, redis_server, tmp_path):

    broker_empty()
    started = Workers(tmp_path)
    try:
        yield started
    finally:
        started.stop_all()
        broker_empty()


def broker_empty() -> None:
    """No message waiting, and none left delivered-but-unacknowledged by a worker that was
    killed (Redis would give those back only after the visibility timeout, an hour later):
    each test's workers start from an empty broker, even on a Redis shared between runs."""
    from cecopam.celery import app

    app.control.purge()
    with app.connection_for_write() as connection:
        connection.default_channel.client.delete("unacked", "unacked_index")


@pytest.fixture
def running_worker(workers):
    """One real ``celery worker`` process on both queues; yields its node name."""
    return workers.start()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Each test stores its files (certificate PDFs) in a folder of its own; the workers it
    starts are told the same folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


STAND_IN_PDF = b"%PDF-1.4\n% stand-in certificate\n%%EOF\n"


@pytest.fixture
def quick_pdfs():
    """Certificates rendered through the real service, WeasyPrint's page replaced by a small
    stand-in: for tests that seed the demo centre (a hundred-odd certificates, half a minute
    of real rendering) but look at something else. The certificate tests print for real."""
    with mock.patch("courses.services.certificates.certificate_pdf", return_value=STAND_IN_PDF):
        yield


@pytest.fixture(autouse=True)
def empty_cache():
    """Throttling counters (the cache) start empty for every test."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
