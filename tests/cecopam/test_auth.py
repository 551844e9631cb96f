import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def sign_in(client, username, password=PASSWORD, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


@pytest.mark.parametrize(
    ("fixture", "home"),
    [
        ("administrator", "dashboard"),
        ("instructor", "instructor-home"),
        ("trainee_user", "portal"),
    ],
)
def test_each_role_lands_on_its_own_home_page(client, request, fixture, home):
    user = request.getfixturevalue(fixture)
    response = sign_in(client, user.username, follow=True)
    assert response.redirect_chain[-1][0] == reverse(home)
    assert response.status_code == 200


def test_wrong_password_is_refused_in_spanish_by_default(client, trainee_user):
    response = sign_in(client, trainee_user.username, "not-the-password")
    assert response.status_code == 200
    assert "Por favor introduzca nombre de usuario y contraseña correctos" in response.text
    assert "_auth_user_id" not in client.session


def test_sixth_sign_in_after_five_failures_is_locked_even_with_the_right_password(
    client, trainee_user
):
    for _ in range(5):
        sign_in(client, trainee_user.username, "wrong-guess")
    response = sign_in(client, trainee_user.username)
    assert response.status_code == 429
    assert "Cuenta bloqueada" in response.text
    assert "después de 5 intentos fallidos" in response.text
    assert "_auth_user_id" not in client.session


def test_lockout_message_follows_the_language_switch(client, trainee_user):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    for _ in range(6):
        response = sign_in(client, trainee_user.username, "wrong-guess")
    assert response.status_code == 429
    assert "Account locked" in response.text
    assert "locked after 5 failed attempts" in response.text


def test_lockout_does_not_spill_over_to_other_accounts_from_another_address(
    client, trainee_user, other_trainee_user
):
    for _ in range(5):
        sign_in(client, trainee_user.username, "wrong-guess", REMOTE_ADDR="10.0.0.7")
    response = sign_in(client, other_trainee_user.username, REMOTE_ADDR="10.0.0.8", follow=True)
    assert response.redirect_chain[-1][0] == reverse("portal")


def test_sign_out_is_a_post_and_ends_the_session(client, trainee_user):
    client.force_login(trainee_user)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert client.get(reverse("portal")).status_code == 302


def test_password_change_requires_the_old_password_and_validates_the_new_one(client, trainee_user):
    client.force_login(trainee_user)
    url = reverse("password_change")
    weak = client.post(
        url, {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"}
    )
    assert weak.status_code == 200
    assert "La contraseña es demasiado corta" in weak.text
    good = client.post(
        url,
        {
            "old_password": PASSWORD,
            "new_password1": "misión-de-paz-2026",
            "new_password2": "misión-de-paz-2026",
        },
    )
    assert good["Location"] == reverse("password_change_done")
    client.logout()
    assert sign_in(client, trainee_user.username, "misión-de-paz-2026")["Location"] == "/"


def test_password_reset_by_email_in_the_users_language(client, trainee_user):
    response = client.post(reverse("password_reset"), {"email": trainee_user.email})
    assert response["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [trainee_user.email]
    assert "contraseña" in message.subject.lower()
    link = re.search(r"https?://[^/]+(/accounts/password/reset/\S+/)", message.body).group(1)

    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"]
    new = "cascos-azules-2026"
    done = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}
    )
    assert done["Location"] == reverse("password_reset_complete")
    assert sign_in(client, trainee_user.username, new)["Location"] == "/"
    # The link is good once.
    assert client.get(link, follow=True).context["validlink"] is False


def test_password_reset_for_an_unknown_address_says_nothing_different(client):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []


def test_a_user_without_a_role_is_told_to_ask_for_one(client):
    from tests.factories import make_user

    client.force_login(make_user("sin.rol", role=None))
    response = client.get("/")
    assert response.status_code == 403
    assert "Sin rol asignado" in response.text
