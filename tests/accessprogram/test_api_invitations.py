"""The invitations API: admins invite and list; everyone else is refused; bad input gets field-by-field 400s."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accessprogram.models import Invitation
from tests.accessprogram.helpers import invitation_path

URL = reverse("invitation-list")


def _post(client, payload, mail_callbacks):
    with mail_callbacks(execute=True):
        return client.post(URL, payload, content_type="application/json")


def test_an_admin_invites_a_tester(as_admin, cohort, mailoutbox, django_capture_on_commit_callbacks):
    response = _post(
        as_admin,
        {"email": "Noor@Vernissage.test", "role": "artist", "cohort": cohort.name, "expires_in_days": 3},
        django_capture_on_commit_callbacks,
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["email"], body["role"], body["cohort"], body["status"], body["sent_count"]) == (
        "noor@vernissage.test",
        "artist",
        cohort.name,
        "pending",
        1,
    )
    assert body["invited_by"] == "ada@vernissage.test"
    assert "token_hash" not in body
    assert Invitation.objects.filter(pk=body["id"], status="pending").exists()
    assert Client().get(invitation_path(mailoutbox[0]))["Location"] == reverse("account_signup")


def test_an_admin_invites_staff_without_a_cohort(as_admin, django_capture_on_commit_callbacks):
    response = _post(
        as_admin, {"email": "staff@vernissage.test", "role": "reviewer"}, django_capture_on_commit_callbacks
    )

    assert response.status_code == 201
    assert response.json()["cohort"] is None


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        pytest.param(
            {"email": "not-an-email", "role": "artist", "cohort": "Founding artists"}, "email", id="bad-email"
        ),
        pytest.param({"role": "artist", "cohort": "Founding artists"}, "email", id="no-email"),
        pytest.param(
            {"email": "x@vernissage.test", "role": "wizard", "cohort": "Founding artists"}, "role", id="unknown-role"
        ),
        pytest.param(
            {"email": "x@vernissage.test", "role": "artist", "cohort": "Nowhere"}, "cohort", id="unknown-cohort"
        ),
        pytest.param({"email": "x@vernissage.test", "role": "artist"}, "cohort", id="tester-without-cohort"),
        pytest.param(
            {"email": "x@vernissage.test", "role": "artist", "cohort": "Founding artists", "expires_in_days": 365},
            "expires_in_days",
            id="expiry-too-long",
        ),
        pytest.param(
            {"email": "x@vernissage.test", "role": "artist", "cohort": "Founding artists", "expires_in_days": "soon"},
            "expires_in_days",
            id="expiry-not-a-number",
        ),
    ],
)
def test_it_refuses_bad_input_field_by_field(
    as_admin, cohort, payload, field, mailoutbox, django_capture_on_commit_callbacks
):
    before = Invitation.objects.count()

    response = _post(as_admin, payload, django_capture_on_commit_callbacks)

    assert response.status_code == 400
    body = response.json()
    assert list(body["errors"]) == [field]
    assert all(isinstance(message, str) and message for message in body["errors"][field])
    assert Invitation.objects.count() == before
    assert mailoutbox == []


def test_it_refuses_malformed_json(as_admin):
    response = as_admin.post(URL, "{not json", content_type="application/json")

    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_it_answers_409_for_a_second_pending_invitation(as_admin, cohort, django_capture_on_commit_callbacks):
    payload = {"email": "twice@vernissage.test", "role": "artist", "cohort": cohort.name}
    _post(as_admin, payload, django_capture_on_commit_callbacks)

    response = _post(as_admin, payload, django_capture_on_commit_callbacks)

    assert response.status_code == 409
    assert "pending invitation" in response.json()["errors"]["email"][0]


def test_it_answers_409_for_an_existing_account(as_admin, artist, cohort, django_capture_on_commit_callbacks):
    response = _post(
        as_admin, {"email": artist.email, "role": "artist", "cohort": cohort.name}, django_capture_on_commit_callbacks
    )

    assert response.status_code == 409
    assert "already has an account" in response.json()["errors"]["email"][0]


def test_it_lists_invitations_for_admins(as_admin, artist):
    response = as_admin.get(URL)

    assert response.status_code == 200
    emails = [row["email"] for row in response.json()["results"]]
    assert artist.email in emails
    assert all("token_hash" not in row for row in response.json()["results"])


@pytest.mark.parametrize("who", ["as_artist", "as_reviewer"])
def test_it_refuses_members_who_are_not_admins(request, who, cohort):
    client = request.getfixturevalue(who)

    create = client.post(
        URL, {"email": "x@vernissage.test", "role": "artist", "cohort": cohort.name}, content_type="application/json"
    )
    listing = client.get(URL)

    assert create.status_code == 403 and listing.status_code == 403
    assert not Invitation.objects.filter(email="x@vernissage.test").exists()


def test_it_refuses_anonymous_callers(cohort):
    client = Client()

    create = client.post(
        URL, {"email": "x@vernissage.test", "role": "artist", "cohort": cohort.name}, content_type="application/json"
    )

    assert create.status_code == 403
    assert client.get(URL).status_code == 403
    assert not Invitation.objects.filter(email="x@vernissage.test").exists()


def test_it_refuses_a_tester_who_has_not_signed_the_nda_naming_the_nda(as_unsigned, cohort, nda):
    response = as_unsigned.get(URL)

    assert response.status_code == 403
    assert response.json()["code"] == "nda_required"
    assert response.json()["nda"]["version"] == nda.version
