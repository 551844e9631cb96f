"""The operations page and its JSON: each figure's state against its threshold, the status code
a monitor alerts on, who may see it, and a fixed number of queries."""

from __future__ import annotations

import datetime
from smtplib import SMTPException

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from cecopam.models import TaskRun, WorkerHeartbeat
from cecopam.operations import operations_report, states
from cecopam.services import heartbeat_record
from courses.models import Certificate
from courses.services.certificates import certificates_sweep
from courses.tasks import certificate_render_task, certificates_sweep_task
from readiness.tasks import weekly_digest_task
from tests.conftest import broker_empty
from tests.courses.certificate_states import failed
from tests.courses.helpers import finalised
from tests.factories import make_user
from tests.waiting import wait_for

pytestmark = pytest.mark.django_db

SWEEPER, DIGEST = "courses.tasks.certificates_sweep", "readiness.tasks.weekly_digest"


@pytest.fixture(autouse=True)
def english():
    """The reasons are read in English here; the page's own test reads both languages."""
    with translation.override("en"):
        yield


@pytest.fixture
def empty_broker(redis_server):
    """The test's Redis with no message waiting in any queue, before and after."""
    broker_empty()
    yield
    broker_empty()


def workers_on_every_queue():
    for queue in ("default", "pdf"):
        heartbeat_record(queue=queue, worker=f"{queue}@host1")


def scheduled_tasks_run():
    """A sweep and a daily digest run, through the tasks beat sends (run here, in process)."""
    certificates_sweep_task()
    weekly_digest_task()


def backdated(task: str, *, minutes: float) -> None:
    TaskRun.objects.filter(task=task).update(
        started_at=timezone.now() - datetime.timedelta(minutes=minutes)
    )


def figure(report, section: str, key: str):
    return report.as_json()[section][key]


def get_json(client, user):
    client.force_login(user)
    return client.get(reverse("operations-json"), HTTP_ACCEPT_LANGUAGE="en")


# ---------------------------------------------------------------------------- all well
def test_a_centre_whose_workers_and_scheduled_tasks_run_is_ok_and_answers_200(
    client, administrator, empty_broker
):
    workers_on_every_queue()
    scheduled_tasks_run()

    response = get_json(client, administrator)

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == {"state": "ok", "reason": "", "up": True}
    assert body["broker"] == {"state": "ok", "reason": "", "up": True}
    assert {name: queue["state"] for name, queue in body["queues"].items()} == {
        "default": "ok",
        "pdf": "ok",
    }
    assert body["queues"]["pdf"]["depth"] == 0
    assert [w["name"] for w in body["workers"]["pdf"]["workers"]] == ["pdf@host1"]
    assert body["workers"]["pdf"]["state"] == "ok"
    assert {status: c["count"] for status, c in body["certificates"].items()} == {
        "pending": 0,
        "rendering": 0,
        "failed": 0,
    }
    digest = body["scheduled_tasks"]["weekly_digest"]
    assert (digest["state"], digest["outcome"], digest["count"]) == ("ok", "succeeded", 1)


def test_the_json_gives_iso_timestamps_ages_in_seconds_and_the_thresholds(
    client, administrator, empty_broker, settings
):
    settings.CERTIFICATE_SWEEP_AFTER_SECONDS = 300
    workers_on_every_queue()
    scheduled_tasks_run()
    backdated(SWEEPER, minutes=2)

    body = get_json(client, administrator).json()

    checked_at = datetime.datetime.fromisoformat(body["checked_at"])
    assert checked_at.tzinfo is not None
    sweep = body["scheduled_tasks"]["certificates_sweep"]
    assert sweep["task"] == SWEEPER
    started = datetime.datetime.fromisoformat(sweep["started_at"])
    assert 119 <= (checked_at - started).total_seconds() <= 125
    assert 119 <= sweep["age_seconds"] <= 125
    datetime.datetime.fromisoformat(sweep["finished_at"])
    worker = body["workers"]["default"]["workers"][0]
    assert isinstance(worker["age_seconds"], int) and worker["fresh"] is True
    datetime.datetime.fromisoformat(worker["seen_at"])
    assert body["thresholds"] == {
        "queue_depth_warning": 200,
        "queue_depth_problem": 2000,
        "worker_seen_within_seconds": 90,
        "certificate_pending": {"warning_seconds": 300, "problem_seconds": 900},
        "certificate_rendering": {"warning_seconds": 90, "problem_seconds": 900},
        "certificates_sweep": {"warning_seconds": 180, "problem_seconds": 600},
        "weekly_digest": {"warning_seconds": 90000, "problem_seconds": 176400},
    }


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_taking_what_beat_sends_makes_every_figure_ok(
    client, administrator, running_worker, settings
):
    from cecopam.celery import app

    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        app.send_task(entry["task"], args=entry.get("args", ()), queue=entry["options"]["queue"])
    assert wait_for(
        lambda: (
            TaskRun.objects.filter(outcome="succeeded").count() == 2
            and WorkerHeartbeat.objects.count() == 2
        )
    ), list(TaskRun.objects.values())

    response = get_json(client, administrator)

    assert (response.status_code, response.json()["status"]) == (200, "ok"), response.json()
    assert {run.task for run in TaskRun.objects.all()} == {SWEEPER, DIGEST}


