"""A real GPU worker process obeys the credential watch: a contained front end's running job stops at once,
whether it held a portal session or a token, while a bystander's job renders to the end."""

from __future__ import annotations

import time

import pytest

from generation.models import GenerationJob, JobStatus, Output
from tests.accessprogram.conftest import bearer, issue_token
from tests.conftest import client_for, headless_client

# The real-worker fixtures of the generation tests (a fixture is found where it is imported).
from tests.generation.conftest import demo_models_dir, start_worker, wait_for, wait_for_terminal  # noqa: F401

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
LONG = {"prompt": "a lighthouse", "resolution": "256p", "aspect_ratio": "1:1", "num_frames": 17, "steps": 400}
SHORT = {**LONG, "steps": 4}


def _stops_within_seconds(job_id: str) -> float:
    started = time.monotonic()
    wait_for(
        lambda: GenerationJob.objects.filter(pk=job_id, status=JobStatus.CANCELLED).exists(),
        timeout=10,
        interval=0.05,
        message="the contained front end's running job to stop",
    )
    return time.monotonic() - started


@pytest.mark.parametrize("credential", ["session", "token"])
def test_a_contained_front_end_stops_its_running_job_and_a_bystanders_job_completes(
    credential,
    start_worker,  # noqa: F811 -- the fixture imported above
    demo_generation_model,
    admin_user,
    artist,
    artist2,
    cohort,
):
    cohort.max_active_jobs = 50
    cohort.save()
    demo_generation_model.max_steps = 400
    demo_generation_model.save()
    if credential == "session":
        front_end = headless_client(HTTP_USER_AGENT="python-requests/2.32.3")
        front_end.force_login(artist)
        extra = {}
    else:
        front_end = client_for(None)
        extra = bearer(issue_token(artist))

    # Given the front end's first visitor's long job rendering, and a bystander's job queued behind it
    first = front_end.post("/api/v1/generations/", LONG, content_type="application/json", **extra)
    assert first.status_code == 201, first.content
    bystander = client_for(artist2).post("/api/v1/generations/", SHORT, content_type="application/json").json()["id"]
    worker = start_worker()
    wait_for(
        lambda: GenerationJob.objects.filter(pk=first.json()["id"], progress_step__gte=1).exists(),
        timeout=90,
        message="the front end's job to start denoising",
    )

    # When the front end keeps serving its crowd until the watch contains it
    statuses = []
    for n in range(8):
        answer = front_end.post(
            "/api/v1/generations/", {**SHORT, "prompt": f"visitor {n}"}, content_type="application/json", **extra
        )
        statuses.append(answer.status_code)
        if answer.status_code == 403:
            break

    # Then its running job stops within seconds, nothing of it is stored, and the bystander's job completes
    assert statuses[-1] == 403, statuses
    assert _stops_within_seconds(first.json()["id"]) < 3
    jobs = wait_for_terminal([bystander], timeout=120, worker=worker)
    assert jobs[0].status == JobStatus.SUCCEEDED, worker.output()
    assert list(Output.objects.values_list("owner_id", flat=True)) == [artist2.pk]
