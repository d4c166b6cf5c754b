"""`POST /api/v1/leaks/`: anyone reports strings found in public; live tokens among them are revoked at once."""

from __future__ import annotations

import pytest
from django.core import mail

from accessprogram.models import AuditEvent
from accessprogram.services.token_format import token_generate
from generation.models import GenerationJob, JobStatus
from tests.accessprogram.conftest import bearer, issue_token, reload

pytestmark = pytest.mark.django_db
URL = "/api/v1/leaks/"
JOB = {"prompt": "a paper boat", "resolution": "256p", "aspect_ratio": "1:1", "num_frames": 17, "steps": 4}


def report(client, tokens, **extra):
    return client.post(URL, {"tokens": tokens}, content_type="application/json", **extra)


def test_a_leaked_token_is_revoked_and_its_owner_and_the_admins_are_told(
    admin_user, artist, artist2, api, demo_generation_model, django_capture_on_commit_callbacks
):
    leaked, kept, others = issue_token(artist, name="leaked"), issue_token(artist, name="kept"), issue_token(artist2)
    job = api.post("/api/v1/generations/", JOB, content_type="application/json", **bearer(leaked)).json()["id"]

    with django_capture_on_commit_callbacks(execute=True):
        response = report(api, [f"  {leaked.secret}\n", "vern_notatoken", "ghp_somethingelse"])

    assert response.status_code == 202 and response.json() == {"received": 3}
    assert reload(leaked).revoked_at is not None and reload(leaked).revoked_reason == "Reported as leaked in public."
    assert api.get("/api/v1/me/", **bearer(leaked)).status_code == 401
    assert api.get("/api/v1/me/", **bearer(kept)).status_code == 200
    assert api.get("/api/v1/me/", **bearer(others)).status_code == 200
    assert GenerationJob.objects.get(pk=job).status == JobStatus.CANCELLED
    to = {message.to[0]: message for message in mail.outbox}
    assert set(to) == {artist.email, admin_user.email}
    assert leaked.token.prefix in to[artist.email].body and artist.email in to[admin_user.email].body
    assert AuditEvent.objects.get(action="token.leak_reported").details["revoked"] == [leaked.token.prefix]


def test_the_answer_is_the_same_whatever_was_valid(artist, api):
    live = issue_token(artist)
    revoked_already = issue_token(artist, name="old")
    report(api, [revoked_already.secret])

    answers = [
        report(api, batch)
        for batch in (
            [live.secret, "nonsense"],
            ["nonsense", "more nonsense"],
            [revoked_already.secret, token_generate()],
        )
    ]

    assert {(a.status_code, a.content, a.get("Content-Type")) for a in answers} == {
        (202, b'{"received":2}', "application/json")
    }


def test_it_takes_a_thousand_candidates_and_no_more(artist, api):
    live = issue_token(artist)
    candidates = [token_generate() for _ in range(999)] + [live.secret]

    assert report(api, candidates).json() == {"received": 1000}
    assert reload(live).revoked_at is not None

    too_many = report(api, candidates + ["one more"])
    assert too_many.status_code == 400 and "tokens" in too_many.json()["errors"]


@pytest.mark.parametrize(
    "body",
    [{}, {"tokens": []}, {"tokens": "vern_x"}, {"tokens": [["nested"]]}, {"tokens": ["x" * 513]}, {"tokens": [None]}],
)
def test_malformed_reports_get_400(api, body):
    response = api.post(URL, body, content_type="application/json")

    assert response.status_code == 400 and response.json()["code"] == "invalid"


def test_anyone_may_report_signed_in_or_not_without_a_csrf_token(artist, as_artist, as_unsigned):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(artist)
    live = issue_token(artist)

    assert report(strict, ["nonsense"]).status_code == 202
    assert report(as_unsigned, ["nonsense"]).status_code == 202
    assert report(Client(enforce_csrf_checks=True), [live.secret]).status_code == 202
    assert reload(live).revoked_at is not None


def test_reports_are_rate_limited_per_address(settings, api):
    settings.LEAK_REPORT_RATE_LIMIT = ((3, 3600),)

    statuses = [report(api, ["x"], REMOTE_ADDR="192.0.2.1").status_code for _ in range(4)]
    elsewhere = report(api, ["x"], REMOTE_ADDR="192.0.2.2")

    assert statuses == [202, 202, 202, 429] and elsewhere.status_code == 202
    assert 1 <= int(report(api, ["x"], REMOTE_ADDR="192.0.2.1")["Retry-After"]) <= 3600


def test_a_report_with_nothing_valid_writes_nothing(api):
    before = AuditEvent.objects.count()

    report(api, [token_generate(), "vern_abc"])

    assert AuditEvent.objects.count() == before and not mail.outbox
