"""Kill switches at four scopes: the next request of everyone in the scope is refused, nobody else's is."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from accessprogram.errors import Conflict, NotAllowed
from accessprogram.models import AuditEvent, Program, Suspension, SuspensionScope
from accessprogram.services.context import Actor
from accessprogram.services.suspensions import (
    SuspensionReach,
    is_suspended,
    suspension_create,
    suspension_lift,
    suspension_reach_count,
)
from generation.models import GenerationJob, JobStatus
from generation.services.scheduling import generation_job_claim_next
from tests.accessprogram.conftest import bearer, issue_token
from tests.conftest import client_for
from tests.conftest import make_job as make_any_job

pytestmark = pytest.mark.django_db
API = "/api/v1/suspensions/"


def suspend(scope, target, *, by=None):
    return suspension_create(actor=Actor(user=by), scope=scope, target=target, reason="Testing the kill switch.")


def refused(response) -> bool:
    """Refused with the suspension: a 403 naming it (API) or a redirect to the suspended page (portal)."""
    if response.status_code == 302:
        return response["Location"].startswith(reverse("accessprogram:access_suspended"))
    return response.status_code == 403 and response.json()["code"] == "suspended"


@pytest.fixture
def everyone(admin_user, reviewer, artist, artist2, red_teamer):
    """Each tester with a session and a token, and staff with sessions."""
    return {
        "testers": [(user, client_for(user), issue_token(user)) for user in (artist, artist2, red_teamer)],
        "staff": [client_for(admin_user), client_for(reviewer)],
    }


def test_a_suspended_program_refuses_every_testers_next_request(everyone, api):
    for _, session, token in everyone["testers"]:
        assert session.get("/api/v1/me/").status_code == 200
        assert api.get("/api/v1/me/", **bearer(token)).status_code == 200

    suspend(SuspensionScope.PROGRAM, Program.current())

    for _, session, token in everyone["testers"]:
        assert refused(session.get(reverse("accessprogram:dashboard")))
        assert refused(session.get(reverse("generation:library")))
        assert refused(session.get("/api/v1/me/"))
        assert refused(session.post("/api/v1/generations/", {"prompt": "x"}, content_type="application/json"))
        assert refused(api.get("/api/v1/me/", **bearer(token)))
        assert refused(api.get("/api/v1/generations/", **bearer(token)))
    # Staff keep working, so that they can lift it.
    for staff in everyone["staff"]:
        assert staff.get("/api/v1/me/").status_code == 200


def test_lifting_the_program_suspension_lets_everyone_back_on_the_next_request(everyone, admin_user, api):
    suspension = suspend(SuspensionScope.PROGRAM, Program.current())

    suspension_lift(actor=Actor(user=admin_user), suspension=suspension)

    for _, session, token in everyone["testers"]:
        assert session.get("/api/v1/me/").status_code == 200
        assert api.get("/api/v1/me/", **bearer(token)).status_code == 200


def test_a_suspended_cohort_stops_its_testers_and_no_one_else(everyone, cohort, api):
    suspend(SuspensionScope.COHORT, cohort)

    outcome = {user.email: refused(api.get("/api/v1/me/", **bearer(token))) for user, _, token in everyone["testers"]}

    assert outcome == {"aiko@vernissage.test": True, "bram@vernissage.test": True, "rosa@vernissage.test": False}


def test_a_suspended_tester_is_stopped_alone(everyone, artist, api):
    suspend(SuspensionScope.TESTER, artist)

    outcome = {user.email: refused(session.get("/api/v1/me/")) for user, session, _ in everyone["testers"]}

    assert outcome == {"aiko@vernissage.test": True, "bram@vernissage.test": False, "rosa@vernissage.test": False}


def test_a_suspended_token_is_stopped_alone(artist, api, as_artist):
    suspended, kept = issue_token(artist, name="one"), issue_token(artist, name="two")

    suspend(SuspensionScope.TOKEN, suspended.token)

    assert refused(api.get("/api/v1/me/", **bearer(suspended)))
    assert api.get("/api/v1/me/", **bearer(kept)).status_code == 200
    assert as_artist.get("/api/v1/me/").status_code == 200


def test_the_suspended_page_says_why(artist, as_artist):
    suspend(SuspensionScope.TESTER, artist)

    page = as_artist.get(reverse("accessprogram:access_suspended"))

    assert page.status_code == 200 and b"Your access to the program is suspended" in page.content


def test_is_suspended_covers_the_tester_their_cohort_and_the_program(artist, artist2, red_teamer, cohort, admin_user):
    assert not any(is_suspended(user) for user in (artist, artist2, red_teamer, admin_user))

    suspend(SuspensionScope.TESTER, artist)
    assert [is_suspended(u) for u in (artist, artist2, red_teamer)] == [True, False, False]

    suspend(SuspensionScope.COHORT, cohort)
    assert [is_suspended(u) for u in (artist, artist2, red_teamer)] == [True, True, False]

    suspend(SuspensionScope.PROGRAM, Program.current())
    assert [is_suspended(u) for u in (artist, artist2, red_teamer, admin_user)] == [True, True, True, False]


def test_a_suspension_cancels_the_scopes_queued_jobs_and_stops_its_running_ones(
    demo_generation_model, artist, artist2, red_teamer, cohort, other_cohort
):
    demo_generation_model.allowed_cohorts.add(other_cohort)
    queued = make_job(artist, demo_generation_model)
    running = make_job(artist2, demo_generation_model, status=JobStatus.RUNNING)
    elsewhere = make_job(red_teamer, demo_generation_model)

    suspend(SuspensionScope.COHORT, cohort)

    queued.refresh_from_db(), running.refresh_from_db(), elsewhere.refresh_from_db()
    assert queued.status == JobStatus.CANCELLED and queued.finished_at and "suspended" in queued.error
    assert running.status == JobStatus.RUNNING and running.cancel_requested_at is not None
    assert elsewhere.status == JobStatus.QUEUED and elsewhere.cancel_requested_at is None
    event = AuditEvent.objects.get(action="suspension.created")
    assert (event.details["queued_jobs_cancelled"], event.details["running_jobs_stopping"]) == (1, 1)


def test_the_worker_cancels_instead_of_running_a_job_whose_scope_was_suspended(
    demo_generation_model, artist, artist2, cohort
):
    suspend(SuspensionScope.TESTER, artist)
    # A job that slipped in after the suspension's own sweep (a submission racing it).
    late = make_job(artist, demo_generation_model)
    fine = make_job(artist2, demo_generation_model)

    claimed = generation_job_claim_next(worker="gpu0")

    assert claimed.pk == fine.pk
    late.refresh_from_db()
    assert late.status == JobStatus.CANCELLED and "suspended" in late.error
    assert generation_job_claim_next(worker="gpu0") is None


def test_the_worker_checks_the_jobs_token_too(demo_generation_model, artist):
    issued = issue_token(artist)
    suspend(SuspensionScope.TOKEN, issued.token)
    job = make_job(artist, demo_generation_model, token=issued.token)

    assert generation_job_claim_next(worker="gpu0") is None
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED


def test_staff_and_yourself_cannot_be_suspended(admin_user, reviewer):
    from accessprogram.errors import DomainError

    with pytest.raises(DomainError):
        suspend(SuspensionScope.TESTER, reviewer, by=admin_user)
    with pytest.raises(DomainError):
        suspend(SuspensionScope.TESTER, admin_user, by=admin_user)


def test_a_tester_cannot_suspend_anyone(artist, artist2):
    from accessprogram.errors import NotAllowed

    with pytest.raises(NotAllowed):
        suspend(SuspensionScope.TESTER, artist2, by=artist)


# The API ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scope", "target"),
    [
        ("tester", "AIKO@vernissage.test"),
        ("cohort", "founding artists"),
        ("program", ""),
        ("program", "Vernissage"),
    ],
)
def test_admins_suspend_by_name_through_the_api(as_admin, artist, scope, target):
    response = as_admin.post(API, {"scope": scope, "target": target, "reason": "Leak"}, content_type="application/json")

    assert response.status_code == 201, response.content
    assert response.json()["is_active"] and response.json()["scope"] == scope
    assert is_suspended(artist)
    event = AuditEvent.objects.get(action="suspension.created")
    assert event.actor_label == "ada@vernissage.test" and event.details["reason"] == "Leak"


def test_admins_suspend_a_token_by_id_and_lift_it(as_admin, artist, api):
    issued = issue_token(artist)
    created = as_admin.post(
        API,
        {"scope": "token", "target": str(issued.token.pk), "reason": "Seen on a public page"},
        content_type="application/json",
    )
    assert created.status_code == 201 and refused(api.get("/api/v1/me/", **bearer(issued)))

    lifted = as_admin.delete(f"{API}{created.json()['id']}/")

    assert lifted.status_code == 204
    assert api.get("/api/v1/me/", **bearer(issued)).status_code == 200
    assert as_admin.delete(f"{API}{created.json()['id']}/").status_code == 409
    assert AuditEvent.objects.filter(action="suspension.lifted").count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"scope": "tester", "target": "nobody@vernissage.test", "reason": "x"}, "target"),
        ({"scope": "cohort", "target": "No such cohort", "reason": "x"}, "target"),
        ({"scope": "token", "target": "99999", "reason": "x"}, "target"),
        ({"scope": "galaxy", "target": "x", "reason": "x"}, "scope"),
        ({"scope": "tester", "target": "aiko@vernissage.test", "reason": ""}, "reason"),
        ({"scope": "tester", "target": "", "reason": "x"}, "target"),
    ],
)
def test_bad_suspension_requests_get_field_errors(as_admin, artist, body, field):
    response = as_admin.post(API, body, content_type="application/json")

    assert response.status_code == 400 and field in response.json()["errors"]
    assert not Suspension.objects.exists()


def test_suspending_twice_is_a_conflict(as_admin, artist):
    body = {"scope": "tester", "target": artist.email, "reason": "x"}
    assert as_admin.post(API, body, content_type="application/json").status_code == 201

    response = as_admin.post(API, body, content_type="application/json")

    assert response.status_code == 409 and response.json()["code"] == "already_suspended"


def test_the_list_filters_active_and_lifted(as_admin, admin_user, artist, artist2):
    suspend(SuspensionScope.TESTER, artist)
    suspension_lift(actor=Actor(user=admin_user), suspension=suspend(SuspensionScope.TESTER, artist2))

    assert as_admin.get(API).json()["count"] == 2
    assert [s["target"] for s in as_admin.get(f"{API}?active=true").json()["results"]] == [artist.email]
    assert [s["target"] for s in as_admin.get(f"{API}?active=false").json()["results"]] == [artist2.email]


def test_only_program_admins_use_the_suspensions_api(as_reviewer, as_artist, artist):
    body = {"scope": "tester", "target": "bram@vernissage.test", "reason": "x"}
    for client in (as_reviewer, as_artist):
        assert client.get(API).status_code == 403
        assert client.post(API, body, content_type="application/json").status_code == 403


# Commands and the staff page --------------------------------------------------------------------------------------


def test_the_suspend_and_resume_commands(artist, capsys):
    call_command("suspend", "tester", artist.email, "--reason", "Shared their login")

    assert is_suspended(artist) and "Suspended aiko@vernissage.test" in capsys.readouterr().out
    assert AuditEvent.objects.get(action="suspension.created").actor_label == "system"

    call_command("resume", "tester", artist.email)

    assert not is_suspended(artist)


def test_the_commands_explain_bad_targets(artist):
    with pytest.raises(CommandError, match="No cohort name"):
        call_command("suspend", "cohort", "Nope", "--reason", "x")
    with pytest.raises(CommandError, match="not suspended"):
        call_command("resume", "tester", artist.email)


def test_the_program_suspended_from_the_command_line(artist):
    call_command("suspend", "program", "current", "--reason", "Incident")

    assert is_suspended(artist)


def test_admins_suspend_and_lift_on_the_staff_page(as_admin, artist):
    request = {"scope": "tester", "target": artist.email, "reason": "Proxy found"}
    asked = as_admin.post(reverse("accessprogram:suspension_list"), request)
    assert asked.status_code == 200 and "1 tester loses access" in asked.content.decode() and not is_suspended(artist)
    page = as_admin.post(reverse("accessprogram:suspension_list"), {**request, "confirm": "yes"})
    assert page.status_code == 302 and is_suspended(artist)
    listing = as_admin.get(reverse("accessprogram:suspension_list"))
    assert b"aiko@vernissage.test" in listing.content and b"Proxy found" in listing.content

    suspension = Suspension.objects.get()
    assert as_admin.post(reverse("accessprogram:suspension_lift", args=[suspension.pk])).status_code == 302
    assert not is_suspended(artist)


def test_the_staff_page_shows_errors_not_500(as_admin):
    response = as_admin.post(
        reverse("accessprogram:suspension_list"), {"scope": "tester", "target": "ghost@x.test", "reason": "x"}
    )

    assert response.status_code == 400 and "No tester e-mail" in response.content.decode()


def make_job(owner, model, *, status=JobStatus.QUEUED, token=None) -> GenerationJob:
    started_at = timezone.now() if status == JobStatus.RUNNING else None
    return make_any_job(owner, model, token=token, prompt="a lighthouse", status=status, started_at=started_at)


def test_the_reach_counts_testers_tokens_and_jobs_by_the_suspensions_own_rule(
    demo_generation_model, admin_user, artist, artist2, red_teamer, cohort, other_cohort
):
    demo_generation_model.allowed_cohorts.add(other_cohort)
    token = issue_token(artist).token
    issue_token(red_teamer)
    make_job(artist, demo_generation_model)
    make_job(artist2, demo_generation_model, status=JobStatus.RUNNING)
    make_job(red_teamer, demo_generation_model)
    admin = Actor(user=admin_user)

    assert suspension_reach_count(actor=admin, scope="cohort", target=cohort) == SuspensionReach(
        testers=2, tokens=1, queued=1, running=1
    )
    assert suspension_reach_count(actor=admin, scope="tester", target=artist2) == SuspensionReach(
        testers=1, tokens=0, queued=0, running=1
    )
    assert suspension_reach_count(actor=admin, scope="token", target=token) == SuspensionReach(
        testers=0, tokens=1, queued=0, running=0
    )
    assert suspension_reach_count(actor=admin, scope="program", target=Program.current()) == SuspensionReach(
        testers=3, tokens=2, queued=2, running=1
    )
    # Counting changed nothing: no suspension, no stopped job, no audit row.
    assert not Suspension.objects.exists() and not AuditEvent.objects.filter(action="suspension.created").exists()
    assert GenerationJob.objects.filter(status=JobStatus.CANCELLED).count() == 0
    suspend(SuspensionScope.COHORT, cohort)
    with pytest.raises(Conflict):
        suspension_reach_count(actor=admin, scope="cohort", target=cohort)
    with pytest.raises(NotAllowed):
        suspension_reach_count(actor=Actor(user=artist), scope="cohort", target=other_cohort)


@pytest.mark.parametrize(
    "target, error",
    [
        ("", "type the program"),
        ("current", "type the program"),
        ("vernissage", "type the program"),  # the name exactly, not near enough
    ],
)
def test_the_whole_program_is_suspended_on_the_page_only_by_typing_its_name(as_admin, artist, target, error):
    response = as_admin.post(
        reverse("accessprogram:suspension_list"),
        {"scope": "program", "target": target, "reason": "Incident", "confirm": "yes"},
    )

    assert response.status_code == 400 and error in response.content.decode()
    assert not Suspension.objects.exists() and not is_suspended(artist)


def test_the_whole_program_suspended_on_the_page_after_typing_its_name_and_confirming(as_admin, artist, artist2):
    request = {"scope": "program", "target": Program.current().name, "reason": "Incident"}
    asked = as_admin.post(reverse("accessprogram:suspension_list"), request).content.decode()
    assert "2 testers lose access" in asked and f'value="{Program.current().name}"' in asked
    assert not is_suspended(artist)

    as_admin.post(reverse("accessprogram:suspension_list"), {**request, "confirm": "yes"})

    assert is_suspended(artist) and is_suspended(artist2)


@pytest.mark.parametrize("scope", ["token", "tester", "cohort"])
def test_an_empty_target_on_the_page_is_a_form_error(as_admin, artist, scope):
    response = as_admin.post(
        reverse("accessprogram:suspension_list"), {"scope": scope, "target": " ", "reason": "x", "confirm": "yes"}
    )

    assert response.status_code == 400 and not Suspension.objects.exists()