# ---------------------------------------------------------------------------- queues
def test_queue_depth_counts_every_message_waiting_in_redis_priorities_included(
    empty_broker, monkeypatch
):
    workers_on_every_queue()
    for _ in range(4):
        certificate_render_task.apply_async(args=[0])
    # kombu keeps a message sent with a priority in a list of its own ("pdf\x06\x163").
    certificate_render_task.apply_async(args=[0], priority=5)
    monkeypatch.setattr(states, "QUEUE_DEPTH_WARNING", 3)
    monkeypatch.setattr(states, "QUEUE_DEPTH_PROBLEM", 6)

    report = operations_report()
    assert figure(report, "queues", "pdf") == {
        "state": "warning",
        "reason": "More than 3 messages waiting.",
        "depth": 5,
    }
    assert figure(report, "queues", "default")["depth"] == 0

    certificate_render_task.apply_async(args=[0])
    certificate_render_task.apply_async(args=[0], priority=9)
    pdf = figure(operations_report(), "queues", "pdf")
    assert (pdf["depth"], pdf["state"]) == (7, "problem")


def test_a_queue_without_a_worker_seen_lately_is_a_problem_and_the_json_answers_503(
    client, administrator, empty_broker
):
    workers_on_every_queue()
    scheduled_tasks_run()
    WorkerHeartbeat.objects.filter(queue="pdf").update(
        seen_at=timezone.now() - datetime.timedelta(minutes=5)
    )

    response = get_json(client, administrator)

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "problem"
    pdf = body["workers"]["pdf"]
    assert pdf["state"] == "problem"
    assert pdf["reason"] == (
        "No worker seen in the last 90 seconds: nothing takes work from this queue."
    )
    assert pdf["workers"][0]["fresh"] is False and pdf["workers"][0]["age_seconds"] >= 300
    assert body["workers"]["default"]["state"] == "ok"
    assert body["queues"]["pdf"]["state"] == "ok"  # nothing waits: it is the workers


def test_a_queue_no_worker_ever_reported_on_is_a_problem(empty_broker):
    heartbeat_record(queue="default", worker="default@host1")

    pdf = figure(operations_report(), "workers", "pdf")

    assert (pdf["state"], pdf["workers"]) == ("problem", [])


def test_with_redis_unreachable_the_broker_and_the_queue_depths_are_a_problem(
    client, administrator, settings, tmp_path
):
    workers_on_every_queue()
    scheduled_tasks_run()
    settings.REDIS_URL = f"unix://{tmp_path / 'no-redis-here.sock'}"

    response = get_json(client, administrator)

    assert response.status_code == 503
    body = response.json()
    assert body["broker"] == {"state": "problem", "reason": "Does not answer.", "up": False}
    assert body["queues"]["pdf"] == {
        "state": "problem",
        "reason": "Cannot be read: the broker does not answer.",
        "depth": None,
    }
    assert body["database"]["state"] == "ok"


