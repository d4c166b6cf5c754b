"""From generated frames to stored files: both marks are in the video and the poster, and the metadata is right."""

import numpy as np
import pytest
from PIL import Image

from generation.engine.encode import probe_video, read_frames
from generation.engine.render import render_output
from generation.engine.watermark import decode_forensic

PAYLOAD_ID = 271828182845


def test_it_marks_encodes_and_traces_a_demo_video(demo_generation, tmp_path):
    frames = demo_generation.result.frames

    rendered = render_output(frames, 16, output_short_id="k3x9q2", payload_id=PAYLOAD_ID, workdir=tmp_path / "out")

    assert rendered.video_path == tmp_path / "out" / "k3x9q2.mp4"
    assert rendered.poster_path == tmp_path / "out" / "k3x9q2.jpg"
    assert rendered.meta.frame_count == 17 and rendered.meta.duration_seconds == 17 / 16
    assert probe_video(rendered.video_path).moov_before_mdat
    decoded = read_frames(rendered.video_path)
    assert decode_forensic(decoded).payload_id == PAYLOAD_ID
    corner = (slice(-30, None), slice(-140, None))
    assert decoded[:, corner[0], corner[1]].mean() < frames[:, corner[0], corner[1]].mean() - 10, "visible mark"


@pytest.mark.parametrize(("forensic_mark", "scheme"), [("grid", "spread"), ("tile", "tiled")])
def test_the_forensic_mark_setting_picks_the_mark_the_video_carries(demo_generation, tmp_path, forensic_mark, scheme):
    rendered = render_output(
        demo_generation.result.frames,
        16,
        output_short_id="k3x9q2",
        payload_id=PAYLOAD_ID,
        workdir=tmp_path,
        forensic_mark=forensic_mark,
    )
    decoded = decode_forensic(read_frames(rendered.video_path))
    assert (decoded.payload_id, decoded.scheme) == (PAYLOAD_ID, scheme)


def test_the_poster_carries_the_visible_mark(demo_generation, tmp_path):
    frames = demo_generation.result.frames
    rendered = render_output(frames, 16, output_short_id="k3x9q2", payload_id=PAYLOAD_ID, workdir=tmp_path)
    with Image.open(rendered.poster_path) as poster:
        corner = np.asarray(poster)[-30:, -140:].astype(float)
    assert corner.mean() < frames[8, -30:, -140:].mean() - 10
