"""Image to video on the real path: a multipart API submit with a still -> Redis -> a Celery worker process
running the demo image-to-video model -> a real MP4 whose first frame is the still."""

from __future__ import annotations

import io

import numpy as np
import pytest
from django.core.files.storage import default_storage
from PIL import Image

from generation.engine.encode import read_frames
from generation.engine.runner import fit_to_frame
from generation.models import JobStatus, Output
from tests.conftest import still_bytes, still_upload
from tests.generation.conftest import wait_for_terminal

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def correlation(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.corrcoef(a.astype(float).ravel(), b.astype(float).ravel())[0, 1])


def test_a_still_becomes_the_first_frame_of_a_video_made_by_a_real_worker(
    start_worker, demo_image_model, artist, as_artist, tmp_path
):
    response = as_artist.post(
        "/api/v1/generations/",
        {
            "prompt": "the boats leave the harbour",
            "model": demo_image_model.name,
            "resolution": "256p",
            "aspect_ratio": "1:1",
            "num_frames": 17,
            "steps": 4,
            "seed": 11,
            "image": still_upload(still_bytes("PNG", size=(384, 256))),
        },
    )
    assert response.status_code == 201, response.content
    job_id = response.json()["id"]
    worker = start_worker()
    (job,) = wait_for_terminal([job_id], worker=worker, timeout=180)
    assert job.status == JobStatus.SUCCEEDED, (job.error, worker.output())

    output = Output.objects.get(job=job)
    still = job.input_image
    assert output.parameters["input_image"] == still.record, "the still is part of the output's record"

    local = tmp_path / "out.mp4"
    with default_storage.open(output.video_key, "rb") as stored:
        local.write_bytes(stored.read())
    frames = read_frames(local)
    assert frames.shape == (17, 256, 256, 3)
    with default_storage.open(still.key, "rb") as handle:
        expected = fit_to_frame(np.asarray(Image.open(io.BytesIO(handle.read())).convert("RGB")), width=256, height=256)
    # Through the marks and H.264 the first frame is still the still, and nothing like its mirror image.
    assert correlation(frames[0], expected) > 0.9
    assert correlation(frames[0], expected[:, ::-1]) < 0.5
    assert np.abs(frames[0].astype(int) - expected).mean() < 12
