"""The reviewers' API: GET review/queue/ and POST review/{output_id}/decision/."""

from __future__ import annotations

from accessprogram.models import AuditEvent
from tests.conftest import client_for, make_output


def test_the_queue_lists_pending_outputs_oldest_first(
    as_reviewer, artist, red_teamer, demo_generation_model, other_cohort
):
    demo_generation_model.allowed_cohorts.add(other_cohort)
    first = make_output(artist, demo_generation_model)
    second = make_output(red_teamer, demo_generation_model)
    response = as_reviewer.get("/api/v1/review/queue/")
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["output"] for r in results] == [str(first.pk), str(second.pk)]
    assert results[0]["prompt"] == "a lighthouse at dusk" and results[0]["approvals_required"] == 1
    filtered = as_reviewer.get("/api/v1/review/queue/", {"cohort": other_cohort.name}).json()["results"]
    assert [r["output"] for r in filtered] == [str(second.pk)]


def test_testers_cannot_see_the_queue(as_artist, as_unsigned, client):
    assert as_artist.get("/api/v1/review/queue/").status_code == 403
    assert as_unsigned.get("/api/v1/review/queue/").status_code == 403
    assert client.get("/api/v1/review/queue/").status_code == 403


def test_a_reviewer_approves_through_the_api(as_reviewer, artist_output):
    response = as_reviewer.post(
        f"/api/v1/review/{artist_output.pk}/decision/", {"decision": "approve"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["state"] == "approved"
    assert AuditEvent.objects.filter(action="review.approved").exists()


def test_a_rejection_without_a_reason_is_a_field_error(as_reviewer, artist_output):
    response = as_reviewer.post(
        f"/api/v1/review/{artist_output.pk}/decision/", {"decision": "reject"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "reason" in response.json()["errors"]


def test_an_unknown_decision_is_a_field_error(as_reviewer, artist_output):
    response = as_reviewer.post(
        f"/api/v1/review/{artist_output.pk}/decision/", {"decision": "maybe"}, content_type="application/json"
    )
    assert response.status_code == 400 and "decision" in response.json()["errors"]


def test_deciding_twice_is_a_conflict(as_reviewer, as_admin, artist_output):
    url = f"/api/v1/review/{artist_output.pk}/decision/"
    as_reviewer.post(url, {"decision": "approve"}, content_type="application/json")
    response = as_admin.post(url, {"decision": "reject", "reason": "policy"}, content_type="application/json")
    assert response.status_code == 409 and response.json()["code"] == "not_pending"


def test_withdrawing_through_the_api(as_reviewer, as_admin, artist_output):
    url = f"/api/v1/review/{artist_output.pk}/decision/"
    as_reviewer.post(url, {"decision": "approve"}, content_type="application/json")
    response = as_admin.post(url, {"decision": "withdraw", "note": "Reported"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["state"] == "withdrawn"


def test_an_unknown_output_is_a_404(as_reviewer, db):
    response = as_reviewer.post(
        "/api/v1/review/00000000-0000-4000-8000-000000000000/decision/",
        {"decision": "approve"},
        content_type="application/json",
    )
    assert response.status_code == 404


def test_a_tester_cannot_decide_through_the_api(artist_output, artist2):
    response = client_for(artist2).post(
        f"/api/v1/review/{artist_output.pk}/decision/", {"decision": "approve"}, content_type="application/json"
    )
    assert response.status_code == 403


def test_a_malformed_output_id_is_a_404(as_reviewer, db):
    response = as_reviewer.post(f"/api/v1/review/{'-' * 36}/decision/", {"decision": "approve"})
    assert response.status_code == 404
