"""`make run`'s supervisor, as a user runs it: start, use, Ctrl-C, start again."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

import psutil
import pytest

from tests.conftest import REPO, subprocess_env

pytestmark = pytest.mark.celery


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Stack:
    """``manage.py serve`` in a session of its own, as make runs it in a terminal."""

    def __init__(self, var_dir, port):
        self.var_dir, self.port, self.lines = var_dir, port, []
        env = subprocess_env(
            CECOPAM_VAR_DIR=str(var_dir), DJANGO_SETTINGS_MODULE="cecopam.settings.local"
        )
        if "REDIS_URL" not in os.environ:
            del env["REDIS_URL"]  # the embedded default: a private Redis under var_dir
        self.process = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "serve",
                "--port",
                str(port),
                "--web-workers",
                "1",
                "--worker-concurrency",
                "1",
            ],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for raw in self.process.stdout:
            self.lines.append(raw.decode("utf-8", "replace"))

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def wait_until_serving(self, timeout=120.0):
        deadline = time.monotonic() + timeout
        while "Ctrl-C" not in self.output:  # the last line of the greeting
            if self.process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"serve did not start:\n{self.output}")
            time.sleep(0.2)

    def get(self, path):
        url = f"http://127.0.0.1:{self.port}{path}"
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def interrupt(self, signum=signal.SIGINT, timeout=90.0):
        os.killpg(self.process.pid, signum)  # what Ctrl-C does to the foreground group
        return self.process.wait(timeout=timeout)


def processes_of(var_dir) -> list[psutil.Process]:
    """Every process started for this stack: they all inherit CECOPAM_VAR_DIR=var_dir."""
    found = []
    for process in psutil.process_iter():
        try:
            if process.environ().get("CECOPAM_VAR_DIR") == str(var_dir):
                found.append(process)
        except psutil.Error:
            continue
    return found


@pytest.fixture
def var_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("stack") / "var"
    yield path
    for process in processes_of(path):  # never leave a failed test's processes behind
        process.kill()


def test_serve_starts_everything_and_ctrl_c_stops_everything(transactional_db, var_dir):
    port = free_port()
    stack = Stack(var_dir, port)
    stack.wait_until_serving()

    status, body = stack.get("/healthz")
    assert status == 200, body
    assert json.loads(body) == {"status": "ok", "database": "up", "broker": "up"}
    status, page = stack.get("/accounts/login/")
    assert status == 200
    assert "Iniciar sesión" in page
    assert f"http://127.0.0.1:{port}/" in stack.output
    commands = [" ".join(p.cmdline()) for p in processes_of(var_dir)]
    assert any("celery -A cecopam worker" in c for c in commands), commands
    assert any("celery -A cecopam beat" in c for c in commands), commands
    assert any("gunicorn cecopam.wsgi" in c for c in commands), commands
    embedded_redis = [c for c in commands if "redis-server" in c]
    assert len(embedded_redis) == (0 if "REDIS_URL" in os.environ else 1), commands

    assert stack.interrupt(signal.SIGINT) == 0
    assert processes_of(var_dir) == []
    assert not (var_dir / "redis.sock").exists()
    assert not (var_dir / "run" / "children.json").exists()

    # A second start works, and SIGTERM stops it as cleanly.
    again = Stack(var_dir, port)
    again.wait_until_serving()
    assert again.get("/healthz")[0] == 200
    assert again.interrupt(signal.SIGTERM) == 0
    assert processes_of(var_dir) == []


def test_a_start_after_the_supervisor_was_killed_outright_clears_its_orphans(
    transactional_db, var_dir
):
    port = free_port()
    stack = Stack(var_dir, port)
    stack.wait_until_serving()
    children = [p for p in processes_of(var_dir) if p.pid != stack.process.pid]
    stack.process.kill()  # SIGKILL: no handler runs, the children are orphaned
    stack.process.wait()
    assert any(p.is_running() for p in children)

    again = Stack(var_dir, port)
    again.wait_until_serving()
    assert "left over from an earlier run" in again.output
    assert not any(p.is_running() and p.status() != psutil.STATUS_ZOMBIE for p in children)
    assert again.get("/healthz")[0] == 200
    assert again.interrupt() == 0
    assert processes_of(var_dir) == []


def test_serve_refuses_a_port_that_is_taken_with_a_clear_message(transactional_db, var_dir):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        stack = Stack(var_dir, port)
        assert stack.process.wait(timeout=60) != 0
    assert f"Port {port} on 127.0.0.1 is taken" in stack.output
    assert "PORT=8001 make run" in stack.output
    assert processes_of(var_dir) == []
