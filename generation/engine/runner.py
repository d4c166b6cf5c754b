"""Load a diffusers video pipeline from a local directory and run one generation on it (from text, or from a
still as the first frame for the image-to-video families).

Importing this module is cheap: torch and diffusers are imported by `load_pipeline`, so the web side
may import the exceptions and result types. Nothing is ever downloaded (`HF_HUB_OFFLINE=1`).
"""

from __future__ import annotations

import gc
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from generation.engine.families import PipelineFamily, get_family
from generation.engine.performance import PerformanceOptions, StepCacheState, apply_load_time_options

if TYPE_CHECKING:
    import torch
    from diffusers import DiffusionPipeline


class GenerationCancelled(Exception):
    """The job was cancelled; raised at the end of the denoising step that noticed it."""


class GenerationOutOfMemory(Exception):
    """The GPU ran out of memory; its cache has been emptied, so the worker can take the next job."""


class PipelineMismatch(ValueError):
    """The directory holds a different pipeline from the one its family promises."""


class StillMismatch(ValueError):
    """An image-to-video family was given no still, or a text-to-video family was given one."""


@dataclass(frozen=True)
class LoadedPipeline:
    """A pipeline ready to generate, with the family rules, the device it runs on and its speed options."""

    pipeline: DiffusionPipeline
    family: PipelineFamily
    device: str
    dtype: torch.dtype
    options: PerformanceOptions = field(default_factory=PerformanceOptions)
    step_cache: StepCacheState = field(default_factory=lambda: StepCacheState(PerformanceOptions()))


@dataclass(frozen=True)
class GenerationResult:
    frames: np.ndarray  # uint8, shape (frames, height, width, 3), RGB
    fps: int


def load_pipeline(
    path: Path | str, family: PipelineFamily | str, options: PerformanceOptions | None = None
) -> LoadedPipeline:
    """Load the pipeline saved in `path`: CUDA in bf16 when a GPU is present, else CPU in float32."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    # Here, not at the top: diffusers reads HF_HUB_OFFLINE when imported, and only a GPU worker loads torch.
    import torch
    from diffusers import DiffusionPipeline

    family = get_family(family) if isinstance(family, str) else family
    if torch.cuda.is_available():
        device, dtype = "cuda", torch.bfloat16
    else:
        device, dtype = "cpu", torch.float32
    component_dtypes: dict[str, torch.dtype] = {"default": dtype}
    if family.vae_in_full_precision:
        component_dtypes["vae"] = torch.float32

    pipeline = DiffusionPipeline.from_pretrained(str(path), local_files_only=True, dtype=component_dtypes)
    loaded_class = type(pipeline).__name__
    if loaded_class != family.pipeline_class_name:
        raise PipelineMismatch(
            f"{path} holds a {loaded_class}, but the {family.label} family needs a {family.pipeline_class_name}"
        )
    pipeline.to(device)
    pipeline.set_progress_bar_config(disable=True)
    options = options or PerformanceOptions()
    apply_load_time_options(pipeline, options)
    return LoadedPipeline(
        pipeline=pipeline,
        family=family,
        device=device,
        dtype=dtype,
        options=options,
        step_cache=StepCacheState(options),
    )


def release_device_memory() -> None:
    """Return a dropped pipeline's memory to the GPU before another loads: two models may not fit at once."""
    import torch  # only where a pipeline runs: every worker imports this module through generation.tasks

    gc.collect()
    if torch.cuda.is_available():
        torch.cuda.empty_cache()


def warm_up(loaded: LoadedPipeline) -> float:
    """One tiny run so kernels, the allocator and any compilation are ready before a tester's job; seconds."""
    family = loaded.family
    side = family.resolution_multiple * 2
    started = time.monotonic()
    generate(
        loaded,
        prompt="warm-up",
        negative_prompt="",
        width=side,
        height=side,
        num_frames=family.frame_step + 1,
        steps=2,
        guidance=5.0,
        seed=0,
        image=np.full((side, side, 3), 128, dtype=np.uint8) if family.takes_image else None,
    )
    return time.monotonic() - started


