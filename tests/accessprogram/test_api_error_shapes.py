"""The API answers every refusal in its one JSON error shape, and its schema documents those refusals."""

from __future__ import annotations

import pytest

from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(admin_user) -> dict:
    return client_for(admin_user).get("/api/schema/?format=json").json()


def test_an_api_url_that_matches_no_route_is_a_json_404(as_artist):
    response = as_artist.get("/api/v1/outputs/not-an-id/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "code": "not_found"}


def test_a_site_page_that_does_not_exist_is_still_a_page(as_artist):
    response = as_artist.get("/no-such-page/")

    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")


def test_a_body_django_refuses_to_read_is_a_json_400(client):
    # More form fields than Django reads (DATA_UPLOAD_MAX_NUMBER_FIELDS) is refused before any view runs.
    response = client.post("/api/v1/leaks/", {"tokens": ["vern_x"] * 1001})

    assert response.status_code == 400
    assert response.json()["code"] == "bad_request"


def test_the_schema_documents_each_operations_refusals(schema):
    detail = schema["paths"]["/api/v1/outputs/{id}/"]["get"]["responses"]
    submit = schema["paths"]["/api/v1/generations/"]["post"]["responses"]
    leaks = schema["paths"]["/api/v1/leaks/"]["post"]["responses"]

    assert set(detail) == {"200", "401", "403", "404", "429", "503"}
    assert set(submit) == {"201", "400", "401", "403", "409", "429", "503"}
    assert set(leaks) == {"202", "400", "409", "429", "503"}
    assert detail["404"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
    assert "Retry-After" in submit["429"]["headers"]


def test_the_schema_says_which_people_fields_may_be_empty(schema):
    components = schema["components"]["schemas"]

    # Invitations sent by the system, automatic suspensions, unlifted ones: no person to name.
    assert components["Invitation"]["properties"]["invited_by"]["nullable"] is True
    assert components["Suspension"]["properties"]["created_by"]["nullable"] is True
    assert components["Suspension"]["properties"]["lifted_by"]["nullable"] is True
    assert components["Review"]["properties"]["claimed_by"]["nullable"] is True
    assert components["ReviewDecision"]["properties"]["reason"]["nullable"] is True


def test_a_nul_character_in_the_query_string_is_a_400_not_a_database_error(as_artist, as_reviewer):
    """PostgreSQL text cannot hold NUL: a search built from one would fail in the database (found by fuzzing)."""
    response = as_artist.get("/api/v1/generations/", {"q": "boat\x00"})
    assert response.status_code == 400 and response.json()["code"] == "bad_request"
    assert as_artist.get("/library/", {"q": "\x00"}).status_code == 400
    assert as_reviewer.get("/review/", {"tester": "a\x00"}).status_code == 400
    assert as_artist.get("/api/v1/generations/", {"q": "boat"}).status_code == 200


def test_query_refusals_and_unavailability_are_documented(schema):
    listing = schema["paths"]["/api/v1/generations/"]["get"]["responses"]
    assert {"400", "503"} <= listing.keys()
    assert "Retry-After" in listing["503"]["headers"]
