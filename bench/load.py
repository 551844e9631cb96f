"""Load: the pages people hit, served as in production, under concurrent requests.

A centre some five years into its work (``_load_data``: 10,000 trainees, 1,000 sessions,
50,000 enrolments, some 38,000 certificates, the readiness reference data) is written in bulk
to a throwaway test database (``_scratch_database``: a temporary SQLite file, or a PostgreSQL
database of its own beside DATABASE_URL's). gunicorn then serves it with the production
settings (``cecopam.wsgi``, two sync workers, whitenoise serving what ``collectstatic`` wrote to
a temporary folder) and a private Redis for the cache (its own socket under /tmp; REDIS_URL's
Redis if that is set), on a free loopback port. The script and the server keep their state in
this run's own folder under /tmp (CECOPAM_VAR_DIR), never in var/. Every request carries
``X-Forwarded-Proto: https``, as the reverse proxy in front of production sends it, so the
production redirect to HTTPS does not apply; the administrator's session is made in the
database beforehand and sent as a cookie header (a secure cookie is never set over plain HTTP).

Five pages are driven by ``wrk`` (two threads, eight connections), one after the other, each
for a short warm-up and then for the timed run:

- ``/livez``, the smallest page the application serves (it reads nothing): the yardstick;
- the public verification page of an issued certificate (``verify:detail``), anonymous, as a
  QR code scanned again and again: after the first answer the page is kept in the cache;
- the verification pages of every certificate in turn, each asked for once (the warm-up and
  the timed run take different halves of the list): each page is drawn and kept, as on the
  first scan of each QR code;
- the trainee list (``trainees:list``) as an administrator;
- the readiness board (``readiness:board``) for the military observers, MINURSO, three months
  ahead, as an administrator.

wrk stops on time with a request in flight on each connection, and a sync worker answers it
all the same (it does not notice that the client has gone): before each run the script waits
until the server holds no connection, so that those answers are not timed with the next run.

Each page is first fetched once and checked: 200, with what it must show (the certificate's
holder and serial, the number of trainees, the board's counts). The verification page counts
lookups per visitor's address (courses.verification_throttle); from one address under load it
would answer 429 after a minute's allowance, so this server is given a VERIFY_RATE far above
what the run sends: the lookups are still counted in Redis, as in production, and never
refused.

Prints one line per figure, ``name: value (target)``. Slowness never fails the script; only
errors do (a page that answers wrong before the timing, a server that does not start, wrk
missing). Errors during the timing (answers other than 2xx, a redirect to HTTPS or to the
sign-in page included; sockets that fail; timeouts) are printed as figures with a target of 0.
"""

import atexit
import html
import http.client
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urlsplit

WRK = shutil.which("wrk")
if WRK is None:
    sys.exit("bench/load.py needs wrk, the HTTP load generator: install wrk: apt-get install wrk")

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cecopam.settings.test")
# The server signs and checks sessions with its secret key: the administrator's session is
# made here, so both share one, random for this run.
os.environ["DJANGO_SECRET_KEY"] = secrets.token_urlsafe(64)
# This run's own folder: the private Redis's socket (Linux caps a socket path at 107 bytes, so
# it is short and under /tmp), the collected static files, the server's log, wrk's script.
WORK = Path(tempfile.mkdtemp(prefix="cecopam-load-", dir="/tmp"))
atexit.register(shutil.rmtree, WORK, ignore_errors=True)
# Whatever the settings would keep under var/ (the SQLite default, the embedded Redis's socket,
# media) stays in this folder, for this script and the server it starts: a `make run` or a
# test run on this checkout is left alone.
os.environ["CECOPAM_VAR_DIR"] = str(WORK / "var")

import django  # noqa: E402
import psutil  # noqa: E402

django.setup()

from _cpu_use import CpuWatch  # noqa: E402
from _load_data import LoadData, load_data_seed  # noqa: E402
from _scratch_database import run_with_scratch_database  # noqa: E402
from _workers import database_url, process_group_stop  # noqa: E402
from django.conf import settings  # noqa: E402

HOST = "127.0.0.1"
WEB_WORKERS = 2
THREADS = 2  # wrk's
CONNECTIONS = 8  # wrk's, kept open across its threads
WARMUP_SECONDS = 3  # per page, untimed: each gunicorn worker loads what the page needs
SECONDS = 15  # per page, timed: some 20 answers of the slowest page on a busy two-core machine
TIMEOUT = 30  # seconds wrk waits for an answer before counting a timeout (an error)
START_TIMEOUT = 60  # seconds for gunicorn to answer its first request
# Seconds for gunicorn to answer what wrk left in flight; longer than its own --timeout, after
# which it replaces a worker stuck on a request.
IDLE_TIMEOUT = 180
LOG_LINES = 60  # of gunicorn's log, printed when a page answered wrong under load
# Far above what one run sends (a few thousand lookups a minute), so that no lookup is refused.
VERIFY_RATE = "1000000/m"
# The verification page against the smallest page, measured in the same run: the page's own
# work (a query, two throttle counters in Redis, a template) must not take more than /livez's
# whole request path does.
TARGET_VERIFY_VS_MINIMAL = 0.5
# The certificates a verification page answers for (the others are not issued yet).
STANDING = ("issued", "revoked", "superseded")

