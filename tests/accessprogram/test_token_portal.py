"""The portal's token page: create (shown once), see where each token was last used, revoke."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accessprogram.models import AccessToken
from tests.accessprogram.conftest import bearer, issue_token, reload
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
URL = reverse("accessprogram:token_list")


def test_a_tester_creates_a_token_and_it_is_shown_once(artist, as_artist, api):
    response = as_artist.post(URL, {"name": "laptop", "scopes": ["read"], "expires_in_days": 14})

    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    secret = response.context["issued"].secret
    assert secret.encode() in response.content
    assert api.get("/api/v1/me/", **bearer(secret)).status_code == 200
    assert secret.encode() not in as_artist.get(URL).content
    assert AccessToken.objects.get().scopes == ["read"]


def test_the_page_shows_each_tokens_last_use(artist, artist_token, as_artist, api):
    api.get("/api/v1/me/", **bearer(artist_token, REMOTE_ADDR="192.0.2.61", HTTP_USER_AGENT="curl/8.5"))

    page = as_artist.get(URL).content.decode()

    assert "192.0.2.61" in page and "curl/8.5" in page and artist_token.token.prefix in page


def test_bad_input_shows_form_errors(as_artist):
    response = as_artist.post(URL, {"name": "", "scopes": ["download"], "expires_in_days": 365})

    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"name", "scopes", "expires_in_days"}
    assert not AccessToken.objects.exists()


def test_the_owner_revokes_from_the_page_after_confirming(artist_token, as_artist, api):
    url = reverse("accessprogram:token_revoke", args=[artist_token.token.pk])
    asked = as_artist.post(url)
    assert asked.status_code == 200 and 'name="confirm" value="yes"' in asked.content.decode()
    assert as_artist.get(url).status_code == 200 and reload(artist_token).status != "revoked"

    response = as_artist.post(url, {"confirm": "yes"})

    assert response.status_code == 302 and reload(artist_token).status == "revoked"
    assert api.get("/api/v1/me/", **bearer(artist_token)).status_code == 401


def test_nobody_else_revokes_from_the_page(artist_token, artist2, as_admin):
    url = reverse("accessprogram:token_revoke", args=[artist_token.token.pk])
    assert client_for(artist2).post(url, {"confirm": "yes"}).status_code == 404
    assert as_admin.post(url, {"confirm": "yes"}).status_code == 403
    assert reload(artist_token).revoked_at is None


def test_a_suspended_token_is_marked_as_such(admin_user, artist, as_artist):
    from accessprogram.models import SuspensionScope
    from accessprogram.services.context import Actor
    from accessprogram.services.suspensions import suspension_create

    issued = issue_token(artist)
    suspension_create(actor=Actor(user=admin_user), scope=SuspensionScope.TOKEN, target=issued.token, reason="Leak")

    assert "Suspended" in as_artist.get(URL).content.decode()
