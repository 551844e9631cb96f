"""Waiting for work done by another process (a Celery worker, a browser)."""

from __future__ import annotations

import time


def wait_for(condition, *, timeout: float = 60.0, interval: float = 0.2):
    """Poll until ``condition()`` is true and return its value (or its last, false, value).
    A liveness bound for a test that would otherwise hang, not a performance limit."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(interval)
    return condition()
