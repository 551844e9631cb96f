"""The process supervisor behind ``make run``: the embedded Redis (unless REDIS_URL is set),
a Celery worker, Celery beat and gunicorn, started in order and stopped together.

Each child runs in a session of its own, so that a stop reaches its whole process tree (the
worker's pool, gunicorn's workers) and nothing of ours outlives the supervisor. Every child
carries a stack id in its environment (inherited by its own children), also written to a file
under var/, so that the next start finds and stops whatever a supervisor that was killed outright
(where no handler runs) left behind, and nothing else.
"""

from __future__ import annotations

import contextlib
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
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from cecopam.embedded_redis import EmbeddedRedis

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class SupervisorError(RuntimeError):
    pass


@dataclass
class Child:
    name: str
    argv: list[str]
    grace: float = 15.0  # seconds between SIGTERM and SIGKILL
    process: subprocess.Popen | None = None
    reader: threading.Thread | None = field(default=None, repr=False)

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None


class Supervisor:
    def __init__(
        self,
        *,
        var_dir: Path,
        host: str,
        port: int,
        web_workers: int,
        worker_concurrency: int,
        embedded_redis: EmbeddedRedis | None,
        write: Callable[[str], None],
        on_ready: Callable[[], None] = lambda: None,
    ) -> None:
        self.var_dir = var_dir
        self.host = host
        self.port = port
        self.embedded_redis = embedded_redis
        self.write = write
        self.on_ready = on_ready
        self.children: list[Child] = []
        self.pids_file = var_dir / "run" / "children.json"
        self.stop_requested = threading.Event()
        self.parent_pid = os.getppid()
        self.stack_id = uuid.uuid4().hex
        python = sys.executable
        self.planned = [
            Child("worker", celery_worker_command(concurrency=worker_concurrency), grace=30.0),
            Child(
                "beat",
                [python, "-m", "celery", "-A", "cecopam", "beat", "--loglevel", "INFO",
                 "--schedule", str(var_dir / "run" / "celerybeat-schedule")],
            ),
            Child(
                "web",
                [python, "-m", "gunicorn", "cecopam.wsgi:application",
                 "--bind", f"{host}:{port}", "--workers", str(web_workers),
                 "--access-logfile", "-", "--no-control-socket", "--graceful-timeout", "10",
                 "--timeout", "120"],
            ),
        ]  # fmt: skip

    # ---------------------------------------------------------------- starting
    def run(self) -> int:
        """Start everything, wait for a stop signal or a child's death, stop everything."""
        for signum in STOP_SIGNALS:
            signal.signal(signum, self._on_signal)
        (self.var_dir / "run").mkdir(parents=True, exist_ok=True)
        self._reap_orphans()
        self._check_port_free()
        try:
            if self.embedded_redis is not None:
                self._start_redis()
            for child in self.planned:
                self._start(child)
            self._wait_for_web()
            if not self.stop_requested.is_set():
                self.on_ready()
            return self._watch()
        finally:
            self.stop()

    def _start(self, child: Child) -> None:
        env = dict(os.environ, PYTHONUNBUFFERED="1", CECOPAM_STACK_ID=self.stack_id)
        child.process = subprocess.Popen(  # noqa: S603 - fixed command lines of our own
            child.argv,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            env=env,
        )
        child.reader = threading.Thread(target=self._relay, args=(child,), daemon=True)
        child.reader.start()
        self.children.append(child)
        self._save_state()

    def _start_redis(self) -> None:
        redis = self.embedded_redis
        redis.prepare()
        child = Child("redis", redis.command(), grace=10.0)
        self._start(child)
        redis.process = child.process
        redis.wait_until_ready()
        self.write(f"redis  | private Redis ready on {redis.socket_path}")

    def _relay(self, child: Child) -> None:
        prefix = f"{child.name:<6} | "
        for raw in iter(child.process.stdout.readline, b""):
            self.write(prefix + raw.decode("utf-8", "replace").rstrip())
        child.process.stdout.close()

    def _check_port_free(self) -> None:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((self.host, self.port))
            except OSError as exc:
                raise SupervisorError(
                    f"Port {self.port} on {self.host} is taken ({exc.strerror}). "
                    f"Stop what uses it, or choose another: PORT=8001 make run"
                ) from exc

    def _wait_for_web(self, *, timeout: float = 60.0) -> None:
        url = f"http://{self.host}:{self.port}/healthz"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not self.stop_requested.is_set():
            dead = [c.name for c in self.children if not c.running]
            if dead:
                raise SupervisorError(f"{', '.join(dead)} stopped while starting; see above.")
            try:
                with urllib.request.urlopen(url, timeout=2):
                    return
            except urllib.error.HTTPError:
                return  # it answered (503 while the broker warms up still means it is serving)
            except OSError:
                time.sleep(0.2)
        if not self.stop_requested.is_set():
            raise SupervisorError(f"The web server did not answer on {url} in {timeout:.0f} s.")

    # ---------------------------------------------------------------- running
    def _on_signal(self, signum, frame) -> None:
        self.stop_requested.set()

    def _watch(self) -> int:
        while not self.stop_requested.wait(0.5):
            dead = [c for c in self.children if not c.running]
            if dead:
                for child in dead:
                    self.write(
                        f"{child.name} exited with code {child.process.returncode}; "
                        "stopping everything."
                    )
                return 1
            if os.getppid() != self.parent_pid:
                self.write("The parent process (make) is gone; stopping everything.")
                return 1
        return 0

    # ---------------------------------------------------------------- stopping
    def stop(self) -> None:
        """Stop the web server first and Redis last, so that work in flight is acknowledged."""
        if not self.children:
            return
        self.write("Stopping: " + ", ".join(c.name for c in reversed(self.children)) + " …")
        for child in reversed(self.children):
            self._stop(child)
        if self.embedded_redis is not None:
            self.embedded_redis.cleanup()
        self.children.clear()
        self.pids_file.unlink(missing_ok=True)
        self.write("Stopped.")

    def _stop(self, child: Child) -> None:
        pgid = child.process.pid  # its own session: the group id is its pid
        _signal_group(pgid, signal.SIGTERM)
        try:
            child.process.wait(timeout=child.grace)
        except subprocess.TimeoutExpired:
            self.write(f"{child.name} did not stop in {child.grace:.0f} s; killing it.")
        # Whatever is left in its group (pool processes, gunicorn workers) goes too.
        _signal_group(pgid, signal.SIGKILL)
        child.process.wait()
        if child.reader is not None:
            child.reader.join(timeout=2)

    def _save_state(self) -> None:
        state = {"supervisor": os.getpid(), "stack_id": self.stack_id}
        self.pids_file.write_text(json.dumps(state))

    def _reap_orphans(self) -> None:
        """Kill what a supervisor that was killed outright left running."""
        try:
            saved = json.loads(self.pids_file.read_text())
        except (OSError, ValueError):
            return
        if _is_supervisor(saved.get("supervisor", 0)):
            raise SupervisorError(
                f"Another `make run` is running (process {saved['supervisor']}); stop it first."
            )
        orphans = [p for p in psutil.process_iter() if _stack_id_of(p.pid) == saved["stack_id"]]
        for process in orphans:
            self.write(f"Stopping process {process.pid}, left over from an earlier run.")
            process.kill()
        psutil.wait_procs(orphans, timeout=5)
        self.pids_file.unlink(missing_ok=True)


