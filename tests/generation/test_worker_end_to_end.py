"""The real path: API submit -> Redis -> a Celery worker process running the demo model -> a real MP4.

Slow by nature (each test starts real worker processes), so it holds few, thorough tests.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from django.core.files.storage import default_storage

from accessprogram.services.context import Actor
from generation.engine.encode import probe_video, read_frames
from generation.models import GenerationJob, JobStatus, Output, ReviewStatus
from generation.services.reconcile import generation_jobs_reconcile
from generation.services.trace import trace_clip
from tests.generation.conftest import wait_for, wait_for_terminal

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def submit(client, **fields) -> str:
    body = {
        "prompt": "a lighthouse in a storm, cinematic",
        "resolution": "256p",
        "aspect_ratio": "1:1",
        "num_frames": 17,
        "steps": 4,
        **fields,
    }
    response = client.post("/api/v1/generations/", body, content_type="application/json")
    assert response.status_code == 201, response.content
    return response.json()["id"]


def test_a_job_runs_on_a_real_worker_and_its_video_traces_back_to_the_tester(
    start_worker, demo_generation_model, artist, as_artist, tmp_path
):
    job_id = submit(as_artist, seed=1234)
    worker = start_worker()
    (job,) = wait_for_terminal([job_id], worker=worker)
    assert job.status == JobStatus.SUCCEEDED, (job.error, worker.output())
    assert job.progress_step == job.progress_total == 4 and job.gpu_seconds > 0 and job.worker

    output = Output.objects.get(job=job)
    assert output.review_status == ReviewStatus.PENDING and output.owner == artist
    assert (output.width, output.height, output.frame_count, output.seed) == (256, 256, 17, 1234)
    assert output.parameters["prompt"] == job.prompt and output.model_version == "demo-1"

    # The stored file is a real H.264 MP4 that a browser can start before it has the whole file.
    local = tmp_path / "out.mp4"
    with default_storage.open(output.video_key, "rb") as stored:
        local.write_bytes(stored.read())
    probe = probe_video(local)
    assert probe.codec == "h264" and probe.pixel_format == "yuv420p" and probe.moov_before_mdat
    assert read_frames(local).shape == (17, 256, 256, 3)

    traced = trace_clip(actor=Actor.system(), path=local)
    assert traced.found and traced.output.pk == output.pk and traced.output.owner == artist

    # The owner plays it with seeking (HTTP Range); the API reports the finished job.
    as_artist.get(f"/generations/{job_id}/")
    response = as_artist.get(f"/api/v1/outputs/{output.pk}/media/", HTTP_RANGE="bytes=0-99")
    assert response.status_code == 206 and len(b"".join(response.streaming_content)) == 100
    body = as_artist.get(f"/api/v1/generations/{job_id}/").json()
    assert body["status"] == "succeeded" and body["output"]["id"] == str(output.pk)


def test_cancel_stops_a_running_job_at_the_next_step(start_worker, demo_generation_model, artist, as_artist):
    demo_generation_model.max_steps = 400
    demo_generation_model.save()
    job_id = submit(as_artist, steps=400)
    worker = start_worker()
    wait_for(
        lambda: GenerationJob.objects.filter(pk=job_id, status=JobStatus.RUNNING, progress_step__gte=1).exists(),
        timeout=60,
        message="the job to start denoising",
    )
    assert as_artist.post(f"/api/v1/generations/{job_id}/cancel/").status_code == 200
    (job,) = wait_for_terminal([job_id], timeout=60, worker=worker)
    assert job.status == JobStatus.CANCELLED and job.progress_step < 400
    assert not Output.objects.filter(job=job).exists()


def test_a_worker_killed_mid_job_leaves_exactly_one_outcome(
    start_worker, demo_generation_model, artist, as_artist, settings
):
    demo_generation_model.max_steps = 400
    demo_generation_model.save()
    job_id = submit(as_artist, steps=60)
    doomed = start_worker("gpu0")
    wait_for(
        lambda: GenerationJob.objects.filter(pk=job_id, status=JobStatus.RUNNING, progress_step__gte=1).exists(),
        timeout=60,
        message="the job to start denoising",
    )
    doomed.kill()

    # The reconciler notices the silent worker, puts the job back and re-sends its lost message.
    settings.GENERATION_STALE_SECONDS = 1
    time.sleep(1.5)
    report = generation_jobs_reconcile()
    assert report.requeued == 1 and report.messages_sent == 1

    survivor = start_worker("gpu1")
    (job,) = wait_for_terminal([job_id], timeout=240, worker=survivor)  # the survivor loads and warms first
    assert job.status == JobStatus.SUCCEEDED and job.attempts == 2, (job.error, survivor.output())
    assert Output.objects.filter(job=job).count() == 1
    stored = default_storage.listdir(f"outputs/{job.pk}")[1]
    assert sorted(stored) == ["poster.jpg", "video.mp4"]


def test_every_job_ends_once_with_two_workers(start_worker, demo_generation_model, artist, artist2, as_artist):
    from tests.conftest import client_for

    other = client_for(artist2)
    ids = [submit(as_artist, seed=i) for i in range(2)] + [submit(other, seed=9)]
    workers = [start_worker("gpu0"), start_worker("gpu1")]
    jobs = wait_for_terminal(ids, timeout=180, worker=workers[0])
    assert {job.status for job in jobs} == {JobStatus.SUCCEEDED}
    assert Output.objects.filter(job_id__in=ids).count() == 3
    assert len(set(Output.objects.values_list("forensic_id", flat=True))) == 3
    assert Path(default_storage.path(Output.objects.first().video_key)).is_file()
