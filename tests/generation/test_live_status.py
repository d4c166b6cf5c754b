"""The pages' live state: the queue place and estimate, the phases, and the finished card, player and budget
from one cheap poll that a page left open for half an hour can keep asking without looking like a leak."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accessprogram.models import Suspension
from accessprogram.services import watch
from generation.models import GenerationJob, JobPhase, JobStatus
from generation.views.live import (
    POLL_QUEUED_MAX_SECONDS,
    POLL_QUEUED_MIN_SECONDS,
    POLL_RUNNING_SECONDS,
    POLL_SOON_SECONDS,
    SOON_AFTER_START_SECONDS,
    SOON_AFTER_SUBMIT_SECONDS,
)
from tests.conftest import make_job, make_output

pytestmark = pytest.mark.django_db
STATUS = reverse("generation:library_status")


def poll(client, *jobs) -> dict:
    response = client.get(STATUS, {"ids": ",".join(str(job.pk) for job in jobs)})
    assert response.status_code == 200
    return response.json()


def running_job(owner, model, **fields):
    now = timezone.now()
    fields = {"status": JobStatus.RUNNING, "started_at": now, "heartbeat_at": now, "worker": "gpu0"} | fields
    return make_job(owner, model, **fields)


def test_a_queued_job_reports_its_place_and_estimate(artist, as_artist, demo_generation_model):
    job = make_job(artist, demo_generation_model)

    body = poll(as_artist, job)

    state = body["jobs"][0]
    assert state["queue_position"] == 1 and state["estimated_start"] and state["estimated_finish"]
    assert state["queue_label"].startswith("Next in line. Starts within a minute, ready about ")
    assert "No GPU worker is online" in state["queue_label"]
    assert state["phase_index"] == 0
    # Fresh and first in line, its start is due: the page asks every second until it starts.
    assert body["next_poll_seconds"] == POLL_SOON_SECONDS
    assert "card_html" not in state and "quota_html" not in body


def test_a_job_after_denoising_shows_its_phase_as_a_step(artist, as_artist, demo_generation_model):
    job = running_job(artist, demo_generation_model, phase=JobPhase.ENCODING, progress_step=4)

    state = poll(as_artist, job)["jobs"][0]
    page = as_artist.get(reverse("generation:job_detail", args=[job.pk])).content.decode()

    assert state["phase"] == "encoding" and state["phase_label"] == "Encoding" and state["queue_position"] is None
    assert '<li class="done" data-phase="denoising">' in page
    assert '<li class="current" data-phase="encoding">' in page
    assert '<li class="todo" data-phase="storing">' in page


def test_a_job_cancelled_in_the_queue_stopped_at_queued(artist, as_artist, demo_generation_model):
    job = make_job(artist, demo_generation_model, status=JobStatus.CANCELLED, error="Cancelled by its owner.")

    page = as_artist.get(reverse("generation:job_detail", args=[job.pk])).content.decode()

    assert '<li class="stopped" data-phase="queued">' in page
    assert '<li class="todo" data-phase="denoising">' in page


def test_a_finished_job_brings_its_card_player_and_budget(artist, as_artist, demo_generation_model):
    output = make_output(artist, demo_generation_model)

    body = poll(as_artist, output.job)

    state = body["jobs"][0]
    assert body["next_poll_seconds"] is None
    assert reverse("generation:output_video", args=[output.pk]) in state["card_html"]
    assert "Pending review" in state["card_html"] and "Queued" not in state["card_html"]
    assert f"{reverse('generation:output_video', args=[output.pk])}?download=1" in state["player_html"]
    assert "Pending review" in state["player_html"]
    assert "Budget left" in body["quota_html"]


def test_the_poll_costs_the_same_queries_for_one_job_or_many(artist, as_artist, demo_generation_model):
    def queries_for(jobs) -> int:
        poll(as_artist, *jobs)  # the service profile is now cached, as it is for every poll after the first
        with CaptureQueriesContext(connection) as captured:
            poll(as_artist, *jobs)
        return len(captured)

    one = [running_job(artist, demo_generation_model), make_job(artist, demo_generation_model)]
    few = queries_for(one)
    many = one + [make_job(artist, demo_generation_model) for _ in range(7)]
    many += [make_output(artist, demo_generation_model).job for _ in range(3)]

    assert queries_for(many) == few + 1, "the budget box, once, because some of them finished"
    assert few <= 13, f"{few} queries: the session and program gate, then the jobs and the queue"


def test_the_page_asks_every_second_only_around_a_start(artist, as_artist, demo_generation_model):
    long_ago = timezone.now() - timezone.timedelta(seconds=SOON_AFTER_SUBMIT_SECONDS + 1)
    stale = make_job(artist, demo_generation_model)
    GenerationJob.objects.filter(pk=stale.pk).update(created_at=long_ago)
    assert POLL_QUEUED_MIN_SECONDS <= poll(as_artist, stale)["next_poll_seconds"] <= POLL_QUEUED_MAX_SECONDS

    fresh = running_job(artist, demo_generation_model)
    assert poll(as_artist, fresh)["next_poll_seconds"] == POLL_SOON_SECONDS
    settled = timezone.now() - timezone.timedelta(seconds=SOON_AFTER_START_SECONDS + 1)
    GenerationJob.objects.filter(pk=fresh.pk).update(started_at=settled)
    assert poll(as_artist, fresh)["next_poll_seconds"] == POLL_RUNNING_SECONDS


def test_a_page_left_open_half_an_hour_is_no_leak_signal(artist, as_artist, demo_generation_model, monkeypatch):
    # Given the library open on a job that runs the whole time, past its first half minute (the cadence the server
    # asks for from then on)
    job = running_job(artist, demo_generation_model, started_at=timezone.now() - timezone.timedelta(minutes=1))
    simulated = {"now": 1_000_000.0}
    monkeypatch.setattr(watch, "clock", lambda: simulated["now"])
    assert as_artist.get(reverse("generation:library")).status_code == 200

    # When its script polls at the pace the server sets, for 30 simulated minutes
    polls = 0
    while simulated["now"] < 1_000_000.0 + 30 * 60:
        body = poll(as_artist, job)
        assert body["next_poll_seconds"] == POLL_RUNNING_SECONDS
        simulated["now"] += body["next_poll_seconds"]
        polls += 1

    # Then nothing is contained, and the page still works
    assert polls == 30 * 60 // POLL_RUNNING_SECONDS
    assert not Suspension.objects.exists()
    assert as_artist.get(reverse("generation:library")).status_code == 200


def test_the_api_reports_position_and_estimates_while_queued_only(
    artist, as_artist, demo_generation_model, artist_output
):
    queued = make_job(artist, demo_generation_model)

    waiting = as_artist.get(f"/api/v1/generations/{queued.pk}/").json()
    done = as_artist.get(f"/api/v1/generations/{artist_output.job_id}/").json()
    listed = {job["id"]: job for job in as_artist.get("/api/v1/generations/").json()["results"]}
    schema = as_artist.get("/api/schema/", HTTP_ACCEPT="application/json").json()

    assert waiting["queue_position"] == 1 and waiting["estimated_start"] < waiting["estimated_finish"]
    assert waiting["phase"] == "waiting"
    assert done["queue_position"] is None and done["estimated_start"] is None and done["estimated_finish"] is None
    assert listed[str(queued.pk)]["queue_position"] == 1
    fields = schema["components"]["schemas"]["GenerationJob"]["properties"]
    assert {"queue_position", "estimated_start", "estimated_finish"} <= set(fields)
    assert fields["estimated_start"]["format"] == "date-time"