def celery_worker_command(
    *, concurrency: int, nodename: str = "worker@%h", queues: str = "default,pdf"
) -> list[str]:
    """The Celery worker's command line (acks_late, prefetch and time limits are settings).

    Each pool process is replaced after a number of tasks or once it holds too much memory:
    WeasyPrint's layout caches and fonts grow a long-lived process."""
    from django.conf import settings

    return [
        sys.executable, "-m", "celery", "-A", "cecopam", "worker", "--queues", queues,
        "--concurrency", str(concurrency), "--hostname", nodename, "--loglevel", "INFO",
        "--max-tasks-per-child", str(settings.CELERY_WORKER_MAX_TASKS_PER_CHILD),
        "--max-memory-per-child", str(settings.CELERY_WORKER_MAX_MEMORY_PER_CHILD),
        "--without-mingle",
    ]  # fmt: skip


def _signal_group(pgid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signum)


def _stack_id_of(pid: int) -> str | None:
    try:
        return psutil.Process(pid).environ().get("CECOPAM_STACK_ID")
    except psutil.Error:
        return None


def _is_supervisor(pid: int) -> bool:
    try:
        command = psutil.Process(pid).cmdline()
    except psutil.Error:
        return False
    return pid != os.getpid() and "serve" in command and any("manage" in c for c in command)
