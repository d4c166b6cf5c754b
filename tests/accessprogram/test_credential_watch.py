"""Every credential is watched: a server in front of a portal session or a token is contained alone, a person
is not, and a session moving to another network is asked for the password instead of being contained."""

from __future__ import annotations

import time

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accessprogram.models import AnomalyThresholds, AuditEvent, Suspension, SuspensionScope
from accessprogram.services.context import Actor
from accessprogram.services.suspensions import suspension_lift
from accessprogram.services.tokens import token_create
from generation.models import GenerationJob, JobStatus
from tests.accessprogram.conftest import bearer, issue_token, reload
from tests.conftest import PASSWORD, client_for, headless_client, make_job, make_output

pytestmark = pytest.mark.django_db
JOB = {"prompt": "a paper boat", "resolution": "256p", "aspect_ratio": "1:1", "num_frames": 17, "steps": 4}
PYTHON_UA = {"HTTP_USER_AGENT": "python-requests/2.32.3"}
LAPTOP = {
    "REMOTE_ADDR": "198.51.100.7",
    "HTTP_USER_AGENT": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36",
}


def thresholds(**values) -> AnomalyThresholds:
    current = AnomalyThresholds.current()
    for field, value in values.items():
        setattr(current, field, value)
    current.save()
    return current


def signed_in(user, **environ) -> Client:
    """A browser that signed in with the password through the sign-in form (so allauth records it)."""
    client = Client(**environ)
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content
    return client


def contained_tester(user) -> Suspension:
    return Suspension.objects.get(scope=SuspensionScope.TESTER, user=user, lifted_at__isnull=True)


def test_a_server_in_front_of_a_session_is_signed_out_and_its_owner_paused(
    artist, artist2, admin_user, demo_generation_model, django_capture_on_commit_callbacks
):
    # Given a job of the artist's waiting in the queue, and a server holding the artist's session cookie
    queued = make_job(artist, demo_generation_model, status=JobStatus.QUEUED)
    front_end = headless_client(**PYTHON_UA)
    front_end.force_login(artist)

    # When it relays requests the way such servers do: no browser's fetch metadata
    with django_capture_on_commit_callbacks(execute=True):
        statuses = [front_end.get("/api/v1/generations/").status_code for _ in range(6)]

    # Then the sixth is refused, the session is signed out, the owner paused, the job cancelled, everyone told
    assert statuses == [200] * 5 + [403]
    assert front_end.get("/api/v1/generations/").status_code == 403
    assert front_end.get(reverse("generation:library"))["Location"].startswith(reverse("account_login"))
    suspension = contained_tester(artist)
    assert suspension.automatic and "Sec-Fetch" in suspension.reason
    assert suspension.evidence["credential"] == "portal session"
    queued.refresh_from_db()
    assert queued.status == JobStatus.CANCELLED
    assert {tuple(m.to) for m in mail.outbox} == {(artist.email,), (admin_user.email,)}
    assert AuditEvent.objects.filter(action="suspension.created", details__automatic=True).exists()
    # The owner can still sign in and read why; a bystander notices nothing.
    notice = signed_in(artist).get(reverse("accessprogram:access_suspended")).content.decode()
    assert "Sec-Fetch" in notice
    assert client_for(artist2).get(reverse("generation:library")).status_code == 200


def test_a_session_relaying_its_videos_gets_no_bytes_and_is_contained(artist, demo_generation_model):
    pending = [make_output(artist, demo_generation_model) for _ in range(3)]
    relay = client_for(artist)  # even one that sends browser-like headers

    answers = [relay.get(f"/api/v1/outputs/{output.pk}/media/") for output in pending]

    assert [a.status_code for a in answers] == [403, 403, 403]
    assert not any(getattr(a, "streaming", False) for a in answers)
    assert "media_without_page" in answers[0].content.decode()
    assert contained_tester(artist).evidence["findings"][0]["signal"] == "blind_media"


def test_a_person_plays_videos_from_their_pages(artist, demo_generation_model):
    output = make_output(artist, demo_generation_model)
    browser = client_for(artist)

    browser.get(reverse("generation:job_detail", args=[output.job_id]))
    video = browser.get(reverse("generation:output_video", args=[output.pk]), HTTP_RANGE="bytes=0-9")
    api_video = browser.get(f"/api/v1/outputs/{output.pk}/media/")

    assert video.status_code == 206 and api_video.status_code == 200
    assert not Suspension.objects.exists()


