"""Home pages run a fixed number of SQL queries, however many trainees the centre holds."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cecopam.demo import demo_seed
from cecopam.services import heartbeat_record
from courses.models import Course
from readiness.models import DeploymentProfile, Mission
from readiness.seeding import readiness_reference_seed
from tests.readiness.population import population

pytestmark = pytest.mark.django_db


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_dashboard_queries_do_not_grow_with_trainees_or_workers(client, administrator, quick_pdfs):
    client.force_login(administrator)
    url = reverse("dashboard")
    demo_seed()
    readiness_reference_seed()
    cache.clear()
    few = queries_for(client, url)
    population(300, courses=list(Course.objects.all()[:3]), on=datetime.date.today())
    for worker in ("a@host1", "b@host2", "c@host3"):
        heartbeat_record(queue="default", worker=worker)
        heartbeat_record(queue="pdf", worker=worker)
    cache.clear()
    # session, user, groups (role), trainee totals (one aggregate), heartbeats; sessions
    # running, certificates this year, the three charts; missions, profiles, their courses,
    # and at most four per active mission and profile that applies to it (none per trainee).
    pairs = sum(
        1
        for mission in Mission.objects.filter(status="active")
        for profile in DeploymentProfile.objects.filter(active=True)
        if profile.mission_id in (None, mission.pk)
    )
    many = queries_for(client, url)
    assert many == few <= 13 + 4 * pairs
    # Within a few minutes the figures, readiness and charts come from the cache.
    assert queries_for(client, url) == 5


def test_portal_queries_do_not_grow_with_trainees(client, trainee_user, quick_pdfs):
    from tests.readiness.test_selectors import seed_minurso

    seed_minurso()  # the missions and profiles, so that the trainee has readiness to show
    client.force_login(trainee_user)
    url = reverse("portal")
    few = queries_for(client, url)
    demo_seed()
    # session, user, groups (role), the trainee with its institution, clearances, languages,
    # the training history with its sessions and courses, the certificates with their courses:
    # 8; then readiness (readiness_of_trainee): the trainee's standing certificates, 1; and
    # the active profiles, their courses and the missions, 3, until they are in the cache.
    # Seeding the demo changed the profiles and missions, so they are read once more.
    assert queries_for(client, url) == few == 8 + 1 + 3
    assert queries_for(client, url) == 8 + 1
