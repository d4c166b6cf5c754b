"""MP4 encoding: web-ready H.264 that a browser can start playing before it has the whole file."""

import hashlib

import numpy as np
from PIL import Image

from generation.engine.encode import encode_mp4, probe_video, read_frames, write_poster

from .helpers import synthetic_scene


def test_it_writes_h264_yuv420p_with_the_moov_atom_first(tmp_path):
    meta = encode_mp4(synthetic_scene(), 16, tmp_path / "clip.mp4")

    probe = probe_video(tmp_path / "clip.mp4")
    assert (probe.codec, probe.pixel_format) == ("h264", "yuv420p")
    assert probe.moov_before_mdat
    assert (probe.width, probe.height, probe.frame_count, probe.fps) == (256, 256, 17, 16.0)
    assert (meta.width, meta.height, meta.frame_count, meta.fps) == (256, 256, 17, 16)


def test_metadata_describes_the_file_on_disk(tmp_path):
    path = tmp_path / "clip.mp4"
    meta = encode_mp4(synthetic_scene(), 16, path)

    assert meta.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert meta.size_bytes == path.stat().st_size
    assert meta.duration_seconds == 17 / 16


def test_odd_dimensions_are_cropped_to_even_for_420_chroma(tmp_path):
    meta = encode_mp4(synthetic_scene(width=257, height=255, frames=3), 16, tmp_path / "clip.mp4")
    assert (meta.width, meta.height) == (256, 254)
    assert read_frames(tmp_path / "clip.mp4").shape == (3, 254, 256, 3)


def test_decoded_frames_stay_close_to_the_source(tmp_path):
    clip = synthetic_scene()
    encode_mp4(clip, 16, tmp_path / "clip.mp4")
    decoded = read_frames(tmp_path / "clip.mp4")
    mean_squared_error = np.mean((decoded.astype(float) - clip) ** 2)
    assert 10 * np.log10(255**2 / mean_squared_error) > 30, "PSNR above 30 dB at the default CRF, sensor noise included"


def test_read_frames_stops_at_max_frames(tmp_path):
    encode_mp4(synthetic_scene(), 16, tmp_path / "clip.mp4")
    assert read_frames(tmp_path / "clip.mp4", max_frames=5).shape == (5, 256, 256, 3)


def test_the_poster_is_the_middle_frame_as_jpeg(tmp_path):
    clip = synthetic_scene()
    write_poster(clip, tmp_path / "poster.jpg")
    with Image.open(tmp_path / "poster.jpg") as poster:
        assert (poster.format, poster.size) == ("JPEG", (256, 256))
        pixels = np.asarray(poster, dtype=float)
    distances = [np.abs(pixels - frame).mean() for frame in clip]
    assert np.argmin(distances) == 8