# ---------------------------------------------------------------------------- certificates
def test_certificates_pending_rendering_and_failed_are_counted_with_their_oldest(
    instructor, settings
):
    settings.CERTIFICATE_SWEEP_AFTER_SECONDS = 300
    session, _ = finalised("UOF-2026-01", 4, by=instructor)
    _pending, rendering, stuck, broken = Certificate.objects.filter(
        enrolment__session=session
    ).order_by("serial")
    Certificate.objects.filter(pk=rendering.pk).update(
        status="rendering", updated_at=timezone.now() - datetime.timedelta(seconds=60)
    )
    Certificate.objects.filter(pk=stuck.pk).update(
        status="rendering", updated_at=timezone.now() - datetime.timedelta(seconds=120)
    )
    failed(broken, settings)
    now = timezone.now()

    certificates = operations_report(now=now).as_json()["certificates"]

    assert {s: (c["count"], c["state"]) for s, c in certificates.items()} == {
        "pending": (1, "ok"),
        "rendering": (2, "warning"),  # one longer than the render's 90-second time limit
        "failed": (1, "warning"),
    }
    assert 119 <= certificates["rendering"]["oldest_age_seconds"] <= 125
    assert certificates["failed"]["reason"] == (
        "1 certificate waits for an administrator to retry it."
    )
    # An hour on, the one pending has waited longer than three sweeper delays.
    later = operations_report(now=now + datetime.timedelta(hours=1)).as_json()["certificates"]
    assert later["pending"]["state"] == "problem"
    assert later["pending"]["reason"] == "The oldest has waited longer than 15 minutes."
    assert later["pending"]["oldest_age_seconds"] >= 3600


def test_a_pending_certificate_the_sweeper_keeps_queueing_shows_how_long_it_has_waited(
    instructor, settings, empty_broker
):
    """The sweeper touches ``updated_at`` each time it queues a certificate again: the page
    must not take that for the time the certificate started to wait."""
    settings.CERTIFICATE_SWEEP_AFTER_SECONDS = 300
    finalised("UOF-2026-01", 1, by=instructor)
    now = timezone.now()
    for minutes in (6, 12):
        assert certificates_sweep(now=now + datetime.timedelta(minutes=minutes)) == 1

    at = now + datetime.timedelta(minutes=12, seconds=30)
    pending = operations_report(now=at).as_json()["certificates"]["pending"]

    assert 12 * 60 + 25 <= pending["oldest_age_seconds"] <= 12 * 60 + 35
    assert pending["state"] == "warning"
    assert pending["reason"] == "The oldest has waited longer than 5 minutes."


# ---------------------------------------------------------------------------- scheduled tasks
def test_each_run_of_the_sweeper_and_the_digest_is_recorded(administrator):
    certificates_sweep_task()
    weekly_digest_task()  # the administrator has an email: this week's digest goes out
    weekly_digest_task()  # the next day's run: sent already, nothing to send

    runs = {run.task: run for run in TaskRun.objects.all()}
    assert set(runs) == {SWEEPER, DIGEST}
    for run in runs.values():
        assert run.outcome == "succeeded"
        assert run.started_at <= run.finished_at
    assert runs[SWEEPER].count == 0
    assert runs[DIGEST].count == 0  # one row per task: the last run's


