"""The worker's _store_output puts every output it stores into the review queue, in the same transaction."""

from __future__ import annotations

import pytest

from accessprogram.models import AuditEvent
from generation.models import JobStatus
from review.models import Review
from tests.conftest import make_job


@pytest.fixture
def running_job(artist, demo_generation_model):
    return make_job(
        artist, demo_generation_model, prompt="a harbour in fog", seed=3, status=JobStatus.RUNNING, attempts=1
    )


def test_a_stored_output_is_pending_review_with_an_open_review(running_job, monkeypatch, tmp_path):
    execution = pytest.importorskip("generation.services.execution")
    from generation.engine.encode import VideoMeta
    from generation.engine.render import RenderedOutput

    def fake_render(frames, fps, *, output_short_id, payload_id, workdir, checkpoint=None, forensic_mark="tile"):
        video, poster = workdir / "video.mp4", workdir / "poster.jpg"
        video.write_bytes(b"\x00\x00\x00\x18ftypmp42rendered")
        poster.write_bytes(b"\xff\xd8\xff\xe0")
        meta = VideoMeta(
            sha256="1" * 64, size_bytes=20, duration_seconds=1.06, fps=fps, width=256, height=256, frame_count=17
        )
        return RenderedOutput(video, poster, meta)

    monkeypatch.setattr(execution, "render_output", fake_render)
    execution._store_output(running_job, frames=None, gpu_seconds=1.0)

    running_job.refresh_from_db()
    assert running_job.status == JobStatus.SUCCEEDED
    output = running_job.output
    assert output.review_status == "pending"
    assert Review.objects.get(output=output).state == "pending"
    assert AuditEvent.objects.filter(action="review.queued", target_id=str(output.pk)).exists()
