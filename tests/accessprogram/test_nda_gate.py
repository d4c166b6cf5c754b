"""Invariant 1: until a tester accepts the current NDA they reach only the NDA, logout and account pages."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from accessprogram.services.members import membership_end
from accessprogram.services.nda import ClauseSpec, nda_create_draft
from tests.conftest import client_for, publish_in_every_language

GATED_PAGES = [
    "/",
    "/staff/invitations/",
    "/staff/audit/",
    "/admin/",
    "/admin/accessprogram/user/",
]
GATED_API = ["/api/v1/", "/api/v1/me/", "/api/v1/invitations/", "/api/schema/", "/api/docs/", "/api/v1/nowhere/"]
OPEN_PAGES = ["/nda/", "/accounts/email/", "/accounts/password/change/", "/accounts/2fa/", "/membership-ended/"]


@pytest.fixture
def second_version(nda, system):
    return publish_in_every_language(
        system,
        nda_create_draft(
            actor=system,
            title="Early-access agreement",
            body_markdown="## Confidentiality\nKeep unapproved outputs confidential.\n\n## New\nAlso this.",
            clauses=[ClauseSpec("confidentiality", "I will keep unapproved outputs confidential.", required=True)],
        ),
    )


@pytest.mark.parametrize("path", GATED_PAGES)
def test_an_unsigned_tester_is_sent_to_the_nda_from_every_page(as_unsigned, path):
    response = as_unsigned.get(path)

    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == reverse("accessprogram:nda")
    assert parse_qs(location.query)["next"] == [path]


def test_a_gated_post_is_sent_to_the_nda_and_does_nothing(as_unsigned, cohort):
    response = as_unsigned.post(
        "/staff/invitations/",
        {"email": "x@vernissage.test", "role": "artist", "cohort": cohort.pk, "expires_in_days": 7},
    )

    assert response.status_code == 302 and response["Location"] == reverse("accessprogram:nda")


@pytest.mark.parametrize("path", GATED_API)
def test_an_unsigned_tester_gets_a_json_403_naming_the_nda_from_the_api(as_unsigned, nda, path):
    response = as_unsigned.get(path)

    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "nda_required"
    assert body["nda"] == {"version": nda.version, "title": nda.title, "url": reverse("accessprogram:nda")}
    assert "NDA" in body["detail"]


@pytest.mark.parametrize("path", OPEN_PAGES)
def test_an_unsigned_tester_still_reaches_the_nda_and_account_pages(as_unsigned, path):
    assert as_unsigned.get(path).status_code == 200


def test_an_unsigned_tester_can_sign_out(as_unsigned):
    response = as_unsigned.post(reverse("account_logout"))

    assert response.status_code == 302
    assert as_unsigned.get("/").status_code == 302
    assert as_unsigned.get("/")["Location"].startswith(reverse("account_login"))


def test_a_new_version_sends_a_tester_who_signed_the_old_one_back_to_the_nda(as_artist, second_version):
    response = as_artist.get(reverse("accessprogram:dashboard"))

    assert response.status_code == 302 and response["Location"].startswith(reverse("accessprogram:nda"))
    page = as_artist.get(reverse("accessprogram:nda")).content.decode()
    assert "The agreement has changed since you last signed it" in page


def test_a_new_version_closes_the_api_naming_the_new_version(as_artist, second_version):
    response = as_artist.get("/api/v1/me/")

    assert response.status_code == 403
    assert response.json()["code"] == "nda_required"
    assert response.json()["nda"]["version"] == second_version.version


def test_accepting_the_new_version_reopens_everything(as_artist, second_version):
    as_artist.post(
        reverse("accessprogram:nda"),
        {"typed_name": "Aiko Artist", "shown_sha256": second_version.text_sha256, "clause_confidentiality": "on"},
    )

    assert as_artist.get(reverse("accessprogram:dashboard")).status_code == 200
    me = as_artist.get("/api/v1/me/")
    assert me.status_code == 200
    assert me.json()["nda"]["required"] is False and me.json()["nda"]["current_version"] == second_version.version


def test_a_tester_who_signed_reaches_me(as_artist, artist, cohort, nda):
    response = as_artist.get("/api/v1/me/")

    assert response.status_code == 200
    body = response.json()
    assert body["email"] == artist.email and body["roles"] == ["artist"]
    assert body["cohort"]["name"] == cohort.name
    assert body["nda"]["required"] is False and body["nda"]["accepted_at"] is not None


def test_staff_are_not_asked_to_sign_the_tester_nda(as_reviewer, second_version):
    assert as_reviewer.get(reverse("accessprogram:dashboard")).status_code == 200
    assert as_reviewer.get("/api/v1/me/").status_code == 200


def test_a_former_tester_reaches_only_the_membership_ended_page(artist, system):
    membership_end(actor=system, membership=artist.tester_membership)
    client = client_for(artist)

    response = client.get(reverse("accessprogram:dashboard"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accessprogram:no_membership"))
    api = client.get("/api/v1/me/")
    assert api.status_code == 403 and api.json()["code"] == "not_a_member"
    assert client.get(reverse("accessprogram:no_membership")).status_code == 200
