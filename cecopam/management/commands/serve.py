"""``python manage.py serve``: the whole app on one machine, as ``make run`` starts it."""

import os
import sys
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from cecopam.demo import DEMO_LOGINS, DEMO_PASSWORD
from cecopam.embedded_redis import EmbeddedRedis, EmbeddedRedisError
from cecopam.supervisor import Supervisor, SupervisorError


class Command(BaseCommand):
    help = "Run Redis (unless REDIS_URL is set), a Celery worker and beat, and the web server."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--web-workers", type=int, default=2)
        parser.add_argument("--worker-concurrency", type=int, default=2)

    def handle(self, *args, host, port, web_workers, worker_concurrency, **options):
        embedded = f"unix://{settings.EMBEDDED_REDIS_SOCKET}" == settings.REDIS_URL
        supervisor = Supervisor(
            var_dir=settings.VAR_DIR,
            host=host,
            port=port,
            web_workers=web_workers,
            worker_concurrency=worker_concurrency,
            embedded_redis=EmbeddedRedis(socket_path=settings.EMBEDDED_REDIS_SOCKET)
            if embedded
            else None,
            write=self._write,
            on_ready=lambda: self._greet(host, port, embedded),
        )
        try:
            code = supervisor.run()
        except (SupervisorError, EmbeddedRedisError) as exc:
            raise CommandError(str(exc)) from exc
        if code:
            sys.exit(code)

    def _write(self, line: str) -> None:
        self.stdout.write(line)
        self.stdout.flush()

    def _greet(self, host: str, port: int, embedded: bool) -> None:
        database = settings.DATABASES["default"]
        lines = [
            "",
            "=" * 72,
            _("CECOPAM Training Manager is running at http://%(host)s:%(port)s/")
            % {"host": host, "port": port},
            _("Database: %(db)s") % {"db": database["NAME"]},
            _("Broker: %(broker)s")
            % {
                "broker": _("private Redis (embedded)")
                if embedded
                else _without_password(settings.REDIS_URL)
            },
        ]
        usernames = set(
            get_user_model()
            .objects.filter(username__in=[u for u, _r in DEMO_LOGINS])
            .values_list("username", flat=True)
        )
        if usernames:
            lines.append(_("Demo sign-ins (password: %(password)s):") % {"password": DEMO_PASSWORD})
            lines += [
                f"  {username:<12} {role}"
                for username, role in DEMO_LOGINS
                if username in usernames
            ]
        lines += [_("Press Ctrl-C to stop."), "=" * 72, ""]
        self._write("\n".join(lines))


def _without_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@")))
