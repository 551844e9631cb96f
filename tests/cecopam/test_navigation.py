"""The menu shows each role its own pages, and an anonymous visitor none."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

MENU = {
    "dashboard": 'href="/dashboard/"',
    "back_office": 'href="/admin/"',
    "instructor": 'href="/instructor/"',
    "portal": 'href="/me/"',
}


def menu_links(html: str) -> set[str]:
    nav = html.split('id="main-nav"', 1)[1].split("</nav>", 1)[0]
    return {name for name, link in MENU.items() if link in nav}


def test_anonymous_visitor_sees_no_menu_entries(client):
    assert menu_links(client.get(reverse("login")).text) == set()


@pytest.mark.parametrize(
    ("fixture", "page", "expected"),
    [
        ("administrator", "dashboard", {"dashboard", "back_office"}),
        ("instructor", "instructor-home", {"instructor"}),
        ("trainee_user", "portal", {"portal"}),
    ],
)
def test_each_role_sees_its_own_menu(client, request, fixture, page, expected):
    client.force_login(request.getfixturevalue(fixture))
    assert menu_links(client.get(reverse(page)).text) == expected


@pytest.mark.parametrize("language", ["es-mx", "en"])
def test_the_language_switch_names_each_language_in_itself(client, language):
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE=language).text
    buttons = re.findall(
        r'name="language"\s+value="([\w-]+)".*?>\s*([^<]+?)\s*</button>', page, re.S
    )
    assert buttons == [("es-mx", "Español"), ("en", "English")]


def test_the_current_page_is_marked_in_the_menu(client, administrator):
    client.force_login(administrator)
    nav = client.get(reverse("dashboard")).text.split('id="main-nav"', 1)[1]
    assert re.search(r'class="nav-link active"\s+aria-current="page"\s+href="/dashboard/"', nav)
    assert nav.count('aria-current="page"') == 1
