"""Fixtures shared by the whole suite: users in each role, a real Redis, a real Celery worker."""

from __future__ import annotations

import os
import subprocess
import time
import uuid
from pathlib import Path

import pytest
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
        PYTHONUNBUFFERED="1",
    )
    env.update(overrides)
    return env


@pytest.fixture
def running_worker(transactional_db, redis_server, tmp_path):
    """A real ``celery worker`` process on both queues, against the test database.

    Yields the worker's node name once it answers a ping; stops it (and its pool) afterwards.
    """
    from cecopam.celery import app

    app.control.purge()
    nodename = f"test-{uuid.uuid4().hex[:8]}@localhost"
    log = tmp_path / "worker.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            celery_worker_command(concurrency=1, nodename=nodename),
            cwd=REPO,
            env=subprocess_env(),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 60
        while not app.control.ping(destination=[nodename], timeout=0.5):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"The Celery worker did not start:\n{log.read_text()}")
        yield nodename
    finally:
        os.killpg(process.pid, 15)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.wait()
