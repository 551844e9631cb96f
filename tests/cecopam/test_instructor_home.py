"""The instructor's home page lists the sessions they teach, with their grids."""

import pytest
from django.urls import reverse

from tests.courses.helpers import a_course, a_session

pytestmark = pytest.mark.django_db


def test_the_home_page_lists_the_instructors_own_sessions_but_not_cancelled_ones(
    client, instructor, other_instructor
):
    course = a_course()
    running = a_session(course, "UOF-2026-01", status="in_progress", instructors=[instructor])
    a_session(course, "UOF-2026-02", status="cancelled", instructors=[instructor])
    a_session(course, "UOF-2026-03", status="open", instructors=[other_instructor])
    client.force_login(instructor)
    text = client.get(reverse("instructor-home")).text
    assert "UOF-2026-01" in text
    assert reverse("courses:session-gradebook", args=[running.pk]) in text
    assert "UOF-2026-02" not in text and "UOF-2026-03" not in text
