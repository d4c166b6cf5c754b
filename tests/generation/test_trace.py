"""Tracing clips to their output and tester: the command, and the staff page that hands decoding to a worker."""

from __future__ import annotations

import json

import numpy as np
import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from generation.engine.encode import encode_mp4
from generation.engine.render import render_output
from generation.models import TraceRequest
from generation.services.trace import trace_request_run
from tests.conftest import make_output
from tests.generation.engine.helpers import reencode


def camera_like_frames(count: int = 17, size: int = 256) -> np.ndarray:
    """Smooth, textured frames: what the mark is built for (the demo model renders noise)."""
    rng = np.random.default_rng(7)
    y, x = np.mgrid[0:size, 0:size] / size
    frames = []
    for t in range(count):
        base = np.stack([np.sin(6 * x + t / 5), np.cos(5 * y - t / 7), np.sin(4 * (x + y))], axis=-1)
        frames.append(np.clip(127 + 90 * base + rng.normal(0, 4, base.shape), 0, 255).astype(np.uint8))
    return np.stack(frames)


@pytest.fixture
def marked_clip(tmp_path, demo_generation_model, artist):
    output = make_output(artist, demo_generation_model)
    rendered = render_output(
        camera_like_frames(), 16, output_short_id=output.short_id, payload_id=output.forensic_id, workdir=tmp_path
    )
    return output, rendered.video_path


def test_trace_video_names_the_output_and_tester(marked_clip, capsys):
    output, clip = marked_clip
    call_command("trace_video", str(clip))
    printed = capsys.readouterr().out
    assert str(output.pk) in printed and output.owner.email in printed


def test_trace_video_names_the_output_from_an_upscaled_excerpt_reencoded_at_crf_28(marked_clip, tmp_path, capsys):
    output, clip = marked_clip
    reencode(clip, tmp_path / "leak.mp4", crf=28, scale=1.5, max_seconds=0.75)
    call_command("trace_video", str(tmp_path / "leak.mp4"))
    printed = capsys.readouterr().out
    assert str(output.pk) in printed and output.owner.email in printed


def test_trace_video_json_prints_one_object_naming_output_job_tester_and_token(marked_clip, capsys):
    output, clip = marked_clip
    call_command("trace_video", str(clip), "--json")
    printed = json.loads(capsys.readouterr().out)
    assert set(printed) == {"found", "output", "job", "tester", "token", "confidence", "seconds"}
    assert printed["found"] is True
    assert (printed["output"], printed["job"], printed["tester"]) == (
        str(output.pk),
        str(output.job.pk),
        output.owner.email,
    )
    assert printed["confidence"] > 0.75 and printed["seconds"] > 0


def test_trace_video_json_for_an_unmarked_clip_names_nobody_and_exits_zero(tmp_path, db, capsys):
    clip = tmp_path / "unmarked.mp4"
    encode_mp4(camera_like_frames(), 16, clip)
    call_command("trace_video", str(clip), "--json")
    printed = json.loads(capsys.readouterr().out)
    assert printed["found"] is False
    assert printed["output"] is printed["job"] is printed["tester"] is printed["token"] is None


def test_trace_video_names_nobody_for_an_unmarked_clip(tmp_path, db):
    clip = tmp_path / "unmarked.mp4"
    encode_mp4(camera_like_frames(), 16, clip)
    with pytest.raises(CommandError, match="Not traced"):
        call_command("trace_video", str(clip))


def test_trace_video_refuses_a_missing_file(db):
    with pytest.raises(CommandError, match="No such file"):
        call_command("trace_video", "/nonexistent.mp4")


def test_the_trace_page_hands_the_clip_to_a_worker_and_shows_the_result(marked_clip, as_admin):
    output, clip = marked_clip
    response = as_admin.post(reverse("generation:trace"), {"clip": SimpleUploadedFile("leak.mp4", clip.read_bytes())})
    assert response.status_code == 302
    traced = TraceRequest.objects.get()
    assert traced.status == TraceRequest.Status.PENDING and default_storage.exists(traced.clip_key)
    assert "decoding" in as_admin.get(response["Location"]).content.decode()

    trace_request_run(traced)  # what the worker's task does

    traced.refresh_from_db()
    assert traced.status == TraceRequest.Status.DONE and traced.output == output
    assert not default_storage.exists(traced.clip_key), "the uploaded clip is not kept"
    page = as_admin.get(response["Location"]).content.decode()
    assert output.owner.email in page and "Found" in page


def test_a_garbage_upload_names_nobody(as_admin, db):
    as_admin.post(reverse("generation:trace"), {"clip": SimpleUploadedFile("junk.mp4", b"not a video at all")})
    traced = trace_request_run(TraceRequest.objects.get())
    assert traced.status == TraceRequest.Status.DONE and traced.output is None


def test_the_trace_page_needs_a_file(as_admin):
    assert as_admin.post(reverse("generation:trace"), {}).status_code == 400
