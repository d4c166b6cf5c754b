"""What a leaked clip goes through on its way to social media, and realistic clips to put through it.

Shared by the engine tests (a few trials per attack) and `bench/bench_leaks.py --trace-only` (a hundred).
Every attack takes the frames of a marked output as decoded from its MP4 and returns the frames a
tracer would decode from the leaked file: geometry and timing changed with OpenCV and NumPy, then a
real encode (H.264 or HEVC through PyAV's FFmpeg) and decode.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

import av
import cv2
import numpy as np

from generation.engine.encode import read_frames

PHOTOS = ("astronaut", "coffee", "chelsea", "rocket", "camera", "cat", "immunohistochemistry", "coins", "page")


def photo_pan(rng: np.random.Generator, *, frames: int = 48, width: int = 832, height: int = 480) -> np.ndarray:
    """A slow pan and zoom over one of scikit-image's photographs, with a camera's noise in every frame."""
    from skimage import data

    photo = getattr(data, PHOTOS[int(rng.integers(len(PHOTOS)))])()
    if photo.ndim == 2:
        photo = np.repeat(photo[..., None], 3, axis=2)
    photo = photo[..., :3].astype(np.float32)
    rows, columns = photo.shape[:2]
    cover = max(width / columns, height / rows)
    zoom = cover * rng.uniform(1.05, 1.4, 2)  # start and end zoom, both covering the frame
    start, end = rng.uniform(0.35, 0.65, (2, 2))
    clip = np.empty((frames, height, width, 3), dtype=np.uint8)
    noise_level = rng.uniform(1.5, 4.0)
    for index in range(frames):
        share = index / max(1, frames - 1)
        scale = zoom[0] + (zoom[1] - zoom[0]) * share
        centre = (start + (end - start) * share) * (columns, rows)
        centre = np.clip(
            centre, (width / 2 / scale, height / 2 / scale), (columns - width / 2 / scale, rows - height / 2 / scale)
        )
        matrix = np.array([[scale, 0, width / 2 - scale * centre[0]], [0, scale, height / 2 - scale * centre[1]]])
        frame = cv2.warpAffine(photo, matrix, (width, height), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
        frame += rng.normal(0, noise_level, frame.shape).astype(np.float32)
        clip[index] = np.clip(frame, 0, 255).astype(np.uint8)
    return clip


def reencode(frames: np.ndarray, fps: float, *, crf: int, codec: str = "libx264") -> np.ndarray:
    """Encode to an MP4 the way a platform does (4:2:0, a fast preset) and decode it again."""
    frames = frames[:, : frames.shape[1] // 2 * 2, : frames.shape[2] // 2 * 2]
    with tempfile.TemporaryDirectory() as workdir:
        path = Path(workdir) / "leak.mp4"
        with av.open(str(path), mode="w") as container:
            stream = container.add_stream(codec, rate=round(fps))
            stream.width, stream.height, stream.pix_fmt = frames.shape[2], frames.shape[1], "yuv420p"
            stream.options = {"crf": str(crf), "preset": "veryfast"}
            if codec == "libx265":
                stream.options |= {"x265-params": "log-level=error"}
            for frame in frames:
                container.mux(stream.encode(av.VideoFrame.from_ndarray(frame, format="rgb24")))
            container.mux(stream.encode(None))
        return read_frames(path)


def _resize(frames: np.ndarray, width: int, height: int) -> np.ndarray:
    shrinking = width < frames.shape[2]
    interpolation = cv2.INTER_AREA if shrinking else cv2.INTER_CUBIC
    return np.stack([cv2.resize(frame, (width, height), interpolation=interpolation) for frame in frames])


def _excerpt(frames: np.ndarray, fps: float, seconds: float, rng) -> np.ndarray:
    length = min(len(frames), round(seconds * fps))
    start = int(rng.integers(0, len(frames) - length + 1))
    return frames[start : start + length]


def _centre_crop(frames: np.ndarray, aspect: float) -> np.ndarray:
    height, width = frames.shape[1:3]
    if width / height > aspect:
        kept = round(height * aspect)
        left = (width - kept) // 2
        return frames[:, :, left : left + kept]
    kept = round(width / aspect)
    top = (height - kept) // 2
    return frames[:, top : top + kept]


def current(frames, fps, rng):
    """The attack measured so far: a 2-second excerpt scaled to 720p, CRF 28."""
    return reencode(_resize(_excerpt(frames, fps, 2.0, rng), 1280, 720), fps, crf=28)


def excerpt(frames, fps, rng):
    """A 1.5-second excerpt at the output's size, CRF 28."""
    return reencode(_excerpt(frames, fps, 1.5, rng), fps, crf=28)


def crop(frames, fps, rng):
    """2-10% cut from each border (each its own share), scaled back to the output's size, CRF 26."""
    clip = _excerpt(frames, fps, 2.0, rng)
    height, width = clip.shape[1:3]
    top, bottom, left, right = rng.uniform(0.02, 0.10, 4)
    cut = clip[
        :, round(top * height) : height - round(bottom * height), round(left * width) : width - round(right * width)
    ]
    return reencode(_resize(cut, width, height), fps, crf=26)


def reframe_portrait(frames, fps, rng):
    """A 9:16 centre reframe for a phone, scaled to 720x1280, CRF 26."""
    return reencode(_resize(_centre_crop(_excerpt(frames, fps, 2.0, rng), 9 / 16), 720, 1280), fps, crf=26)