# wrk counts only answers from 400 up as errors (``summary.errors.status``); a redirect (to
# HTTPS, to the sign-in page) would pass for a page served. So each thread counts the answers
# other than 2xx itself, and ``done``, called once after the run, adds them up and writes the
# figures this script reads, on one line.
REPORT_LUA = """
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads - 1)
end

function init(args)
  not_2xx = 0
  first = tonumber(args[1]) or 0
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    not_2xx = not_2xx + 1
  end
end

function done(summary, latency, requests)
  local errors, answers = summary.errors, 0
  for _, thread in ipairs(threads) do
    answers = answers + thread:get("not_2xx")
  end
  io.write(string.format(
    "cecopam-load requests=%d seconds=%.6f p50_ms=%.3f p95_ms=%.3f "
      .. "connect=%d read=%d write=%d not_2xx=%d timeout=%d\\n",
    summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1e3, latency:percentile(95) / 1e3,
    errors.connect, errors.read, errors.write, answers, errors.timeout))
end
"""
REPORT_LINE = re.compile(r"^cecopam-load (.*)$", re.MULTILINE)
# For a page of many addresses: each request asks for the next one. A run starts from the path
# its command line names (``first``, 0-based), each thread a stretch of the list further on.
PATHS_LUA = """
local paths = {%(paths)s}
local position = nil

function request()
  if position == nil then
    position = (first + id * %(stretch)d) %% #paths
  end
  position = position %% #paths + 1
  return wrk.format(nil, paths[position])
end
"""


def _on_sigterm(signum, frame) -> None:
    """Stopped from outside (a timeout, a kill): leave through the ``finally`` clauses, which
    stop gunicorn and Redis and remove the scratch database and folder."""
    sys.exit(128 + signum)


# ---------------------------------------------------------------------------- the pages
@dataclass(frozen=True)
class Page:
    name: str  # in the figures' names
    path: str  # the one checked, and the one driven unless there are ``paths``
    headers: tuple[str, ...]  # "Name: value", as wrk takes them
    expected: tuple[str, ...]  # what the body must contain
    paths: tuple[str, ...] = ()  # driven in turn, each once, when given

    def script(self) -> Path:
        """wrk's script for this page: the report, and the turns through ``paths``."""
        script = WORK / f"{self.name}.lua"
        if not script.exists():
            text = REPORT_LUA
            if self.paths:
                text += PATHS_LUA % {
                    "paths": ",".join(f'"{path}"' for path in self.paths),
                    # The warm-up takes the first half of the list, the timed run the second.
                    "stretch": len(self.paths) // (2 * THREADS),
                }
            script.write_text(text)
        return script


@dataclass(frozen=True)
class Measure:
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    status_errors: int  # answers other than 2xx
    socket_errors: int  # connect, read, write, timeout
    other_cpus: float  # CPUs other programs kept busy meanwhile, on average

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    @property
    def errors(self) -> int:
        return self.status_errors + self.socket_errors


def pages(data: LoadData) -> list[Page]:
    """The pages, with what each must show when it answers right."""
    from django.test import Client
    from django.urls import reverse

    from courses.models import Certificate
    from courses.verification_codes import verification_code_display
    from readiness.engine import Verdict
    from readiness.selectors import readiness_board

    proxy = "X-Forwarded-Proto: https"
    client = Client()
    client.force_login(data.administrator, backend="django.contrib.auth.backends.ModelBackend")
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    administrator = (proxy, f"Cookie: {settings.SESSION_COOKIE_NAME}={session}")

    certificate = data.certificate
    board = readiness_board(
        mission=data.mission, profile=data.profile, on=data.on, verdict=None, lacks=None,
        only=False, search="",
    )  # fmt: skip
    question = {"mission": data.mission.pk, "profile": data.profile.pk, "date": data.on}
    # Every certificate a verification page answers for, in a seeded random order.
    codes = list(
        Certificate.objects.filter(status__in=STANDING)
        .order_by("serial")
        .values_list("code", flat=True)
    )
    random.Random(1).shuffle(codes)  # noqa: S311 (an order, not a secret)
    every_code = tuple(
        reverse("verify:detail", kwargs={"code": verification_code_display(code)}) for code in codes
    )
    return [
        Page("livez", reverse("livez"), (proxy,), ("ok",)),
        Page(
            "verify",
            reverse("verify:detail", kwargs={"code": certificate.code_display}),
            (proxy,),
            (
                'data-standing="valid"',
                html.escape(certificate.snapshot["holder"]),
                certificate.serial,
            ),
        ),
        # Each certificate's page once: drawn and kept, as on the first scan of a QR code.
        Page("verify_many_codes", every_code[0], (proxy,), ("data-standing=",), every_code),
        Page(
            "trainee_list",
            reverse("trainees:list"),
            administrator,
            (f"{data.counts['trainees']} ",),
        ),
        Page(
            "readiness_board",
            f"{reverse('readiness:board')}?{urlencode(question)}",
            administrator,
            (
                f"<strong>{data.mission.acronym}</strong>",
                *(f'data-verdict="{v}">{board.counts.get(v, 0)}<' for v in Verdict),
            ),
        ),
    ]