def test_submissions_faster_than_a_person_writes_them_suspend_the_token_alone(
    artist, artist_token, api, demo_generation_model, cohort
):
    cohort.max_active_jobs = 50
    cohort.save()
    statuses = [
        api.post("/api/v1/generations/", {**JOB, "prompt": f"visitor prompt {n}"}, **bearer(artist_token)).status_code
        for n in range(5)
    ]

    assert statuses == [201] * 4 + [403]
    assert reload(artist_token).is_suspended
    assert not GenerationJob.objects.filter(token=artist_token.token, status=JobStatus.QUEUED).exists()
    assert not Suspension.objects.filter(scope=SuspensionScope.TESTER).exists()
    assert client_for(artist).get(reverse("generation:library")).status_code == 200


def test_refusals_hammered_instead_of_waited_out_contain_the_token(
    artist, artist_token, api, cohort, demo_generation_model
):
    cohort.max_active_jobs = 1
    cohort.save()
    thresholds(max_submissions=100)

    statuses = [api.post("/api/v1/generations/", JOB, **bearer(artist_token)).status_code for _ in range(12)]

    assert statuses[0] == 201 and statuses[1:11] == [429] * 10 and statuses[11] == 403
    assert "refused" in Suspension.objects.get(token=artist_token.token).reason


def test_too_many_distinct_prompts_in_an_hour_contain_the_session(artist, demo_generation_model, cohort):
    cohort.max_active_jobs = 50
    cohort.save()
    thresholds(max_submissions=100, max_prompts_per_hour=3)
    browser = client_for(artist)

    statuses = [
        browser.post("/api/v1/generations/", {**JOB, "prompt": f"prompt {n}"}, content_type="application/json")
        for n in range(4)
    ]

    assert [s.status_code for s in statuses] == [201, 201, 201, 403]
    assert contained_tester(artist).evidence["findings"][0]["signal"] == "prompts"


def test_a_person_working_in_the_portal_is_never_contained(artist, demo_generation_model):
    output = make_output(artist, demo_generation_model)
    browser = client_for(artist)

    for _ in range(3):
        browser.get(reverse("accessprogram:dashboard"))
        browser.get(reverse("generation:library"))
        browser.get(reverse("generation:job_detail", args=[output.job_id]))
        browser.get(reverse("generation:output_video", args=[output.pk]))
    for _ in range(200):  # the library's script polling a long job
        assert browser.get(reverse("generation:library_status"), {"ids": str(output.job_id)}).status_code == 200
    for n in range(3):
        browser.post("/api/v1/generations/", {**JOB, "prompt": f"a boat, take {n}"}, content_type="application/json")

    assert not Suspension.objects.exists()


def test_a_session_on_another_network_is_asked_for_the_password_once(artist):
    laptop = signed_in(artist, **LAPTOP)
    assert laptop.get(reverse("generation:library")).status_code == 200

    # The laptop moves to another network: pages and the API ask for the password, and contain nothing.
    elsewhere = {**LAPTOP, "REMOTE_ADDR": "203.0.113.40"}
    page = laptop.get(reverse("generation:library"), **elsewhere)
    api = laptop.get("/api/v1/generations/", **elsewhere)
    assert page["Location"].startswith(reverse("account_reauthenticate"))
    assert api.status_code == 403 and api.json()["code"] == "reauthentication_required"
    confirmed = laptop.post(
        reverse("account_reauthenticate"), {"password": PASSWORD, "next": reverse("generation:library")}, **elsewhere
    )
    assert confirmed.status_code == 302

    # Then both networks work, without asking again.
    assert laptop.get(reverse("generation:library"), **elsewhere).status_code == 200
    assert laptop.get(reverse("generation:library"), **LAPTOP).status_code == 200
    assert not Suspension.objects.exists()


def test_a_session_used_by_another_kind_of_browser_is_asked_for_the_password(artist):
    laptop = signed_in(artist, **LAPTOP)
    laptop.get(reverse("generation:library"))

    copied_cookie = laptop.get(reverse("generation:library"), HTTP_USER_AGENT="python-requests/2.32.3")

    assert copied_cookie["Location"].startswith(reverse("account_reauthenticate"))


