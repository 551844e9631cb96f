"""Who gets what, for every URL the app serves.

The test walks the URL resolver, so a URL added without a row in ``MATRIX`` fails
``test_every_url_has_a_row``. Each row says, for each role, what that user must get:
a status code, ``LOGIN`` (sent to sign in), or ``Redirect("url-name")``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

ROLES = [
    "anonymous",
    "trainee",
    "other_trainee",
    "instructor",
    "other_instructor",
    "administrator",
]


@dataclass(frozen=True)
class Redirect:
    to: str  # a URL name

    def url(self) -> str:
        return reverse(self.to)


LOGIN = Redirect("login")
ADMIN_LOGIN = Redirect("admin:login")


def row(default, **overrides):
    """Every role gets ``default`` except those named."""
    unknown = set(overrides) - set(ROLES)
    assert not unknown, f"unknown roles {unknown}"
    return {role: overrides.get(role, default) for role in ROLES}


def only(role_or_roles, *, others=403, anonymous=LOGIN, allowed=200):
    roles = {role_or_roles} if isinstance(role_or_roles, str) else set(role_or_roles)
    cells = dict.fromkeys(roles, allowed)
    return row(others, anonymous=anonymous, **cells)


def trainee_record(request) -> dict:
    """The record of the user in the role "trainee" (the other trainee is somebody else)."""
    return {"pk": request.getfixturevalue("trainee_user").trainee.pk}


def taught_session(request):
    """A session in progress taught by "instructor" (not by "other_instructor"), with the
    trainee enrolled."""
    from courses.services import enrolment_create, session_transition
    from tests.courses.helpers import a_session

    session = a_session(status="open", instructors=[request.getfixturevalue("instructor")])
    enrolment_create(
        session=session,
        trainee=request.getfixturevalue("trainee_user").trainee,
        by=request.getfixturevalue("administrator"),
    )
    return session_transition(session=session, to="in_progress")


def session_kwargs(request) -> dict:
    return {"pk": taught_session(request).pk}


def course_kwargs(request) -> dict:
    return {"pk": taught_session(request).course_id}


def enrolment_kwargs(request) -> dict:
    return {"pk": taught_session(request).enrolments.get().pk}


def trainee_in_taught_session(request) -> dict:
    taught_session(request)
    return trainee_record(request)


def held_certificate(request):
    """The trainee's issued certificate, from the taught session, its results finalised."""
    from courses.models import Certificate
    from tests.courses.held_certificates import issued_without_rendering, results_finalised

    session = results_finalised(taught_session(request), by=request.getfixturevalue("instructor"))
    return issued_without_rendering(Certificate.objects.get(enrolment__session=session))


def certificate_kwargs(request) -> dict:
    return {"pk": held_certificate(request).pk}


def verification_kwargs(request) -> dict:
    return {"code": held_certificate(request).code_display}


def certified_session_kwargs(request) -> dict:
    return {"pk": held_certificate(request).enrolment.session_id}


def roster_kwargs(request) -> dict:
    """A roster of one ready military observer for MINURSO."""
    from readiness.services import roster_create
    from tests.readiness.test_selectors import ON, ready_observer, seed_minurso

    mission, profile = seed_minurso()
    roster = roster_create(
        name="Rotation",
        mission=mission,
        profile=profile,
        deploys_on=ON,
        trainee_ids=[ready_observer(90).pk],
        by=request.getfixturevalue("administrator"),
    )
    return {"pk": roster.pk}


def mission_kwargs(request) -> dict:
    from tests.readiness.test_selectors import seed_minurso

    mission, _profile = seed_minurso()
    return {"pk": mission.pk}


def profile_kwargs(request) -> dict:
    from tests.readiness.test_selectors import seed_minurso

    _mission, profile = seed_minurso()
    return {"pk": profile.pk}


# A session's pages: its administrators and instructors; another instructor must not learn
# that it exists (404); trainees never (403).
SESSION_PAGE = row(403, anonymous=LOGIN, instructor=200, other_instructor=404, administrator=200)