def check(base: str, page: Page) -> None:
    """One request, not timed: the page must answer 200 with what it shows when right."""
    parts = urlsplit(base)
    conversation = http.client.HTTPConnection(parts.hostname, parts.port, timeout=TIMEOUT)
    try:
        headers = dict(header.split(": ", 1) for header in page.headers)
        conversation.request("GET", page.path, headers=headers)
        response = conversation.getresponse()
        body = response.read().decode("utf-8", "replace")
    finally:
        conversation.close()
    if response.status != 200:
        where = response.getheader("Location")
        raise RuntimeError(
            f"{page.name}: GET {page.path} answered {response.status}"
            f"{f' (to {where})' if where else ''}, expected 200"
        )
    missing = [text for text in page.expected if text not in body]
    if missing:
        raise RuntimeError(f"{page.name}: GET {page.path} does not show {missing}")


def wrk(base: str, page: Page, seconds: int, *, first: int = 0) -> Measure:
    """Drive the page with wrk for ``seconds``, once the server is idle; its figures, and how
    busy other programs kept the machine meanwhile."""
    command = [
        WRK, "--threads", str(THREADS), "--connections", str(CONNECTIONS),
        "--duration", f"{seconds}s", "--timeout", f"{TIMEOUT}s",
        "--script", str(page.script()),
    ]  # fmt: skip
    for header in page.headers:
        command += ["--header", header]
    command.append(base + page.path)
    if page.paths:
        command += ["--", str(first)]
    wait_until_idle(base)
    with CpuWatch(ours=our_cpu_seconds) as watch:
        run = subprocess.run(  # noqa: S603 - our own command line
            command, capture_output=True, text=True, timeout=seconds + TIMEOUT + 60
        )
    found = REPORT_LINE.search(run.stdout)
    if run.returncode != 0 or found is None:
        raise RuntimeError(
            f"wrk failed on {page.name} ({run.returncode}):\n{run.stdout}{run.stderr}"
        )
    figures = dict(pair.split("=") for pair in found.group(1).split())
    return Measure(
        requests=int(figures["requests"]),
        seconds=float(figures["seconds"]),
        p50_ms=float(figures["p50_ms"]),
        p95_ms=float(figures["p95_ms"]),
        status_errors=int(figures["not_2xx"]),
        socket_errors=sum(int(figures[kind]) for kind in ("connect", "read", "write", "timeout")),
        other_cpus=watch.others,
    )


def wait_until_idle(base: str) -> None:
    """Wait until the server holds no connection: no request waiting to be accepted or being
    answered, including those whose client has gone (closed on its side only)."""
    port = urlsplit(base).port
    busy = {psutil.CONN_SYN_RECV, psutil.CONN_ESTABLISHED, psutil.CONN_CLOSE_WAIT}
    deadline = time.monotonic() + IDLE_TIMEOUT
    while any(
        held.laddr.port == port and held.status in busy
        for held in psutil.net_connections(kind="tcp4")
    ):
        if time.monotonic() > deadline:
            raise RuntimeError(f"gunicorn still holds connections after {IDLE_TIMEOUT} s")
        time.sleep(0.1)


def our_cpu_seconds() -> float:
    """CPU time of this script and of what it started: gunicorn and its workers and the
    private Redis while they run, wrk once it has ended."""
    me = psutil.Process()
    times = me.cpu_times()  # its own, and its children's that have ended
    seconds = times.user + times.system + times.children_user + times.children_system
    for child in me.children(recursive=True):
        try:
            times = child.cpu_times()
        except psutil.NoSuchProcess:
            continue
        seconds += times.user + times.system
    return seconds


