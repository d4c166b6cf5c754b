"""The invitation link and invitation-only sign-up: every unusable link gets a clear page, never a 500."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accessprogram.models import Invitation, User
from accessprogram.services.context import Actor
from accessprogram.services.invitations import invitation_create, invitation_revoke
from tests.accessprogram.helpers import path_of, signup_data
from tests.conftest import client_for

NEWCOMER = "noor@vernissage.test"


@pytest.fixture
def issued(cohort, nda):
    return invitation_create(actor=Actor.system(), email=NEWCOMER, role="artist", cohort=cohort, send=False)


def _later(days: int):
    """Move the clock forward (only the clock: the database and everything else stay as they are)."""
    return mock.patch("django.utils.timezone.now", return_value=timezone.now() + timedelta(days=days))


def test_it_opens_sign_up_for_a_valid_link(issued):
    client = Client()

    response = client.get(path_of(issued.link))

    assert response.status_code == 302 and response["Location"] == reverse("account_signup")
    page = client.get(reverse("account_signup"))
    assert page.status_code == 200
    assert page.context["form"]["email"].value() == NEWCOMER


def test_it_refuses_an_expired_link(issued):
    with _later(days=15):
        response = Client().get(path_of(issued.link))

    assert response.status_code == 410
    assert "expired" in response.content.decode()


def test_it_refuses_a_link_whose_expiry_has_passed_in_the_database(issued):
    Invitation.objects.filter(pk=issued.invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))

    response = Client().get(path_of(issued.link))

    assert response.status_code == 410
    assert "expired" in response.content.decode()


def test_it_refuses_a_revoked_link(issued):
    invitation_revoke(actor=Actor.system(), invitation=issued.invitation)

    response = Client().get(path_of(issued.link))

    assert response.status_code == 410
    assert "withdrawn" in response.content.decode()


def test_it_refuses_reused_invitation_link(issued):
    first = Client()
    first.get(path_of(issued.link))
    assert first.post(reverse("account_signup"), signup_data(NEWCOMER)).status_code == 302

    response = Client().get(path_of(issued.link))

    assert response.status_code == 410
    assert "already been used" in response.content.decode()


@pytest.mark.parametrize(
    "make_token",
    [
        pytest.param(lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"), id="one-character-changed"),
        pytest.param(lambda token: token[:10], id="truncated"),
        pytest.param(lambda token: "x" * 2000, id="very-long"),
        pytest.param(lambda token: "%ff%fe", id="odd-bytes"),
    ],
)
def test_it_refuses_a_tampered_or_unknown_token(issued, make_token):
    token = path_of(issued.link).rstrip("/").rsplit("/", 1)[-1]

    response = Client().get(f"/invite/{make_token(token)}/")

    assert response.status_code == 410
    assert "not valid" in response.content.decode()


def test_a_nul_in_the_token_is_refused_before_it_reaches_the_page(issued):
    response = Client().get("/invite/%00%ff/")

    assert response.status_code == 400
    assert Invitation.objects.get(pk=issued.invitation.pk).status == Invitation.Status.PENDING
    assert Invitation.objects.get(pk=issued.invitation.pk).status == Invitation.Status.PENDING


def test_a_token_with_a_nul_is_refused_before_the_view(issued):
    """Every request carrying a NUL is refused with a 400 before any view runs; the invitation stays usable."""
    response = Client().get("/invite/%00%ff/")

    assert response.status_code == 400
    assert Invitation.objects.get(pk=issued.invitation.pk).status == Invitation.Status.PENDING


def test_it_asks_a_signed_in_user_to_sign_out_first(issued, artist):
    response = client_for(artist).get(path_of(issued.link))

    assert response.status_code == 409
    assert NEWCOMER in response.content.decode()


def test_it_refuses_sign_up_with_another_address_than_invited(issued):
    client = Client()
    client.get(path_of(issued.link))

    response = client.post(reverse("account_signup"), signup_data("someone-else@vernissage.test"))

    assert response.status_code == 200
    assert "Sign up with the address your invitation was sent to." in response.context["form"].errors["email"]
    assert not User.objects.filter(email="someone-else@vernissage.test").exists()
    assert Invitation.objects.get(pk=issued.invitation.pk).status == Invitation.Status.PENDING


def test_sign_up_accepts_the_invited_address_in_other_case(issued):
    client = Client()
    client.get(path_of(issued.link))

    response = client.post(reverse("account_signup"), signup_data("Noor@Vernissage.TEST"))

    assert response.status_code == 302 and response["Location"] == reverse("accessprogram:dashboard")
    assert User.objects.get(email=NEWCOMER).emailaddress_set.get().verified


def test_sign_up_is_closed_without_an_invitation(db):
    client = Client()

    page = client.get(reverse("account_signup"))
    response = client.post(reverse("account_signup"), signup_data("walk-in@vernissage.test"))

    assert page.status_code == 200
    assert "account/signup_closed.html" in [t.name for t in page.templates]
    assert "account/signup_closed.html" in [t.name for t in response.templates]
    assert not User.objects.filter(email="walk-in@vernissage.test").exists()


def test_sign_up_closes_when_the_invitation_is_revoked_after_the_link_was_opened(issued):
    client = Client()
    client.get(path_of(issued.link))
    invitation_revoke(actor=Actor.system(), invitation=issued.invitation)

    response = client.post(reverse("account_signup"), signup_data(NEWCOMER))

    assert "account/signup_closed.html" in [t.name for t in response.templates]
    assert not User.objects.filter(email=NEWCOMER).exists()


def test_sign_up_closes_when_the_invitation_expires_after_the_link_was_opened(issued):
    client = Client()
    client.get(path_of(issued.link))

    with _later(days=15):
        response = client.post(reverse("account_signup"), signup_data(NEWCOMER))

    assert "account/signup_closed.html" in [t.name for t in response.templates]
    assert not User.objects.filter(email=NEWCOMER).exists()


def test_a_second_sign_up_in_the_same_session_is_closed(issued):
    client = Client()
    client.get(path_of(issued.link))
    client.post(reverse("account_signup"), signup_data(NEWCOMER))
    client.post(reverse("account_logout"))

    response = client.post(reverse("account_signup"), signup_data("again@vernissage.test"))

    assert "account/signup_closed.html" in [t.name for t in response.templates]
    assert User.objects.filter(email__in=[NEWCOMER, "again@vernissage.test"]).count() == 1