def reframe_square(frames, fps, rng):
    """A 1:1 centre reframe scaled to 720x720, CRF 26."""
    return reencode(_resize(_centre_crop(_excerpt(frames, fps, 2.0, rng), 1.0), 720, 720), fps, crf=26)


def boxed(frames, fps, rng):
    """Fitted into 1920x1080 with black bars: pillarbox or letterbox, the picture at 55-100% of the fitted size
    somewhere in the frame (a screen recording), CRF 26."""
    clip = _excerpt(frames, fps, 2.0, rng)
    height, width = clip.shape[1:3]
    fit = min(1920 / width, 1080 / height) * rng.uniform(0.55, 1.0)
    inner_width, inner_height = round(width * fit / 2) * 2, round(height * fit / 2) * 2
    top, left = int(rng.integers(0, 1080 - inner_height + 1)), int(rng.integers(0, 1920 - inner_width + 1))
    canvas = np.full((len(clip), 1080, 1920, 3), int(rng.integers(0, 20)), dtype=np.uint8)
    canvas[:, top : top + inner_height, left : left + inner_width] = _resize(clip, inner_width, inner_height)
    return reencode(canvas, fps, crf=26)


def flip(frames, fps, rng):
    """Mirrored left to right, CRF 26."""
    return reencode(np.ascontiguousarray(_excerpt(frames, fps, 2.0, rng)[:, :, ::-1]), fps, crf=26)


def caption_box(frames, fps, rng):
    """An opaque box over up to a third of the frame: a full-width caption band or a block anywhere, CRF 26."""
    clip = _excerpt(frames, fps, 2.0, rng).copy()
    height, width = clip.shape[1:3]
    area = rng.uniform(0.2, 1 / 3)
    if rng.random() < 0.5:
        box_height, box_width = round(height * area), width
        top, left = height - box_height, 0
    else:
        box_width = round(width * rng.uniform(np.sqrt(area), 1.0))
        box_height = round(area * height * width / box_width)
        top, left = int(rng.integers(0, height - box_height + 1)), int(rng.integers(0, width - box_width + 1))
    clip[:, top : top + box_height, left : left + box_width] = rng.integers(0, 256, 3).astype(np.uint8)
    return reencode(clip, fps, crf=26)


def hevc(frames, fps, rng):
    """A 2-second excerpt in HEVC at CRF 30."""
    return reencode(_excerpt(frames, fps, 2.0, rng), fps, crf=30, codec="libx265")


def chain(frames, fps, rng):
    """A reframe (9:16 or 1:1), a frame-rate change to 24 or 30 fps, then CRF 30."""
    clip = _excerpt(frames, fps, 2.0, rng)
    if rng.random() < 0.5:
        clip = _resize(_centre_crop(clip, 9 / 16), 720, 1280)
    else:
        clip = _resize(_centre_crop(clip, 1.0), 720, 720)
    target = float(rng.choice([24.0, 30.0]))
    count = round(len(clip) * target / fps)
    indices = np.minimum(np.floor(np.arange(count) * fps / target).astype(int), len(clip) - 1)
    return reencode(clip[indices], target, crf=30)


def filmed_screen(frames, fps, rng):
    """A phone filming the screen: slight perspective, blur, grain and a brightness shift, at 720p, CRF 26."""
    clip = _excerpt(frames, fps, 2.0, rng)
    height, width = clip.shape[1:3]
    out_width, out_height = 1280, 720
    corners = np.float32([[0, 0], [width, 0], [width, height], [0, height]])
    margin = np.float32([out_width, out_height]) * 0.06
    target = np.float32([[0, 0], [out_width, 0], [out_width, out_height], [0, out_height]])
    target += np.float32([[1, 1], [-1, 1], [-1, -1], [1, -1]]) * margin
    target += rng.uniform(-0.015, 0.015, (4, 2)).astype(np.float32) * (out_width, out_height)
    matrix = cv2.getPerspectiveTransform(corners, target)
    sigma, grain, gain = rng.uniform(0.6, 1.4), rng.uniform(2.0, 5.0), rng.uniform(0.85, 1.1)
    filmed = np.empty((len(clip), out_height, out_width, 3), dtype=np.uint8)
    for index, frame in enumerate(clip):
        picture = cv2.warpPerspective(
            frame, matrix, (out_width, out_height), flags=cv2.INTER_LINEAR, borderValue=(12, 12, 12)
        )
        picture = cv2.GaussianBlur(picture.astype(np.float32), (0, 0), sigma) * gain
        filmed[index] = np.clip(picture + rng.normal(0, grain, picture.shape), 0, 255).astype(np.uint8)
    return reencode(filmed, fps, crf=26)


ATTACKS: dict[str, Callable[[np.ndarray, float, np.random.Generator], np.ndarray]] = {
    "current (2 s, 720p, CRF 28)": current,
    "1.5-s excerpt, CRF 28": excerpt,
    "crop 2-10% per border, scaled back": crop,
    "9:16 centre reframe": reframe_portrait,
    "1:1 centre reframe": reframe_square,
    "letterbox/pillarbox in 1920x1080": boxed,
    "horizontal flip": flip,
    "opaque box over up to 1/3": caption_box,
    "HEVC CRF 30": hevc,
    "reframe + fps change + CRF 30": chain,
    "filmed screen": filmed_screen,
}