# ---------------------------------------------------------------------------- the server
@contextmanager
def private_redis() -> Iterator[str]:
    """REDIS_URL if set; otherwise a Redis of this run's own, stopped at the end."""
    from cecopam.embedded_redis import EmbeddedRedis

    if "REDIS_URL" in os.environ:
        yield os.environ["REDIS_URL"]
        return
    redis = EmbeddedRedis(socket_path=WORK / "redis.sock", persist=False)
    redis.start()
    try:
        yield redis.url
    finally:
        redis.stop()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@contextmanager
def web_server(*, redis_url: str) -> Iterator[str]:
    """gunicorn with the production settings on the scratch database; yields its base URL."""
    environment = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="cecopam.settings.production",
        DJANGO_ALLOWED_HOSTS=HOST,
        DATABASE_URL=database_url(),  # the scratch database
        REDIS_URL=redis_url,
        DJANGO_STATIC_ROOT=str(WORK / "static"),
        DJANGO_MEDIA_ROOT=str(WORK / "media"),
        VERIFY_RATE=VERIFY_RATE,
        LOG_LEVEL="WARNING",
    )
    if "REDIS_URL" not in os.environ:
        environment.pop("CACHE_REDIS_URL", None)  # the cache goes to the private Redis too
    # Production serves the hashed, compressed files whitenoise finds in STATIC_ROOT.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=REPO, env=environment, check=True,
    )  # fmt: skip
    port = free_port()
    log = WORK / "gunicorn.log"
    with log.open("wb") as output:
        server = subprocess.Popen(  # noqa: S603 - our own command line
            [sys.executable, "-m", "gunicorn", "cecopam.wsgi:application",
             "--bind", f"{HOST}:{port}", "--workers", str(WEB_WORKERS),
             "--no-control-socket", "--timeout", "120", "--graceful-timeout", "10"],
            cwd=REPO, env=environment, stdout=output, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
    try:
        base = f"http://{HOST}:{port}"
        wait_until_serving(server, base, log)
        yield base
    finally:
        process_group_stop(server, grace=20)


def wait_until_serving(server: subprocess.Popen, base: str, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    parts = urlsplit(base)
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}:\n{log.read_text()}")
        conversation = http.client.HTTPConnection(parts.hostname, parts.port, timeout=2)
        try:
            conversation.request("GET", "/livez", headers={"X-Forwarded-Proto": "https"})
            conversation.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
        finally:
            conversation.close()
    raise RuntimeError(f"gunicorn did not answer in {START_TIMEOUT} s:\n{log.read_text()}")


# ---------------------------------------------------------------------------- run
def run() -> None:
    start = time.perf_counter()
    data = load_data_seed()
    seeding = time.perf_counter() - start
    to_load = pages(data)

    measures: dict[str, Measure] = {}
    with private_redis() as redis_url, web_server(redis_url=redis_url) as base:
        for page in to_load:
            check(base, page)
        for page in to_load:
            wrk(base, page, WARMUP_SECONDS)
            # On a page of many addresses the timed run asks for none the warm-up asked for.
            measures[page.name] = wrk(base, page, SECONDS, first=len(page.paths) // 2)

    if any(measure.errors for measure in measures.values()):
        # The folder goes with the script: what the server said about them goes to stderr first.
        tail = (WORK / "gunicorn.log").read_text(errors="replace").splitlines()[-LOG_LINES:]
        print("gunicorn's log, last lines:", *tail, sep="\n", file=sys.stderr)
    for name, measure in measures.items():
        print(
            f"load_{name}_rps: {measure.rps:.1f} req/s (target: informational; "
            f"{measure.requests:,} answers in {measure.seconds:.1f} s; other programs kept "
            f"{measure.other_cpus:.1f} of the {os.cpu_count()} CPUs busy meanwhile)"
        )
        print(f"load_{name}_p50_ms: {measure.p50_ms:.1f} ms (target: informational)")
        print(f"load_{name}_p95_ms: {measure.p95_ms:.1f} ms (target: informational)")
        print(
            f"load_{name}_errors: {measure.errors} (target 0; {measure.status_errors} "
            f"answers other than 2xx, {measure.socket_errors} socket errors and timeouts)"
        )
    verify, minimal = measures["verify"].rps, measures["livez"].rps
    print(
        f"load_verify_vs_minimal: {verify / minimal:.2f} (target ≥ {TARGET_VERIFY_VS_MINIMAL}; "
        f"{verify:.1f} against {minimal:.1f} req/s for /livez)"
    )
    print(
        f"load_seeding_seconds: {seeding:.1f} s (target: informational; "
        + ", ".join(f"{count:,} {what}" for what, count in data.counts.items())
        + ")"
    )


def main() -> None:
    signal.signal(signal.SIGTERM, _on_sigterm)
    run_with_scratch_database(run)


if __name__ == "__main__":
    main()
