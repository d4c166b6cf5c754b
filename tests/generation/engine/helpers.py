"""Media helpers for the engine tests: the demo parameters, a camera-like clip and a leaker's re-encode."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np

DEMO_PARAMETERS = {
    "prompt": "a red fox running through a snowy forest at dawn",
    "negative_prompt": "blurry",
    "width": 256,
    "height": 256,
    "num_frames": 17,
    "steps": 4,
    "guidance": 5.0,
}


def synthetic_scene(*, frames: int = 17, width: int = 256, height: int = 256, seed: int = 0) -> np.ndarray:
    """A camera-like clip: smooth gradients, a moving disc and mild sensor noise."""
    rng = np.random.default_rng(seed)
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    clip = []
    for index in range(frames):
        frame = np.stack(
            [xs / width * 200 + 30, ys / height * 150 + 50, 128 + 60 * np.sin((xs + ys + 6 * index) / 40)], axis=-1
        )
        inside_disc = (xs - width * 0.2 - 6 * index) ** 2 + (ys - height / 2) ** 2 < (height / 6) ** 2
        frame[inside_disc] = (230, 200, 40)
        frame += rng.normal(0, 4, frame.shape)
        clip.append(np.clip(frame, 0, 255).astype(np.uint8))
    return np.stack(clip)


def reencode(
    source: Path, target: Path, *, crf: int, scale: float = 1.0, max_seconds: float = 2.0, keep_colour_tags: bool = True
) -> None:
    """Re-encode an excerpt the way a leaker might: the first seconds, rescaled, at a lower quality.

    FFmpeg keeps the colour tags; naive scripts drop them, and players then read BT.709 as BT.601.
    """
    with av.open(str(source)) as reader, av.open(str(target), mode="w") as writer:
        source_stream = reader.streams.video[0]
        fps = source_stream.average_rate
        width = round(source_stream.codec_context.width * scale / 2) * 2
        height = round(source_stream.codec_context.height * scale / 2) * 2
        stream = writer.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.options = {"crf": str(crf)}
        if keep_colour_tags:
            stream.codec_context.colorspace = source_stream.codec_context.colorspace
            stream.codec_context.color_range = source_stream.codec_context.color_range
        for index, frame in enumerate(reader.decode(video=0)):
            if index >= max_seconds * fps:
                break
            writer.mux(stream.encode(frame.reformat(width=width, height=height, format="yuv420p")))
        writer.mux(stream.encode(None))
