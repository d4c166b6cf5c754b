"""A real GPU worker process obeys a kill switch: the suspended cohort's jobs stop, another cohort's complete."""

from __future__ import annotations

import time

import pytest

from accessprogram.models import SuspensionScope
from accessprogram.services.context import Actor
from accessprogram.services.suspensions import suspension_create
from generation.models import GenerationJob, JobStatus, Output
from tests.conftest import client_for

# The real-worker fixtures of the generation tests (a fixture is found where it is imported).
from tests.generation.conftest import demo_models_dir, start_worker, wait_for, wait_for_terminal  # noqa: F401

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def submit(client, steps: int) -> str:
    body = {"prompt": "a lighthouse", "resolution": "256p", "aspect_ratio": "1:1", "num_frames": 17, "steps": steps}
    response = client.post("/api/v1/generations/", body, content_type="application/json")
    assert response.status_code == 201, response.content
    return response.json()["id"]


def test_a_suspended_cohort_stops_at_once_while_another_cohorts_jobs_complete(
    start_worker,  # noqa: F811 -- the fixture imported above
    demo_generation_model,
    admin_user,
    artist,
    red_teamer,
    other_cohort,  # noqa: F811
):
    demo_generation_model.allowed_cohorts.add(other_cohort)
    demo_generation_model.max_steps = 400
    demo_generation_model.save()
    # Given a long job running for the first cohort, another of its jobs queued, and one of another cohort's.
    running = submit(client_for(artist), steps=400)
    queued = submit(client_for(artist), steps=4)
    elsewhere = submit(client_for(red_teamer), steps=4)
    worker = start_worker()
    wait_for(
        lambda: GenerationJob.objects.filter(pk=running, status=JobStatus.RUNNING, progress_step__gte=1).exists(),
        timeout=90,
        message="the long job to start denoising",
    )

    # When the first cohort is suspended...
    suspended_at = time.monotonic()
    suspension_create(
        actor=Actor(user=admin_user),
        scope=SuspensionScope.COHORT,
        target=artist.tester_membership.cohort,
        reason="Leak",
    )

    # ...its queued job is already cancelled and its running job stops at its next step, within a second or so.
    assert GenerationJob.objects.get(pk=queued).status == JobStatus.CANCELLED
    wait_for(
        lambda: GenerationJob.objects.filter(pk=running, status=JobStatus.CANCELLED).exists(),
        timeout=10,
        interval=0.05,
        message="the running job to stop",
    )
    stopped_after = time.monotonic() - suspended_at
    assert stopped_after < 3, f"the running job took {stopped_after:.2f} s to stop"
    # The other cohort's job still runs to the end.
    jobs = {job.pk.hex: job for job in wait_for_terminal([running, queued, elsewhere], timeout=120, worker=worker)}
    assert jobs[elsewhere.replace("-", "")].status == JobStatus.SUCCEEDED, worker.output()
    assert jobs[running.replace("-", "")].progress_step < 400
    assert list(Output.objects.values_list("job_id", flat=True)) == [jobs[elsewhere.replace("-", "")].pk]
