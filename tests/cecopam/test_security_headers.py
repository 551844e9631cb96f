"""What a production server sends: gunicorn on the production settings, behind a reverse proxy
that terminates TLS (simulated by the X-Forwarded-Proto header the proxy sets)."""

from __future__ import annotations

import http.client
import secrets
import socket
import subprocess
import sys
import time

import pytest

from tests.conftest import REPO, subprocess_env
from tests.factories import make_user

pytestmark = pytest.mark.django_db(transaction=True)

HOST = "cecopam.example.org"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ProductionServer:
    """``gunicorn cecopam.wsgi`` with the production settings, on this test's database."""

    def __init__(self, static_root, port):
        self.port = port
        self.log = static_root / "gunicorn.log"  # its errors, should a request fail
        self.env = subprocess_env(
            DJANGO_SETTINGS_MODULE="cecopam.settings.production",
            DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
            DJANGO_ALLOWED_HOSTS=HOST,
            DJANGO_STATIC_ROOT=str(static_root),
        )

    def __enter__(self):
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
            cwd=REPO,
            env=self.env,
            check=True,
            timeout=300,
        )
        self.log_file = self.log.open("w")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "cecopam.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "1",
            ],
            cwd=REPO,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=self.log_file,
        )
        for _ in range(600):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.1).close()
                return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not start:\n{self.log.read_text()}")

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=30)
        self.log_file.close()

    def request(self, method, path, *, https=True, body=None, headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        sent = {"Host": HOST, **(headers or {})}
        if https:
            sent["X-Forwarded-Proto"] = "https"
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        response.read()
        connection.close()
        return response


@pytest.fixture(scope="module")
def server(tmp_path_factory, django_db_setup, django_db_blocker, redis_server):
    with (
        django_db_blocker.unblock(),
        ProductionServer(tmp_path_factory.mktemp("static"), free_port()) as running,
    ):
        yield running


def test_pages_carry_the_content_security_policy_and_the_other_headers(server):
    response = server.request("GET", "/accounts/login/")
    assert response.status == 200
    policy = dict(
        directive.strip().split(" ", 1)
        for directive in response.getheader("Content-Security-Policy").split(";")
    )
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["default-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in response.getheader("Content-Security-Policy")
    hsts = response.getheader("Strict-Transport-Security")
    assert "max-age=31536000" in hsts and "includeSubDomains" in hsts
    assert response.getheader("X-Content-Type-Options") == "nosniff"
    assert response.getheader("Referrer-Policy") == "same-origin"
    assert response.getheader("X-Frame-Options") == "DENY"
    assert response.getheader("Cross-Origin-Opener-Policy") == "same-origin"


def cookies_of(response) -> dict[str, str]:
    """Each Set-Cookie header of the response, by cookie name."""
    return {
        header.split("=", 1)[0]: header
        for name, header in response.getheaders()
        if name.lower() == "set-cookie"
    }


def sign_in_post(server, body: str, csrf_token: str):
    return server.request(
        "POST",
        "/accounts/login/",
        body=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={csrf_token}",
            "X-CSRFToken": csrf_token,
            "Referer": f"https://{HOST}/accounts/login/",
        },
    )


def csrf_token(server) -> str:
    cookie = cookies_of(server.request("GET", "/accounts/login/"))["csrftoken"]
    return cookie.split("=", 1)[1].split(";", 1)[0]


def test_cookies_are_secure_and_the_session_cookie_is_not_readable_by_scripts(server, settings):
    # Hashed as production hashes (the test settings use a fast hasher production lacks).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    user = make_user("olga.admin", role="administrator")
    user.set_password("a-long-pass-phrase")
    user.save()
    token = csrf_token(server)
    assert "Secure" in cookies_of(server.request("GET", "/accounts/login/"))["csrftoken"]
    response = sign_in_post(server, "username=olga.admin&password=a-long-pass-phrase", token)
    assert response.status == 302
    session = cookies_of(response)["sessionid"]
    assert "Secure" in session and "HttpOnly" in session


def test_plain_http_is_sent_to_https_but_health_checks_answer_on_either(server):
    response = server.request("GET", "/accounts/login/", https=False)
    assert response.status == 301
    assert response.getheader("Location") == f"https://{HOST}/accounts/login/"
    assert server.request("GET", "/livez", https=False).status == 200


def test_an_oversized_request_body_is_refused(server):
    token = csrf_token(server)
    # A wrong password, of an ordinary size: the form comes back with its error.
    assert sign_in_post(server, "username=nobody&password=wrong-one", token).status == 200
    # The same form with 3 MB of padding: over DATA_UPLOAD_MAX_MEMORY_SIZE, refused unread.
    padded = "username=nobody&password=wrong-one&padding=" + "a" * (3 * 1024 * 1024)
    assert sign_in_post(server, padded, token).status == 400
