"""`tokens/`: created from a portal session only and shown once, stored as a hash, listed, revoked."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.utils import timezone

from accessprogram.models import AccessToken, AuditEvent
from tests.accessprogram.conftest import bearer, issue_token, reload
from tests.conftest import client_for

URL = "/api/v1/tokens/"
pytestmark = pytest.mark.django_db


def create(client, **body):
    return client.post(URL, {"name": "laptop", "scopes": ["read", "generate"], **body}, content_type="application/json")


def test_a_tester_creates_a_token_and_sees_its_secret_only_once(artist, as_artist, api):
    response = create(as_artist, expires_in_days=7)

    assert response.status_code == 201, response.content
    body = response.json()
    secret = body["token"]
    assert secret.startswith("vern_") and body["prefix"] == secret[:9] and body["status"] == "active"
    assert body["scopes"] == ["generate", "read"] and response["Cache-Control"] == "no-store"
    assert timedelta(days=6, hours=23) < AccessToken.objects.get().expires_at - timezone.now() <= timedelta(days=7)
    # Only the hash is stored, and the secret never appears again.
    stored = AccessToken.objects.get()
    assert stored.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(AccessToken.objects.values().get())
    listing = as_artist.get(URL).json()
    assert "token" not in listing["results"][0] and secret not in str(listing)
    assert AuditEvent.objects.filter(action="token.created", target_id=str(stored.pk)).exists()
    # And it works.
    assert api.get("/api/v1/me/", **bearer(secret)).json()["email"] == artist.email


def test_tokens_last_thirty_days_unless_told_otherwise(as_artist):
    create(as_artist)

    lifetime = AccessToken.objects.get().expires_at - timezone.now()
    assert timedelta(days=29, hours=23) < lifetime <= timedelta(days=30)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"expires_in_days": 91}, "expires_in_days"),
        ({"expires_in_days": 0}, "expires_in_days"),
        ({"scopes": []}, "scopes"),
        ({"scopes": ["admin"]}, "scopes"),
        ({"name": ""}, "name"),
        ({"name": "x" * 81}, "name"),
    ],
)
def test_bad_token_requests_get_field_errors(as_artist, body, field):
    response = create(as_artist, **body)

    assert response.status_code == 400 and field in response.json()["errors"]
    assert not AccessToken.objects.exists()


def test_a_tester_cannot_give_themselves_the_download_scope(as_artist):
    response = create(as_artist, scopes=["read", "download"])

    assert response.status_code == 403 and "admin" in response.json()["detail"]
    assert not AccessToken.objects.exists()


def test_a_token_cannot_create_another_token(artist, artist_token, api):
    response = api.post(
        URL, {"name": "child", "scopes": ["read"]}, content_type="application/json", **bearer(artist_token)
    )

    assert response.status_code == 403
    assert AccessToken.objects.count() == 1


def test_staff_and_gated_testers_cannot_create_tokens(as_admin, as_reviewer, as_unsigned):
    assert create(as_admin).status_code == 403
    assert create(as_reviewer).status_code == 403
    assert create(as_unsigned).json()["code"] == "nda_required"
    assert not AccessToken.objects.exists()


def test_a_tester_has_at_most_ten_active_tokens(artist, as_artist):
    for number in range(10):
        issue_token(artist, name=f"token {number}")

    response = create(as_artist)

    assert response.status_code == 429 and response.json()["code"] == "too_many_tokens"


def test_the_list_shows_each_tokens_last_use(artist, artist_token, as_artist, api):
    api.get("/api/v1/me/", **bearer(artist_token, HTTP_USER_AGENT="render-farm/1.2", REMOTE_ADDR="192.0.2.44"))

    (listed,) = as_artist.get(URL).json()["results"]
    assert listed["last_used_ip"] == "192.0.2.44" and listed["last_used_user_agent"] == "render-farm/1.2"
    assert listed["last_used_at"] is not None


def test_a_tester_sees_only_their_own_tokens_and_an_admin_sees_all(artist, artist2, as_admin):
    issue_token(artist)
    issue_token(artist2)

    assert [t["owner"] for t in client_for(artist).get(URL).json()["results"]] == [artist.email]
    assert {t["owner"] for t in as_admin.get(URL).json()["results"]} == {artist.email, artist2.email}


def test_the_owner_revokes_a_token_and_it_stops_working_at_once(artist_token, as_artist, api):
    assert api.get("/api/v1/me/", **bearer(artist_token)).status_code == 200

    assert as_artist.delete(f"{URL}{artist_token.token.pk}/").status_code == 204

    response = api.get("/api/v1/me/", **bearer(artist_token))
    assert response.status_code == 401 and response.json()["code"] == "invalid_token"
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert reload(artist_token).status == "revoked"
    assert AuditEvent.objects.filter(action="token.revoked").count() == 1


def test_an_admin_revokes_a_testers_token(artist_token, as_admin, api):
    assert as_admin.delete(f"{URL}{artist_token.token.pk}/").status_code == 204

    assert api.get("/api/v1/me/", **bearer(artist_token)).status_code == 401


def test_another_tester_cannot_revoke_or_see_a_token(artist_token, artist2):
    other = client_for(artist2)

    assert other.delete(f"{URL}{artist_token.token.pk}/").status_code == 404
    assert reload(artist_token).revoked_at is None


def test_a_token_cannot_revoke_tokens(artist, artist_token, api):
    second = issue_token(artist, name="second")

    assert api.delete(f"{URL}{second.token.pk}/", **bearer(artist_token)).status_code == 403
    assert reload(second).revoked_at is None


def test_an_expired_token_is_refused(artist_token, api):
    AccessToken.objects.filter(pk=artist_token.token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    assert api.get("/api/v1/me/", **bearer(artist_token)).status_code == 401


@pytest.mark.parametrize(
    "header",
    ["Bearer", "Bearer a b", "Bearer vern_short", "Bearer vern_" + "A" * 38, "Bearer \u00e9\u00e9", "Token abc"],
)
def test_malformed_authorisation_never_reaches_the_database(artist_token, api, header, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = api.get("/api/v1/me/", HTTP_AUTHORIZATION=header)

    assert response.status_code in (401, 403)


def test_a_mistyped_token_is_refused_without_a_database_look_up(artist_token, api, django_assert_num_queries):
    secret = artist_token.secret
    typo = secret[:20] + ("A" if secret[20] != "A" else "B") + secret[21:]

    with django_assert_num_queries(0):
        response = api.get("/api/v1/me/", **bearer(typo))

    assert response.status_code == 401


def test_a_deactivated_owners_token_is_refused(artist, artist_token, api):
    artist.is_active = False
    artist.save()

    assert api.get("/api/v1/me/", **bearer(artist_token)).status_code == 401


def test_a_tester_promoted_to_staff_can_no_longer_use_their_tokens(admin_user, artist, artist_token, api):
    from accessprogram.models import Role
    from accessprogram.services.context import Actor
    from accessprogram.services.members import user_set_staff_roles

    user_set_staff_roles(actor=Actor(user=admin_user), user=artist, roles={Role.REVIEWER})

    response = api.get("/api/v1/review/queue/", **bearer(artist_token))
    assert response.status_code == 401 and api.get("/api/v1/me/", **bearer(artist_token)).status_code == 401
