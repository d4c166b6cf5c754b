"""Load a diffusers text-to-video pipeline from a local directory and run one generation on it.

Importing this module is cheap: torch and diffusers are imported by `load_pipeline`, so the web side
may import the exceptions and result types. Nothing is ever downloaded (`HF_HUB_OFFLINE=1`).
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from generation.engine.families import PipelineFamily, get_family

if TYPE_CHECKING:
    import torch
    from diffusers import DiffusionPipeline


class GenerationCancelled(Exception):
    """The job was cancelled; raised at the end of the denoising step that noticed it."""


class GenerationOutOfMemory(Exception):
    """The GPU ran out of memory; its cache has been emptied, so the worker can take the next job."""


class PipelineMismatch(ValueError):
    """The directory holds a different pipeline from the one its family promises."""


@dataclass(frozen=True)
class LoadedPipeline:
    """A pipeline ready to generate, with the family rules and the device it runs on."""

    pipeline: DiffusionPipeline
    family: PipelineFamily
    device: str
    dtype: torch.dtype


@dataclass(frozen=True)
class GenerationResult:
    frames: np.ndarray  # uint8, shape (frames, height, width, 3), RGB
    fps: int


def load_pipeline(path: Path | str, family: PipelineFamily | str) -> LoadedPipeline:
    """Load the pipeline saved in `path`: CUDA in bf16 when a GPU is present, else CPU in float32."""
    os.environ["HF_HUB_OFFLINE"] = "1"
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
    return LoadedPipeline(pipeline=pipeline, family=family, device=device, dtype=dtype)


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
) -> GenerationResult:
    """Run the pipeline once; the same seed on the same device and weights gives the same frames.

    `on_step(done, total)` is called after every denoising step; `should_cancel()` is asked before the
    first and after every step, and a True answer raises GenerationCancelled without decoding the video.
    """
    import torch

    family = loaded.family
    family.check_shape(width=width, height=height, num_frames=num_frames)
    if should_cancel is not None and should_cancel():
        raise GenerationCancelled("cancelled before the first denoising step")

    def after_step(pipeline: Any, step_index: int, timestep: Any, tensors: dict[str, Any]) -> dict[str, Any]:
        if on_step is not None:
            on_step(step_index + 1, steps)
        if should_cancel is not None and should_cancel():
            raise GenerationCancelled(f"cancelled after denoising step {step_index + 1} of {steps}")
        return {}

    frame_rate_arguments = {family.frame_rate_argument: family.default_fps} if family.frame_rate_argument else {}
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
            output_type="np",
            callback_on_step_end=after_step,
            callback_on_step_end_tensor_inputs=[],
            **frame_rate_arguments,
        )
    except torch.cuda.OutOfMemoryError:
        pass
    else:
        return GenerationResult(frames=_to_uint8(output.frames[0]), fps=family.default_fps)
    # Freed here, outside the except block, where the traceback no longer pins the failed step's tensors.
    gc.collect()
    torch.cuda.empty_cache()
    raise GenerationOutOfMemory(
        f"out of GPU memory generating {width}x{height}, {num_frames} frames, {steps} steps; "
        "try fewer frames or a lower resolution"
    )


def _to_uint8(video: np.ndarray) -> np.ndarray:
    """Pipeline output in [0, 1] floats to uint8 RGB frames."""
    return np.clip(np.rint(np.asarray(video, dtype=np.float32) * 255.0), 0, 255).astype(np.uint8)
