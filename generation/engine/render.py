"""Turn generated frames into the stored files: visible mark, forensic mark, MP4 and poster, in that order."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from generation.engine.encode import VideoMeta, encode_mp4, write_poster
from generation.engine.watermark import PROGRAM_MARK, apply_visible_mark, embed_forensic


@dataclass(frozen=True)
class RenderedOutput:
    video_path: Path
    poster_path: Path
    meta: VideoMeta


def render_output(
    frames: np.ndarray,
    fps: int,
    *,
    output_short_id: str,
    payload_id: int,
    workdir: Path,
    checkpoint: Callable[[str], None] | None = None,
    forensic_mark: str = "tile",
) -> RenderedOutput:
    """Mark and encode one output into `workdir` as `<output_short_id>.mp4` and `<output_short_id>.jpg`.

    The poster is cut from the marked frames, so a leaked still carries both marks too. `checkpoint(phase)`
    is called before marking and before encoding; it may raise to stop the render there. `forensic_mark` is
    the setting FORENSIC_MARK: "tile" or "grid".
    """
    checkpoint = checkpoint or (lambda phase: None)
    checkpoint("marking")
    marked = apply_visible_mark(frames, label=f"{PROGRAM_MARK} · {output_short_id}")
    marked = embed_forensic(marked, payload_id, mark=forensic_mark)
    checkpoint("encoding")
    workdir.mkdir(parents=True, exist_ok=True)
    video_path = workdir / f"{output_short_id}.mp4"
    poster_path = workdir / f"{output_short_id}.jpg"
    meta = encode_mp4(marked, fps, video_path)
    write_poster(marked, poster_path)
    return RenderedOutput(video_path=video_path, poster_path=poster_path, meta=meta)
