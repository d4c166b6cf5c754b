"""Signing in goes through allauth only (the Django admin's login too), so its rate limits always apply."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD

LOGIN = reverse("account_login")
TOO_MANY = "Too many failed login attempts. Try again later."


def _login(client, email, password, **extra):
    return client.post(LOGIN, {"login": email, "password": password}, **extra)


def test_a_tester_signs_in_with_email_and_password(artist):
    client = Client()

    response = _login(client, artist.email, PASSWORD)

    assert response.status_code == 302
    assert client.get(reverse("accessprogram:dashboard")).status_code == 200


def test_a_wrong_password_is_a_form_error(artist):
    response = _login(Client(), artist.email, "wrong-password")

    assert response.status_code == 200
    assert response.context["form"].errors


def test_repeated_failures_lock_that_address_out_of_the_account_even_with_the_right_password(artist):
    client = Client()
    for _ in range(5):
        assert TOO_MANY not in _login(client, artist.email, "wrong-password").content.decode()

    locked = _login(client, artist.email, "wrong-password")
    right_password_same_address = _login(client, artist.email, PASSWORD)

    assert TOO_MANY in locked.context["form"].non_field_errors()
    assert TOO_MANY in right_password_same_address.context["form"].non_field_errors()


def test_a_strangers_wrong_passwords_do_not_lock_the_admin_out(admin_user):
    stranger = Client(REMOTE_ADDR="203.0.113.66")
    for _ in range(8):
        _login(stranger, admin_user.email, "wrong-password")
    admin = Client(REMOTE_ADDR="192.0.2.99")

    response = _login(admin, admin_user.email, PASSWORD)

    assert response.status_code == 302, response.context["form"].errors if response.context else response
    assert TOO_MANY in _login(stranger, admin_user.email, PASSWORD).context["form"].non_field_errors()


@pytest.fixture
def behind_proxy(settings):
    """The site sits behind one trusted reverse proxy, which appends the client's address to X-Forwarded-For."""
    settings.TRUSTED_PROXY_COUNT = 1


def _via_proxy(client_ip: str) -> Client:
    return Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=client_ip)


def test_behind_the_proxy_one_clients_failures_do_not_stop_others_signing_in(behind_proxy, artist, artist2):
    attacker = _via_proxy("203.0.113.5")
    attempts = [_login(attacker, f"guess{n}@vernissage.test", "wrong-password") for n in range(12)]
    attempts += [_login(attacker, artist.email, "wrong-password") for _ in range(6)]

    second, third = _via_proxy("198.51.100.20"), _via_proxy("192.0.2.30")

    assert TOO_MANY in attempts[-1].content.decode()
    assert _login(second, artist.email, PASSWORD).status_code == 302
    assert _login(third, artist2.email, PASSWORD).status_code == 302


def test_behind_the_proxy_a_forged_forwarded_address_does_not_escape_the_limit(behind_proxy, artist):
    """The proxy appends the real address last; whatever a client writes before it is not believed."""
    responses = [
        _login(Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.5"), artist.email, "x")
        for n in range(6)
    ]

    assert TOO_MANY in responses[-1].context["form"].non_field_errors()


def test_repeated_failures_from_one_address_are_limited_across_accounts(artist):
    client = Client()
    responses = [_login(client, f"nobody{n}@vernissage.test", "wrong-password") for n in range(11)]

    assert all(TOO_MANY not in r.content.decode() for r in responses[:10])
    assert TOO_MANY in responses[10].context["form"].non_field_errors()


def test_too_many_sign_in_attempts_from_one_address_get_429(db):
    client = Client()
    statuses = [_login(client, "nobody@vernissage.test", "x").status_code for _ in range(31)]

    assert 429 not in statuses[:30]
    assert statuses[30] == 429


def test_the_admin_login_sends_you_to_allauths_login(db):
    response = Client().get("/admin/login/?next=/admin/accessprogram/auditevent/")

    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == LOGIN
    assert parse_qs(location.query)["next"] == ["/admin/accessprogram/auditevent/"]


def test_the_admin_login_checks_no_password_itself(admin_user):
    client = Client()

    response = client.post("/admin/login/", {"username": admin_user.email, "password": PASSWORD})

    assert response.status_code == 302 and urlsplit(response["Location"]).path == LOGIN
    assert "_auth_user_id" not in client.session


def test_anonymous_admin_pages_go_to_allauths_login(db):
    response = Client().get("/admin/")

    assert response.status_code == 302
    assert urlsplit(response["Location"]).path in (LOGIN, "/admin/login/")
    assert urlsplit(Client().get("/admin/", follow=True).redirect_chain[-1][0]).path == LOGIN