def test_a_run_that_raises_is_recorded_as_failed_and_is_a_problem(administrator, monkeypatch):
    def refuse(self, fail_silently=False):
        raise SMTPException("mail server down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
    with pytest.raises(SMTPException):
        weekly_digest_task()

    run = TaskRun.objects.get(task=DIGEST)
    assert (run.outcome, run.error) == ("failed", "SMTPException: mail server down")
    digest = figure(operations_report(), "scheduled_tasks", "weekly_digest")
    assert (digest["state"], digest["reason"]) == ("problem", "The last run failed.")


@pytest.mark.parametrize(
    ("minutes", "state", "reason"),
    [
        (2, "ok", ""),
        (5, "warning", "No run started in the last 3 minutes."),
        (11, "problem", "No run started in the last 10 minutes."),
    ],
)
def test_the_sweeper_is_late_after_three_minutes_and_missing_after_ten(minutes, state, reason):
    certificates_sweep_task()
    backdated(SWEEPER, minutes=minutes)

    sweep = figure(operations_report(), "scheduled_tasks", "certificates_sweep")

    assert (sweep["state"], sweep["reason"]) == (state, reason)
    assert minutes * 60 <= sweep["age_seconds"] <= minutes * 60 + 5


def test_a_task_never_recorded_is_a_warning_not_an_alert(client, administrator, empty_broker):
    workers_on_every_queue()
    certificates_sweep_task()

    response = get_json(client, administrator)

    assert response.status_code == 200  # warnings do not page anyone
    body = response.json()
    assert body["status"] == "warning"
    digest = body["scheduled_tasks"]["weekly_digest"]
    assert (digest["state"], digest["outcome"], digest["started_at"]) == ("warning", None, None)
    assert digest["reason"] == "No run recorded yet."


# ---------------------------------------------------------------------------- the page
def test_the_page_shows_each_state_in_words_in_spanish_and_in_english(
    client, administrator, empty_broker, settings
):
    workers_on_every_queue()
    scheduled_tasks_run()
    WorkerHeartbeat.objects.filter(queue="pdf").update(
        seen_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    client.force_login(administrator)

    spanish = client.get(reverse("operations"))
    assert spanish.status_code == 200  # the page itself is for people: 200 with a problem
    html = spanish.content.decode()
    assert '<html lang="es-mx">' in html
    for text in ("Cola", "En trámite", "Generándose", "Estado", "Problema"):
        assert text in html, text
    assert f'href="{reverse("operations-json")}"' in html

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("operations")).content.decode()
    assert '<html lang="en">' in html
    for text in (
        "Operations",
        "Overall state:",
        "Problem",
        "No worker seen in the last 90 seconds: nothing takes work from this queue.",
        "Certificate sweeper",
        "Weekly digest",
        "Warning above 200 messages waiting; problem above 2000.",
    ):
        assert text in html, text
    assert "<caption" in html and '<th scope="col">Queue</th>' in html


@pytest.mark.parametrize("url_name", ["operations", "operations-json"])
def test_only_administrators_see_the_figures(client, url_name, instructor, trainee_user):
    url = reverse(url_name)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    for user in (instructor, trainee_user, make_user("nobody", role=None)):
        client.force_login(user)
        assert client.get(url).status_code == 403


def test_the_page_and_the_json_run_a_fixed_number_of_queries(
    client, administrator, instructor, settings, empty_broker
):
    client.force_login(administrator)

    def queries(url_name: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            client.get(reverse(url_name))
        return len(captured)

    few = {name: queries(name) for name in ("operations", "operations-json")}
    workers_on_every_queue()
    for worker in ("a@host2", "b@host3", "c@host4"):
        heartbeat_record(queue="pdf", worker=worker)
    scheduled_tasks_run()
    session, _ = finalised("UOF-2026-01", 5, by=instructor)
    failed(Certificate.objects.filter(enrolment__session=session).first(), settings)

    # session, user, groups (role); the database's answer, heartbeats, certificates, task runs
    assert few == {"operations": 7, "operations-json": 7}
    assert {name: queries(name) for name in few} == few


def test_a_monitor_with_the_token_reads_the_json_without_an_account(client, settings, empty_broker):
    settings.OPERATIONS_MONITOR_TOKEN = "s3cret-monitor-token-of-enough-length"
    workers_on_every_queue()
    scheduled_tasks_run()
    url = reverse("operations-json")

    response = client.get(url, HTTP_AUTHORIZATION=f"Bearer {settings.OPERATIONS_MONITOR_TOKEN}")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    # A wrong token, another scheme, or the page instead of the JSON: treated as anyone else.
    for header in ("Bearer not-the-token", f"Basic {settings.OPERATIONS_MONITOR_TOKEN}"):
        assert client.get(url, HTTP_AUTHORIZATION=header).status_code == 302
    assert (
        client.get(
            reverse("operations"),
            HTTP_AUTHORIZATION=f"Bearer {settings.OPERATIONS_MONITOR_TOKEN}",
        ).status_code
        == 302
    )


def test_without_a_token_configured_no_bearer_is_accepted(client, settings, empty_broker):
    settings.OPERATIONS_MONITOR_TOKEN = ""
    response = client.get(reverse("operations-json"), HTTP_AUTHORIZATION="Bearer ")
    assert response.status_code == 302
