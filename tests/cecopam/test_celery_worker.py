"""A real worker, in its own process, on a real Redis, writing to the test database."""

import time

import pytest

from cecopam.models import WorkerHeartbeat
from cecopam.tasks import heartbeat
from tests.waiting import wait_for

pytestmark = pytest.mark.celery


def test_a_task_sent_to_each_queue_runs_once_in_the_worker_and_lands_in_the_database(
    running_worker,
):
    heartbeat.apply_async(args=["default"], queue="default")
    heartbeat.apply_async(args=["pdf"], queue="pdf")

    rows = wait_for(lambda: WorkerHeartbeat.objects.count() == 2)
    assert rows, "the worker did not record both heartbeats"
    by_queue = {h.queue: h for h in WorkerHeartbeat.objects.all()}
    assert set(by_queue) == {"default", "pdf"}
    assert {h.worker for h in by_queue.values()} == {running_worker}

    # Each queue is bound to its own routing key: one message, one delivery.
    time.sleep(1)
    assert [h.beats for h in WorkerHeartbeat.objects.order_by("queue")] == [1, 1]


def test_the_dashboard_shows_the_worker_once_it_has_reported(running_worker, client, administrator):
    heartbeat.apply_async(args=["pdf"], queue="pdf")
    assert wait_for(lambda: WorkerHeartbeat.objects.filter(queue="pdf").exists())
    client.force_login(administrator)
    page = client.get("/dashboard/").text
    assert running_worker in page
    assert "en funcionamiento" in page