def generate(
    loaded: LoadedPipeline,
    *,
    prompt: str,
    negative_prompt: str,
    width: int,
    height: int,
    num_frames: int,
    steps: int,
    guidance: float,
    seed: int,
    on_step: Callable[[int, int], None] | None = None,
    should_cancel: Callable[[], bool] | None = None,
    image: np.ndarray | None = None,
) -> GenerationResult:
    """Run the pipeline once; the same seed on the same device and weights gives the same frames.

    `on_step(done, total)` is called after every denoising step; `should_cancel()` is asked before the
    first and after every step, and a True answer raises GenerationCancelled without decoding the video.
    `image` (uint8 RGB, height x width x 3, any size) is the first frame for an image-to-video family: it is
    scaled to cover the frame and centre-cropped, conditions the pipeline, and is the video's first frame.
    """
    import torch  # only where a pipeline runs: every worker imports this module through generation.tasks

    family = loaded.family
    family.check_shape(width=width, height=height, num_frames=num_frames)
    if family.takes_image != (image is not None):
        raise StillMismatch(
            f"{family.label} needs a still as the first frame"
            if family.takes_image
            else f"{family.label} makes videos from text only and takes no still"
        )
    first_frame = fit_to_frame(image, width=width, height=height) if image is not None else None
    if should_cancel is not None and should_cancel():
        raise GenerationCancelled("cancelled before the first denoising step")

    def after_step(pipeline: Any, step_index: int, timestep: Any, tensors: dict[str, Any]) -> dict[str, Any]:
        if on_step is not None:
            on_step(step_index + 1, steps)
        if should_cancel is not None and should_cancel():
            raise GenerationCancelled(f"cancelled after denoising step {step_index + 1} of {steps}")
        return {}

    frame_rate_arguments = {family.frame_rate_argument: family.default_fps} if family.frame_rate_argument else {}
    image_arguments = {"image": _as_pil(first_frame)} if first_frame is not None else {}
    loaded.step_cache.prepare(loaded.pipeline, steps)
    try:
        output = loaded.pipeline(
            prompt=prompt,
            negative_prompt=negative_prompt,
            width=width,
            height=height,
            num_frames=num_frames,
            num_inference_steps=steps,
            guidance_scale=guidance,
            generator=torch.Generator(device=loaded.device).manual_seed(seed),
            output_type="pt",
            callback_on_step_end=after_step,
            callback_on_step_end_tensor_inputs=[],
            **frame_rate_arguments,
            **image_arguments,
        )
    except torch.cuda.OutOfMemoryError:
        loaded.step_cache.reset(loaded.pipeline)
    except BaseException:
        loaded.step_cache.reset(loaded.pipeline)
        raise
    else:
        frames = frames_to_uint8(output.frames[0])
        if first_frame is not None:
            # The still is the first frame as the artist gave it, not the VAE's reconstruction of it.
            frames[0] = first_frame
        return GenerationResult(frames=frames, fps=family.default_fps)
    # Freed here, outside the except block, where the traceback no longer pins the failed step's tensors.
    gc.collect()
    torch.cuda.empty_cache()
    raise GenerationOutOfMemory(
        f"out of GPU memory generating {width}x{height}, {num_frames} frames, {steps} steps; "
        "try fewer frames or a lower resolution"
    )


def frames_to_uint8(video: torch.Tensor) -> np.ndarray:
    """Decoded frames (frames, 3, height, width) in [0, 1] to uint8 RGB (frames, height, width, 3).

    Converted on the device, so the copy to the host is a quarter of the float32 video (about 97 MB instead
    of 390 MB for 832x480x81) and the CPU makes no float temporaries.
    """
    import torch  # only where a pipeline runs: every worker imports this module through generation.tasks

    frames = video.mul(255.0).round_().clamp_(0, 255).to(dtype=torch.uint8).permute(0, 2, 3, 1)
    return frames.contiguous().cpu().numpy()


def fit_to_frame(image: np.ndarray, *, width: int, height: int) -> np.ndarray:
    """Scale `image` (uint8 RGB) to cover width x height, keeping its proportions, and crop the centre."""
    from PIL import Image

    source = Image.fromarray(image)
    scale = max(width / source.width, height / source.height)
    scaled = source.resize(
        (max(width, round(source.width * scale)), max(height, round(source.height * scale))), Image.Resampling.LANCZOS
    )
    left, top = (scaled.width - width) // 2, (scaled.height - height) // 2
    return np.asarray(scaled.crop((left, top, left + width, top + height)).convert("RGB"), dtype=np.uint8).copy()


def _as_pil(frame: np.ndarray):
    from PIL import Image

    return Image.fromarray(frame)
