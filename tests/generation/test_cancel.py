"""Cancelling: at once while queued, at the next step while running, refused once finished."""

from __future__ import annotations

from generation.models import GenerationJob, JobStatus
from generation.services.scheduling import generation_job_claim_next
from tests.generation.test_scheduling import queue


def test_cancelling_a_queued_job_ends_it_now(demo_generation_model, artist, as_artist):
    (job,) = queue(artist, demo_generation_model, 1)
    response = as_artist.post(f"/api/v1/generations/{job.pk}/cancel/")
    assert response.status_code == 200 and response.json()["status"] == "cancelled"


def test_cancelling_a_running_job_asks_the_worker_to_stop(demo_generation_model, artist, as_artist):
    (job,) = queue(artist, demo_generation_model, 1)
    generation_job_claim_next(worker="gpu0")
    body = as_artist.post(f"/api/v1/generations/{job.pk}/cancel/").json()
    assert body["status"] == "running" and body["cancel_requested_at"]


def test_a_finished_job_cannot_be_cancelled(demo_generation_model, artist, as_artist):
    (job,) = queue(artist, demo_generation_model, 1, status=JobStatus.SUCCEEDED)
    response = as_artist.post(f"/api/v1/generations/{job.pk}/cancel/")
    assert response.status_code == 409 and response.json()["code"] == "job_finished"


def test_nobody_else_can_cancel_or_see_a_job(demo_generation_model, artist, artist2):
    from tests.conftest import client_for

    (job,) = queue(artist, demo_generation_model, 1)
    other = client_for(artist2)
    assert other.post(f"/api/v1/generations/{job.pk}/cancel/").status_code == 404
    assert other.get(f"/api/v1/generations/{job.pk}/").status_code == 404
    assert GenerationJob.objects.get(pk=job.pk).status == JobStatus.QUEUED


def test_a_malformed_job_id_is_a_404(artist, as_artist):
    assert as_artist.get("/api/v1/generations/not-a-uuid/").status_code == 404