def test_a_browser_update_is_not_another_browser(artist):
    laptop = signed_in(artist, **LAPTOP)
    laptop.get(reverse("generation:library"))
    updated = LAPTOP["HTTP_USER_AGENT"].replace("Chrome/131.0.0.0", "Chrome/132.0.0.0")

    assert laptop.get(reverse("generation:library"), HTTP_USER_AGENT=updated).status_code == 200


def _contain(issued) -> None:
    """A token tripping the detector (a web page's Origin), as a proxy forwarding its visitors trips it."""
    Client().get("/api/v1/me/", **bearer(issued, HTTP_ORIGIN="https://leak.example"))
    assert reload(issued).is_suspended


def test_minting_a_token_after_a_containment_needs_the_password_and_tells_admins(
    artist, admin_user, django_capture_on_commit_callbacks
):
    # Given a session signed in before one of the tester's tokens was contained
    laptop = signed_in(artist, **LAPTOP)
    _contain(issue_token(artist))
    mail.outbox.clear()

    refused = laptop.post("/api/v1/tokens/", {"name": "again", "scopes": ["generate"]}, content_type="application/json")
    portal = laptop.post(
        reverse("accessprogram:token_list"), {"name": "again", "scopes": ["generate"], "expires_in_days": 30}
    )
    assert refused.status_code == 403 and refused.json()["code"] == "reauthentication_required"
    assert portal["Location"].startswith(reverse("account_reauthenticate"))

    laptop.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    with django_capture_on_commit_callbacks(execute=True):
        minted = laptop.post(
            "/api/v1/tokens/", {"name": "again", "scopes": ["generate"]}, content_type="application/json"
        )

    assert minted.status_code == 201
    assert [m.to for m in mail.outbox] == [[admin_user.email]] and "after a containment" in mail.outbox[0].subject
    assert AuditEvent.objects.filter(action="token.created", details__has_key="after_containment").exists()


def test_a_tester_contained_again_and_again_is_paused_until_staff_review(artist, admin_user):
    minted = 0
    for _ in range(5):
        if Suspension.objects.filter(scope=SuspensionScope.TESTER, user=artist).exists():
            break
        issued = token_create(
            actor=Actor(user=artist), name=f"rotation {minted}", scopes=["generate"], password_at=time.time()
        )
        minted += 1
        _contain(issued)

    assert minted == 3
    paused = contained_tester(artist)
    assert paused.automatic and "3 times" in paused.reason
    assert (
        signed_in(artist)
        .post("/api/v1/tokens/", {"name": "one more", "scopes": ["generate"]}, content_type="application/json")
        .status_code
        == 403
    )


def test_a_contained_session_cannot_mint_tokens(artist):
    front_end = headless_client(**PYTHON_UA)
    front_end.force_login(artist)
    for _ in range(6):
        front_end.get(reverse("generation:library"))

    response = front_end.post("/api/v1/tokens/", {"name": "x", "scopes": ["generate"]}, content_type="application/json")

    assert response.status_code in (401, 403)
    assert not artist.access_tokens.exists()


def test_admins_set_the_watch_thresholds_through_an_audited_save(as_admin):
    from django.forms.models import model_to_dict

    values = {**model_to_dict(AnomalyThresholds(), exclude=["id"]), "max_submissions": 7, "escalate_after": 2}
    form = {field: ("on" if value is True else value) for field, value in values.items() if value is not False}

    assert as_admin.post(reverse("accessprogram:anomaly_thresholds"), form).status_code == 302
    assert AnomalyThresholds.current().max_submissions == 7
    event = AuditEvent.objects.get(action="anomaly_thresholds.updated")
    assert event.details["max_submissions"] == 7 and event.details["escalate_after"] == 2


def test_lifting_a_watched_tokens_suspension_starts_its_windows_afresh(
    artist, artist_token, api, admin_user, cohort, demo_generation_model, django_capture_on_commit_callbacks
):
    cohort.max_active_jobs = 50
    cohort.save()
    for n in range(5):
        api.post("/api/v1/generations/", {**JOB, "prompt": f"visitor {n}"}, **bearer(artist_token))
    suspension = Suspension.objects.get(token=artist_token.token)

    with django_capture_on_commit_callbacks(execute=True):
        suspension_lift(actor=Actor(user=admin_user), suspension=suspension, reason="Its owner's batch script")

    assert api.post("/api/v1/generations/", JOB, **bearer(artist_token)).status_code == 201
