"""Pipeline families: which diffusers pipeline a model directory holds, whether it starts from a still, and the
shapes it can generate."""

from __future__ import annotations

from dataclasses import dataclass, replace


class UnknownFamily(ValueError):
    """Raised for a family key that is not in the registry."""


@dataclass(frozen=True)
class PipelineFamily:
    """What the engine needs to know about one kind of video pipeline.

    Frame counts follow the VAE's temporal compression: `frame_step * k + 1` frames for k >= 0.
    Width and height must be multiples of `resolution_multiple` (VAE stride times transformer patch).
    """

    key: str
    label: str
    pipeline_class_name: str
    frame_step: int
    resolution_multiple: int
    default_fps: int
    # LTX conditions its rotary embeddings on the frame rate; Wan takes no such argument.
    frame_rate_argument: str | None
    # Wan's VAE is trained and documented in float32; running it in bf16 visibly degrades colours.
    vae_in_full_precision: bool
    # The text-to-video family whose transformer and VAE it shares, and so the frame sizes it was trained at.
    architecture: str
    # Image-to-video pipelines take a still as the first frame (`image=`) and need one for every video.
    takes_image: bool = False

    def is_valid_frame_count(self, num_frames: int) -> bool:
        return num_frames >= 1 and (num_frames - 1) % self.frame_step == 0

    def nearest_frame_count(self, num_frames: int) -> int:
        """The valid frame count closest to `num_frames` (ties round up), at least one frame."""
        steps = max(0, round((num_frames - 1) / self.frame_step + 1e-9))
        return steps * self.frame_step + 1

    def frame_count_for_duration(self, seconds: float, fps: int | None = None) -> int:
        """The valid frame count closest to `seconds` of video at `fps` (the family default when omitted)."""
        return self.nearest_frame_count(round(seconds * (fps or self.default_fps)) + 1)

    def is_valid_resolution(self, width: int, height: int) -> bool:
        multiple = self.resolution_multiple
        return width > 0 and height > 0 and width % multiple == 0 and height % multiple == 0

    def check_shape(self, *, width: int, height: int, num_frames: int) -> None:
        """Raise ValueError naming the first parameter this family cannot generate."""
        if not self.is_valid_resolution(width, height):
            raise ValueError(
                f"{self.label} needs width and height in multiples of {self.resolution_multiple}, got {width}x{height}"
            )
        if not self.is_valid_frame_count(num_frames):
            raise ValueError(
                f"{self.label} needs {self.frame_step}k+1 frames (e.g. {self.nearest_frame_count(num_frames)}), "
                f"got {num_frames}"
            )


WAN = PipelineFamily(
    key="wan",
    label="Wan 2.1 / 2.2",
    pipeline_class_name="WanPipeline",
    frame_step=4,
    resolution_multiple=16,
    default_fps=16,
    frame_rate_argument=None,
    vae_in_full_precision=True,
    architecture="wan",
)

LTX = PipelineFamily(
    key="ltx",
    label="LTX-Video",
    pipeline_class_name="LTXPipeline",
    frame_step=8,
    resolution_multiple=32,
    default_fps=24,
    frame_rate_argument="frame_rate",
    vae_in_full_precision=False,
    architecture="ltx",
)

# Image to video shares its text-to-video sibling's transformer, VAE and shape rules, with another pipeline class.
WAN_IMAGE_TO_VIDEO = replace(
    WAN, key="wan-i2v", label="Wan 2.1 image to video", pipeline_class_name="WanImageToVideoPipeline", takes_image=True
)

LTX_IMAGE_TO_VIDEO = replace(
    LTX,
    key="ltx-i2v",
    label="LTX-Video image to video",
    pipeline_class_name="LTXImageToVideoPipeline",
    takes_image=True,
)

FAMILIES: dict[str, PipelineFamily] = {
    family.key: family for family in (WAN, LTX, WAN_IMAGE_TO_VIDEO, LTX_IMAGE_TO_VIDEO)
}

FAMILY_CHOICES: list[tuple[str, str]] = [(family.key, family.label) for family in FAMILIES.values()]


def get_family(key: str) -> PipelineFamily:
    try:
        return FAMILIES[key]
    except KeyError:
        known = ", ".join(sorted(FAMILIES))
        raise UnknownFamily(f"unknown pipeline family {key!r}; known families: {known}") from None