# url name -> (kwargs for reverse, or a function of the test's request giving them;
#              expected per role)
MATRIX: dict[str, tuple[dict, dict]] = {
    "home": (
        {},
        row(
            LOGIN,
            trainee=Redirect("portal"),
            other_trainee=Redirect("portal"),
            instructor=Redirect("instructor-home"),
            other_instructor=Redirect("instructor-home"),
            administrator=Redirect("dashboard"),
        ),
    ),
    "dashboard": ({}, only("administrator")),
    "instructor-home": ({}, only(["instructor", "other_instructor"])),
    "portal": ({}, only(["trainee", "other_trainee"])),
    # The operations page and its JSON for a monitor: administrators only. Here no worker has
    # reported, so the JSON tells the administrator of a problem (503).
    "operations": ({}, only("administrator")),
    "operations-json": ({}, only("administrator", allowed=503)),
    "healthz": ({}, row(200)),
    "livez": ({}, row(200)),
    "login": ({}, row(Redirect("home"), anonymous=200)),
    "logout": ({}, row(405)),  # signing out is a POST
    "password_change": ({}, row(200, anonymous=LOGIN)),
    "password_change_done": ({}, row(200, anonymous=LOGIN)),
    "password_reset": ({}, row(200)),
    "password_reset_done": ({}, row(200)),
    "password_reset_confirm": ({"uidb64": "MQ", "token": "set-password"}, row(200)),
    "password_reset_complete": ({}, row(200)),
    "trainees:list": ({}, only("administrator")),
    "trainees:create": ({}, only("administrator")),
    # A trainee sees their own record; another trainee's does not exist for them (404);
    # an instructor of the trainee's session sees the card (name, rank, institution,
    # nationality), another instructor does not learn of the trainee (404).
    "trainees:detail": (
        trainee_in_taught_session,
        row(200, anonymous=LOGIN, other_trainee=404, other_instructor=404),
    ),
    "trainees:edit": (trainee_record, only("administrator")),
    "trainees:contact": ({}, only(["trainee", "other_trainee"])),
    "trainees:import": ({}, only("administrator")),
    "trainees:import-template": ({}, only("administrator")),
    "trainees:export-csv": ({}, only("administrator")),
    "trainees:export-xlsx": ({}, only("administrator")),
    "courses:course-list": ({}, only("administrator")),
    "courses:course-create": ({}, only("administrator")),
    "courses:course-detail": (course_kwargs, only("administrator")),
    "courses:course-edit": (course_kwargs, only("administrator")),
    "courses:session-list": ({}, only(["administrator", "instructor", "other_instructor"])),
    "courses:session-calendar": ({}, only(["administrator", "instructor", "other_instructor"])),
    "courses:session-create": ({}, only("administrator")),
    "courses:session-detail": (session_kwargs, SESSION_PAGE),
    "courses:session-edit": (session_kwargs, only("administrator")),
    # A status change is a POST; tests/courses/test_access.py posts it.
    "courses:session-transition": (
        session_kwargs,
        only(["administrator", "instructor", "other_instructor"], allowed=405),
    ),
    "courses:session-enrol": (session_kwargs, only("administrator")),
    "courses:enrolment-withdraw": (enrolment_kwargs, only("administrator", allowed=405)),
    "courses:session-attendance": (session_kwargs, SESSION_PAGE),
    "courses:session-gradebook": (session_kwargs, SESSION_PAGE),
    "courses:session-finalise": (session_kwargs, SESSION_PAGE),
    "courses:session-reopen": (session_kwargs, only("administrator")),
    # A certificate's PDF: its holder, the session's instructors, administrators; to anybody
    # else it does not exist (404), so nobody learns whose serial is whose.
    "courses:certificate-download": (
        certificate_kwargs,
        row(200, anonymous=LOGIN, other_trainee=404, other_instructor=404),
    ),
    "courses:session-certificates-progress": (certified_session_kwargs, SESSION_PAGE),
    "courses:session-certificates-zip": (certified_session_kwargs, SESSION_PAGE),
    # Certificates as records: listed, revoked, reissued and retried by administrators.
    "courses:certificate-list": ({}, only("administrator")),
    "courses:certificate-detail": (certificate_kwargs, only("administrator")),
    "courses:certificate-revoke": (certificate_kwargs, only("administrator")),
    "courses:certificate-reissue": (certificate_kwargs, only("administrator")),
    "courses:certificate-retry": (certificate_kwargs, only("administrator", allowed=405)),
    # Verification is public: anyone, signed in or not, checks a code.
    "verify:form": ({}, row(200)),
    "verify:detail": (verification_kwargs, row(200)),
    "verify:json": (verification_kwargs, row(200)),
    # The readiness board: administrators only. Its downloads answer a question (mission,
    # profile, date): asked none, an administrator gets the board's form with its errors.
    "readiness:board": ({}, only("administrator")),
    "readiness:board-csv": ({}, only("administrator", allowed=400)),
    "readiness:board-xlsx": ({}, only("administrator", allowed=400)),
    # Rosters, the expiry forecast and the parity report: administrators only. A roster is
    # saved with a POST from the board.
    "readiness:roster-list": ({}, only("administrator")),
    "readiness:roster-create": ({}, only("administrator", allowed=405)),
    "readiness:roster-detail": (roster_kwargs, only("administrator")),
    "readiness:roster-csv": (roster_kwargs, only("administrator")),
    "readiness:roster-xlsx": (roster_kwargs, only("administrator")),
    "readiness:forecast": ({}, only("administrator")),
    "readiness:parity": ({}, only("administrator")),
    "readiness:missions": ({}, only("administrator")),
    "readiness:mission-create": ({}, only("administrator")),
    "readiness:mission-edit": (mission_kwargs, only("administrator")),
    "readiness:profile-create": ({}, only("administrator")),
    "readiness:profile-edit": (profile_kwargs, only("administrator")),
    "set_language": ({}, row(Redirect("home"))),  # a GET changes nothing; the switch is a POST
    # Django's admin site (the back office): its own sign-in, open to training administrators
    # by role (cecopam.admin_site), whatever is_staff says.
    "admin:*": ({}, row(ADMIN_LOGIN, administrator=200)),
    "admin:login": ({}, row(200, administrator=Redirect("admin:index"))),
    "admin:logout": ({}, row(Redirect("admin:index"), administrator=405)),  # a POST
    # Without its query (which field, which term) the autocomplete answers 403 to anyone.
    "admin:autocomplete": ({}, row(ADMIN_LOGIN, administrator=403)),
    # django-axes' records are written by axes alone: nobody adds them by hand.
    "admin:axes_accessattempt_add": ({}, row(ADMIN_LOGIN, administrator=403)),
    "admin:axes_accessfailurelog_add": ({}, row(ADMIN_LOGIN, administrator=403)),
    "admin:axes_accesslog_add": ({}, row(ADMIN_LOGIN, administrator=403)),
    # Courses, sessions and enrolments are written through the pages, whose services keep
    # their rules (weights, seats, the waitlist); the back office only reads them.
    "admin:courses_course_add": ({}, row(ADMIN_LOGIN, administrator=403)),
    "admin:courses_coursesession_add": ({}, row(ADMIN_LOGIN, administrator=403)),
    "admin:courses_enrolment_add": ({}, row(ADMIN_LOGIN, administrator=403)),
}


