"""The contributions API: feedback, findings, the ledger and the rate card, with the one error shape."""

from __future__ import annotations

import pytest

from contributions.models import Finding, LedgerEntry, Report
from tests.accessprogram.conftest import bearer, issue_token
from tests.conftest import client_for
from tests.contributions.conftest import PNG, upload

FEEDBACK = "/api/v1/feedback/"
FINDINGS = "/api/v1/findings/"
LEDGER = "/api/v1/ledger/"
RATE_CARD = "/api/v1/rate-card/"


def bug(client, **fields):
    body = {"type": "bug", "severity": "low", "title": "Typo on NDA page", "text": "Recieve.", **fields}
    return client.post(FEEDBACK, body, content_type="application/json")


def test_a_tester_files_and_lists_their_own_feedback(as_artist, artist2):
    response = bug(as_artist)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "new" and body["reporter"] == "aiko@vernissage.test" and body["replies"] == []
    assert [r["id"] for r in as_artist.get(FEEDBACK).json()["results"]] == [body["id"]]
    assert client_for(artist2).get(FEEDBACK).json()["results"] == []
    assert client_for(artist2).get(f"{FEEDBACK}{body['id']}/").status_code == 404


def test_screenshots_upload_as_multipart(as_artist):
    body = {"type": "bug", "severity": "low", "title": "T", "text": "X", "screenshots": [upload("a.png", PNG)]}
    response = as_artist.post(FEEDBACK, body)
    assert response.status_code == 201
    assert len(response.json()["screenshots"]) == 1
    fake = {**body, "screenshots": [upload("b.png", b"%PDF-1.4 not an image")]}
    refused = as_artist.post(FEEDBACK, fake)
    assert refused.status_code == 400 and "screenshots" in refused.json()["errors"]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"severity": "urgent"}, "severity"),
        ({"type": "rant"}, "type"),
        ({"title": ""}, "title"),
        ({"output": "x"}, "output"),
    ],
)
def test_bad_feedback_gets_400_field_by_field(as_artist, fields, field):
    response = bug(as_artist, **fields)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and field in body["errors"]
    assert not Report.objects.exists()


def test_staff_triage_through_the_api_and_the_tester_sees_the_pay(as_artist, as_reviewer, rate_card):
    report_id = bug(as_artist).json()["id"]
    response = as_reviewer.post(f"{FEEDBACK}{report_id}/triage/", {"status": "fixed", "reply": "Fixed in 1.2"})
    assert response.status_code == 200 and response.json()["status"] == "fixed"
    self_dup = as_reviewer.post(f"{FEEDBACK}{report_id}/triage/", {"status": "duplicate", "duplicate_of": report_id})
    assert self_dup.status_code in (400, 409) and "status" in self_dup.json()["errors"]
    ledger = as_artist.get(LEDGER).json()["results"]
    assert len(ledger) == 1
    entry = ledger[0]
    assert (entry["kind"], entry["amount_minor"], entry["currency"], entry["status"]) == ("bug", 1000, "EUR", "pending")
    assert entry["rate_card_version"] == 1 and entry["rate_card_line"]["severity"] == "low"
    assert as_artist.post(f"{FEEDBACK}{report_id}/triage/", {"status": "triaged"}).status_code == 403


def test_a_duplicate_of_itself_is_refused_by_the_api(as_artist, as_reviewer):
    report_id = bug(as_artist).json()["id"]
    response = as_reviewer.post(f"{FEEDBACK}{report_id}/triage/", {"status": "duplicate", "duplicate_of": report_id})
    assert response.status_code == 400
    assert response.json()["errors"]["duplicate_of"] == ["A report cannot be a duplicate of itself."]


def test_red_teamers_file_findings_and_staff_decide_them(red_teamer, as_reviewer, rate_card, as_artist):
    client = client_for(red_teamer)
    body = {"category": "bypass", "severity": "medium", "title": "Leetspeak", "prompt": "g0re", "seed": 3}
    response = client.post(FINDINGS, body, content_type="application/json")
    assert response.status_code == 201, response.json()
    finding_id = response.json()["id"]
    assert [f["id"] for f in client.get(FINDINGS).json()["results"]] == [finding_id]
    assert as_artist.post(FINDINGS, body, content_type="application/json").status_code == 403
    dismissed = as_reviewer.post(f"{FINDINGS}{finding_id}/decide/", {"decision": "dismiss"})
    assert dismissed.status_code == 400 and "reason" in dismissed.json()["errors"]
    validated = as_reviewer.post(f"{FINDINGS}{finding_id}/decide/", {"decision": "validate"})
    assert validated.status_code == 200 and validated.json()["status"] == "validated"
    again = as_reviewer.post(f"{FINDINGS}{finding_id}/decide/", {"decision": "validate"})
    assert again.status_code == 409 and again.json()["code"] == "not_submitted"
    assert LedgerEntry.objects.get().amount_minor == 5_000


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"severity": "x"}, "severity"),
        ({"prompt": ""}, "prompt"),
        ({"seed": -1}, "seed"),
        ({"parameters": [1]}, "parameters"),
    ],
)
def test_bad_findings_get_400_field_by_field(red_teamer, fields, field):
    body = {"category": "bypass", "severity": "medium", "title": "T", "prompt": "p", **fields}
    response = client_for(red_teamer).post(FINDINGS, body, content_type="application/json")
    assert response.status_code == 400 and field in response.json()["errors"]
    assert not Finding.objects.exists()


def test_the_rate_card_is_readable_by_members(as_artist, admin_user):
    empty = as_artist.get(RATE_CARD).json()
    assert empty == {"version": None, "published_at": None, "lines": []}
    from tests.contributions.conftest import publish_rate_card

    publish_rate_card(admin_user)
    card = as_artist.get(RATE_CARD).json()
    assert card["version"] == 1
    assert {
        "kind": "survey",
        "severity": "",
        "amount_minor": 1500,
        "currency": "EUR",
        "amount": "EUR 15.00",
    }.items() <= [line for line in card["lines"] if line["kind"] == "survey"][0].items()


def test_the_ledger_is_read_only(as_artist):
    assert as_artist.post(LEDGER, {"kind": "bug", "amount_minor": 10**9}).status_code == 405


def test_tokens_read_but_do_not_write(artist):
    from django.test import Client

    token = issue_token(artist)
    api = Client()
    assert api.get(LEDGER, **bearer(token)).status_code == 200
    assert api.get(FEEDBACK, **bearer(token)).status_code == 200
    refused = api.post(
        FEEDBACK,
        {"type": "bug", "severity": "low", "title": "T", "text": "X"},
        content_type="application/json",
        **bearer(token),
    )
    assert refused.status_code == 403


def test_the_nda_gate_holds_for_the_contributions_api(as_unsigned):
    response = as_unsigned.get(LEDGER)
    assert response.status_code == 403 and response.json()["code"] == "nda_required"
