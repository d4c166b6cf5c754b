"""POST outputs/{id}/share/ (409 unless approved) and DELETE shares/{id}/."""

from __future__ import annotations

from django.test import Client

from tests.conftest import client_for
from tests.review.conftest import share


def test_it_refuses_share_before_approval_with_a_clear_message(as_artist, artist_output):
    response = as_artist.post(f"/api/v1/outputs/{artist_output.pk}/share/", {}, content_type="application/json")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "not_approved" and "Only approved outputs can be shared" in body["detail"]


def test_the_owner_shares_an_approved_output(as_artist, approved_output):
    response = as_artist.post(
        f"/api/v1/outputs/{approved_output.pk}/share/",
        {"passphrase": "open sesame", "show_prompt": True, "credit_line": "Aiko"},
        content_type="application/json",
    )
    assert response.status_code == 201
    data = response.json()
    assert data["has_passphrase"] and data["is_live"] and data["credit_line"] == "Aiko"
    assert "/s/" in data["url"] and "passphrase" not in data and "slug" not in data
    assert Client().get(data["url"]).status_code == 200


def test_staff_share_and_other_testers_get_a_404(as_admin, artist2, approved_output):
    assert as_admin.post(f"/api/v1/outputs/{approved_output.pk}/share/").status_code == 201
    assert client_for(artist2).post(f"/api/v1/outputs/{approved_output.pk}/share/").status_code == 404


def test_a_past_expiry_is_a_field_error(as_artist, approved_output):
    response = as_artist.post(
        f"/api/v1/outputs/{approved_output.pk}/share/",
        {"expires_at": "2000-01-01T00:00:00Z"},
        content_type="application/json",
    )
    assert response.status_code == 400 and "expires_at" in response.json()["errors"]


def test_deleting_a_share_revokes_it(as_artist, approved_output):
    link = share(approved_output)
    assert as_artist.get("/api/v1/shares/").json()["results"][0]["id"] == link.pk
    assert as_artist.delete(f"/api/v1/shares/{link.pk}/").status_code == 204
    assert Client().get(f"/s/{link.slug}/").status_code == 404


def test_only_owner_and_staff_revoke(artist2, as_admin, approved_output):
    link = share(approved_output)
    assert client_for(artist2).delete(f"/api/v1/shares/{link.pk}/").status_code == 404
    assert as_admin.delete(f"/api/v1/shares/{link.pk}/").status_code == 204


def test_a_malformed_output_id_is_a_404_not_a_500(as_artist, db):
    assert as_artist.post(f"/api/v1/outputs/{'-' * 36}/share/").status_code == 404
    assert as_artist.get(f"/api/v1/outputs/{'-' * 36}/").status_code == 404