def walk(patterns, namespace=""):
    """Yield (qualified name or None, pattern) for every endpoint under ``patterns``; unnamed
    ones carry their namespace, as ``admin:`` or ``:``."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from walk(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}{pattern.name}" if pattern.name else namespace or ":"
            yield name, pattern


def admin_pages_without_arguments():
    for name, pattern in walk(get_resolver().url_patterns):
        admin_page = name.startswith("admin:") and not name.endswith(":")
        if admin_page and name not in MATRIX and not pattern.pattern.regex.groups:
            yield name


def row_for(name: str):
    if name in MATRIX:
        return MATRIX[name]
    if name.startswith("admin:"):
        return MATRIX["admin:*"]
    return None


def test_every_url_has_a_row():
    missing, unnamed = [], []
    for name, pattern in walk(get_resolver().url_patterns):
        if name.endswith(":"):
            # Django's admin has unnamed redirects and a catch-all of its own; ours are named.
            if name != "admin:":
                unnamed.append(str(pattern.pattern))
        elif row_for(name) is None:
            missing.append(name)
    assert not unnamed, f"URL patterns without a name: {unnamed}"
    assert not missing, f"URLs without a row in the access matrix: {missing}"


CASES = [
    (name, role)
    for name in [n for n in MATRIX if n != "admin:*"] + sorted(admin_pages_without_arguments())
    for role in ROLES
]


@pytest.fixture
def client_as(client, request):
    def sign_in(role: str):
        if role != "anonymous":
            fixture = {"trainee": "trainee_user", "other_trainee": "other_trainee_user"}.get(
                role, role
            )
            client.force_login(request.getfixturevalue(fixture))
        return client

    return sign_in


@pytest.mark.parametrize(("name", "role"), CASES, ids=[f"{n}-{r}" for n, r in CASES])
def test_access(name, role, client_as, redis_server, db, request):
    kwargs, expected_by_role = row_for(name)
    kwargs = kwargs(request) if callable(kwargs) else kwargs
    expected = expected_by_role[role]
    url = reverse(name, kwargs=kwargs)
    response = client_as(role).get(url)
    if isinstance(expected, Redirect):
        assert response.status_code == 302, f"{role} on {url}: {response.status_code}"
        assert response["Location"].split("?")[0] == expected.url(), (
            f"{role} on {url} went to {response['Location']}"
        )
    else:
        assert response.status_code == expected, f"{role} on {url}: {response.status_code}"
