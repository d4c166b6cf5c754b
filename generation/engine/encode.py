"""Frames to a web-ready MP4 (H.264, yuv420p, BT.709, moov atom first) and a poster image, and back.

Uses PyAV, whose wheel bundles FFmpeg with libx264: nothing to install or download.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np
from av.video.reformatter import ColorPrimaries, ColorRange, Colorspace, ColorTrc
from PIL import Image

# Chosen by bench/bench_encoder.py (BENCHMARKS.md, "Encoder settings").
DEFAULT_CRF = 18
X264_PRESET = "faster"
POSTER_QUALITY = 90


@dataclass(frozen=True)
class VideoMeta:
    sha256: str
    size_bytes: int
    duration_seconds: float
    fps: int
    width: int
    height: int
    frame_count: int


@dataclass(frozen=True)
class VideoProbe:
    """What a player sees in an MP4: codec, pixel format, shape, and whether it can start before the end."""

    codec: str
    pixel_format: str
    width: int
    height: int
    frame_count: int
    fps: float
    moov_before_mdat: bool


def encode_mp4(
    frames: np.ndarray, fps: int, path: Path, *, crf: int = DEFAULT_CRF, preset: str = X264_PRESET
) -> VideoMeta:
    """Write RGB uint8 frames (frames, height, width, 3) to `path`, cropping odd edges for 4:2:0 chroma."""
    frames = _even_sized(frames)
    frame_count, height, width = frames.shape[:3]
    with av.open(str(path), mode="w", format="mp4", options={"movflags": "+faststart"}) as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.options = {"crf": str(crf), "preset": preset}
        codec = stream.codec_context
        codec.colorspace, codec.color_range = Colorspace.ITU709, ColorRange.MPEG
        codec.color_primaries, codec.color_trc = ColorPrimaries.BT709, ColorTrc.BT709
        for frame in frames:
            yuv = av.VideoFrame.from_ndarray(frame, format="rgb24").reformat(
                format="yuv420p", dst_colorspace=Colorspace.ITU709, dst_color_range=ColorRange.MPEG
            )
            container.mux(stream.encode(yuv))
        container.mux(stream.encode(None))
    return VideoMeta(
        sha256=_sha256(path),
        size_bytes=path.stat().st_size,
        duration_seconds=frame_count / fps,
        fps=fps,
        width=width,
        height=height,
        frame_count=frame_count,
    )


def write_poster(frames: np.ndarray, path: Path) -> None:
    """Save the middle frame as a JPEG, the still shown before the video plays."""
    Image.fromarray(frames[len(frames) // 2]).save(path, format="JPEG", quality=POSTER_QUALITY)


def read_frames(path: Path, max_frames: int | None = None) -> np.ndarray:
    """Decode a video file to RGB uint8 frames (frames, height, width, 3), the first `max_frames` at most."""
    frames: list[np.ndarray] = []
    with av.open(str(path)) as container:
        for frame in container.decode(video=0):
            if max_frames is not None and len(frames) >= max_frames:
                break
            frames.append(frame.to_ndarray(format="rgb24"))
    if not frames:
        raise ValueError(f"{path} has no video frames")
    return np.stack(frames)


def probe_video(path: Path) -> VideoProbe:
    boxes = _top_level_mp4_boxes(path)
    moov_first = {"moov", "mdat"} <= set(boxes) and boxes.index("moov") < boxes.index("mdat")
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        codec = stream.codec_context
        return VideoProbe(
            codec=codec.name,
            pixel_format=codec.pix_fmt or "",
            width=codec.width,
            height=codec.height,
            frame_count=stream.frames,
            fps=float(stream.average_rate or 0),
            moov_before_mdat=moov_first,
        )


def _top_level_mp4_boxes(path: Path) -> list[str]:
    """The types of the top-level ISO BMFF boxes in file order (ftyp, moov, mdat...)."""
    boxes: list[str] = []
    with path.open("rb") as file:
        while header := file.read(8):
            if len(header) < 8:
                break
            size, box_type = int.from_bytes(header[:4], "big"), header[4:].decode("latin-1")
            boxes.append(box_type)
            if size == 1:
                size = int.from_bytes(file.read(8), "big")
                file.seek(size - 16, 1)
            elif size == 0:
                break
            else:
                file.seek(size - 8, 1)
    return boxes


def _even_sized(frames: np.ndarray) -> np.ndarray:
    height, width = frames.shape[1:3]
    return frames[:, : height - height % 2, : width - width % 2]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
