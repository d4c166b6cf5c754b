"""Running the demo pipeline: determinism, progress, cancellation and out-of-memory handling."""

import numpy as np
import pytest
import torch

from generation.engine.families import WAN
from generation.engine.runner import (
    GenerationCancelled,
    GenerationOutOfMemory,
    LoadedPipeline,
    generate,
)

from .helpers import DEMO_PARAMETERS


def test_it_returns_uint8_rgb_frames_at_the_family_frame_rate(demo_generation):
    result = demo_generation.result
    assert result.frames.shape == (17, 256, 256, 3)
    assert result.frames.dtype == np.uint8
    assert result.fps == 16
    assert result.frames.std() > 1, "frames should not be a flat colour"


def test_the_same_seed_gives_the_same_video(demo_pipeline, demo_generation):
    again = generate(demo_pipeline, **DEMO_PARAMETERS, seed=demo_generation.seed)
    np.testing.assert_array_equal(again.frames, demo_generation.result.frames)


def test_another_seed_gives_another_video(demo_pipeline, demo_generation):
    other = generate(demo_pipeline, **DEMO_PARAMETERS, seed=demo_generation.seed + 1)
    assert np.abs(other.frames.astype(int) - demo_generation.result.frames).mean() > 1


def test_it_reports_progress_after_every_step(demo_generation):
    assert demo_generation.progress == [(1, 4), (2, 4), (3, 4), (4, 4)]


def test_cancel_stops_at_the_next_denoising_step(demo_pipeline, monkeypatch):
    decoded = []
    monkeypatch.setattr(demo_pipeline.pipeline.vae, "decode", lambda *a, **k: decoded.append(1))
    progress = []

    with pytest.raises(GenerationCancelled, match="after denoising step 2 of 4"):
        generate(
            demo_pipeline,
            **DEMO_PARAMETERS,
            seed=1,
            on_step=lambda done, total: progress.append(done),
            should_cancel=lambda: len(progress) >= 2,
        )

    assert progress == [1, 2]
    assert decoded == [], "a cancelled job must not spend time decoding the video"


def test_a_job_cancelled_before_it_starts_runs_no_step(demo_pipeline):
    progress = []
    with pytest.raises(GenerationCancelled, match="before the first"):
        generate(
            demo_pipeline, **DEMO_PARAMETERS, seed=1, on_step=lambda *_: progress.append(1), should_cancel=lambda: True
        )
    assert progress == []


def test_it_refuses_a_shape_the_family_cannot_generate(demo_pipeline):
    with pytest.raises(ValueError, match=r"4k\+1 frames"):
        generate(demo_pipeline, **{**DEMO_PARAMETERS, "num_frames": 16}, seed=1)


def test_out_of_memory_frees_the_cache_and_says_what_to_change(monkeypatch):
    emptied = []
    monkeypatch.setattr(torch.cuda, "empty_cache", lambda: emptied.append(True))

    def pipeline_that_runs_out_of_memory(**kwargs):
        raise torch.cuda.OutOfMemoryError("CUDA out of memory. Tried to allocate 20.00 GiB")

    loaded = LoadedPipeline(pipeline=pipeline_that_runs_out_of_memory, family=WAN, device="cpu", dtype=torch.float32)

    with pytest.raises(GenerationOutOfMemory, match="out of GPU memory generating 1280x720, 81 frames") as raised:
        generate(loaded, **{**DEMO_PARAMETERS, "width": 1280, "height": 720, "num_frames": 81}, seed=1)

    assert emptied == [True]
    assert raised.value.__cause__ is None and raised.value.__context__ is None
