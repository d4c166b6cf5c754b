"""Submitting jobs: bounds from cohort and model, field-by-field errors, quotas and the active-job cap."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accessprogram.models import QuotaUnit
from generation.models import GenerationJob, JobStatus
from tests.conftest import make_job

URL = "/api/v1/generations/"


def submit(client, **fields):
    body = {
        "prompt": "a paper boat on a stormy sea",
        "resolution": "256p",
        "aspect_ratio": "1:1",
        "num_frames": 17,
        "steps": 4,
        **fields,
    }
    body = {key: value for key, value in body.items() if value is not None}
    return client.post(URL, body, content_type="application/json")


@pytest.fixture
def ready(demo_generation_model, artist):
    return demo_generation_model


def test_it_queues_a_valid_job_with_every_parameter_recorded(
    ready, as_artist, artist, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = submit(as_artist, seed=42, guidance=4.5, negative_prompt="blurry")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "queued" and body["seed"] == 42 and body["guidance"] == 4.5
    assert (body["width"], body["height"], body["num_frames"], body["fps"]) == (256, 256, 17, 16)
    job = GenerationJob.objects.get(pk=body["id"])
    assert job.owner == artist and job.negative_prompt == "blurry"
    assert len(callbacks) == 1, "the job is enqueued once, after commit"


def test_it_records_a_random_seed_when_none_is_given(ready, as_artist):
    seeds = {submit(as_artist).json()["seed"] for _ in range(3)}
    assert len(seeds) == 3


def test_it_snaps_frames_to_what_the_family_accepts(ready, as_artist):
    assert submit(as_artist, num_frames=18).json()["num_frames"] == 17
    body = submit(as_artist, num_frames=None, duration_seconds=2.0).json()
    assert body["num_frames"] == 33


@pytest.mark.parametrize(
    ("fields", "bad_field"),
    [
        ({"prompt": ""}, "prompt"),
        ({"prompt": "x" * 2001}, "prompt"),
        ({"negative_prompt": "x" * 2001}, "negative_prompt"),
        ({"resolution": "4k"}, "resolution"),
        ({"resolution": "1080p"}, "resolution"),
        ({"aspect_ratio": "4:3"}, "aspect_ratio"),
        ({"steps": 0}, "steps"),
        ({"steps": 21}, "steps"),
        ({"guidance": -1}, "guidance"),
        ({"guidance": 99}, "guidance"),
        ({"seed": -5}, "seed"),
        ({"seed": 2**40}, "seed"),
        ({"num_frames": 500}, "num_frames"),
        ({"num_frames": None, "duration_seconds": 60}, "duration_seconds"),
        ({"model": "no-such-model"}, "model"),
        ({"steps": "many"}, "steps"),
        ({"num_frames": 17, "duration_seconds": 1}, "num_frames"),
    ],
)
def test_it_refuses_bad_input_field_by_field(ready, as_artist, fields, bad_field):
    body = {"prompt": "a boat", "resolution": "256p", "aspect_ratio": "1:1", "num_frames": 17, "steps": 4}
    body.update(fields)
    body = {key: value for key, value in body.items() if value is not None}
    response = as_artist.post(URL, body, content_type="application/json")
    assert response.status_code == 400, response.content
    assert bad_field in response.json()["errors"], response.json()
    assert GenerationJob.objects.count() == 0


def test_it_refuses_malformed_json(ready, as_artist):
    response = as_artist.post(URL, "{not json", content_type="application/json")
    assert response.status_code == 400


def test_it_refuses_a_model_the_cohort_may_not_use(ready, as_artist):
    from generation.models import GenerationModel

    GenerationModel.objects.create(name="Secret", family="wan", directory="secret", version="1")
    response = submit(as_artist, model="Secret")
    assert response.status_code == 400 and "model" in response.json()["errors"]


def test_it_caps_queued_and_running_jobs_per_tester(ready, as_artist, cohort):
    cohort.max_active_jobs = 2
    cohort.save()
    assert submit(as_artist).status_code == 201
    assert submit(as_artist).status_code == 201
    response = submit(as_artist)
    assert response.status_code == 429
    assert response.json()["code"] == "too_many_active_jobs"
    assert "Retry-After" in response.headers


def test_it_refuses_over_quota_with_the_reset_time(ready, as_artist, artist, cohort):
    cohort.quota_amount = 10
    cohort.save()
    make_job(artist, ready, status=JobStatus.SUCCEEDED, gpu_seconds=10.5)
    response = submit(as_artist)
    assert response.status_code == 429
    body = response.json()
    assert body["code"] == "quota_exceeded" and body["resets_at"]
    assert int(response.headers["Retry-After"]) > 0


def test_video_seconds_quota_counts_queued_work(ready, as_artist, cohort):
    cohort.quota_unit = QuotaUnit.VIDEO_SECONDS
    cohort.quota_amount = 2
    cohort.max_active_jobs = 10
    cohort.save()
    assert submit(as_artist, num_frames=17).status_code == 201  # 17 frames at 16 fps ≈ 1.06 s
    assert submit(as_artist, num_frames=17).status_code == 429


def test_me_reports_quota_left_and_reset(ready, as_artist):
    submit(as_artist)
    quota = as_artist.get("/api/v1/me/").json()["quota"]
    assert quota["limit"] == 3600 and quota["remaining"] <= 3600 and quota["resets_at"]


def test_a_paused_cohort_cannot_generate(ready, as_artist, cohort):
    cohort.is_active = False
    cohort.save()
    response = submit(as_artist)
    assert response.status_code == 403 and response.json()["code"] == "cohort_paused"


def test_staff_cannot_submit(ready, as_reviewer):
    assert submit(as_reviewer).status_code == 403


def test_the_portal_form_shows_errors_not_500(ready, as_artist):
    response = as_artist.post(
        reverse("generation:generate"),
        {"prompt": "", "resolution": "1080p", "aspect_ratio": "1:1", "duration_seconds": "abc", "model": ready.pk},
    )
    assert response.status_code == 400
    assert GenerationJob.objects.count() == 0


def test_the_portal_form_queues_a_job(ready, as_artist):
    response = as_artist.post(
        reverse("generation:generate"),
        {
            "prompt": "a kite",
            "resolution": "256p",
            "aspect_ratio": "16:9",
            "duration_seconds": "1",
            "model": ready.pk,
            "steps": "4",
        },
    )
    assert response.status_code == 302
    job = GenerationJob.objects.get()
    assert (job.width, job.height, job.num_frames) == (448, 256, 17)


def test_wan_presets_use_its_native_sizes():
    from generation.services.presets import FrameSize, frame_size

    assert frame_size("480p", "16:9", "wan") == FrameSize(832, 480)
    assert frame_size("480p", "9:16", "wan") == FrameSize(480, 832)
    assert frame_size("720p", "16:9", "wan") == FrameSize(1280, 720)
    assert frame_size("480p", "16:9", "ltx") == FrameSize(864, 480)
    assert frame_size("480p", "16:9", "wan-i2v") == FrameSize(832, 480), "image to video keeps Wan's sizes"
