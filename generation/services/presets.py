"""Resolution and aspect-ratio presets, snapped to what each pipeline family accepts."""

from __future__ import annotations

from dataclasses import dataclass

from accessprogram.models.program import RESOLUTION_ORDER, Resolution
from generation.engine.families import get_family
from generation.models.styles import ASPECT_RATIOS  # noqa: F401 -- defined with the models, offered here with the sizes

# The short side of each preset, in pixels; the long side follows from the aspect ratio.
SHORT_SIDE = {Resolution.P256: 256, Resolution.P480: 480, Resolution.P720: 720, Resolution.P1080: 1080}


@dataclass(frozen=True)
class FrameSize:
    width: int
    height: int


# Sizes a family was trained at, used where they exist instead of the snapped aspect ratio: Wan 2.1's README
# lists 832*480 and 1280*720 (and their portrait forms); 16:9 of 480 snaps to 848, which Wan never saw.
NATIVE_SIZES: dict[tuple[str, str, str], tuple[int, int]] = {
    ("wan", Resolution.P480, "16:9"): (832, 480),
    ("wan", Resolution.P480, "9:16"): (480, 832),
    ("wan", Resolution.P720, "16:9"): (1280, 720),
    ("wan", Resolution.P720, "9:16"): (720, 1280),
}


def _snap(value: float, multiple: int) -> int:
    return max(multiple, int(round(value / multiple)) * multiple)


def frame_size(resolution: str, aspect_ratio: str, family: str) -> FrameSize:
    native = NATIVE_SIZES.get((get_family(family).architecture, Resolution(resolution), aspect_ratio))
    if native is not None:
        return FrameSize(*native)
    short = SHORT_SIDE[Resolution(resolution)]
    multiple = get_family(family).resolution_multiple
    if aspect_ratio == "1:1":
        side = _snap(short, multiple)
        return FrameSize(side, side)
    long = _snap(short * 16 / 9, multiple)
    short = _snap(short, multiple)
    return FrameSize(long, short) if aspect_ratio == "16:9" else FrameSize(short, long)


def frames_for(*, family: str, seconds: float | None = None, frames: int | None = None, fps: int) -> int:
    """The nearest frame count the family accepts (k·step + 1) for a duration or a requested count."""
    pipeline_family = get_family(family)
    if frames is not None:
        return pipeline_family.nearest_frame_count(frames)
    return pipeline_family.frame_count_for_duration(seconds or 0.0, fps)


def resolution_allowed(resolution: str, cohort_max: str) -> bool:
    return RESOLUTION_ORDER.index(Resolution(resolution)) <= RESOLUTION_ORDER.index(Resolution(cohort_max))
