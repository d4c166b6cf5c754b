"""Shared engine fixtures: the demo model is built and loaded once per test session."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from generation.engine.runner import GenerationResult, LoadedPipeline, generate, load_pipeline

from .helpers import DEMO_PARAMETERS


@dataclass(frozen=True)
class RecordedGeneration:
    result: GenerationResult
    seed: int
    progress: list[tuple[int, int]]


@pytest.fixture(scope="session")
def demo_model_dir(demo_models_dir) -> Path:
    """The demo model the worker tests' GENERATION_MODELS_DIR holds (tests.generation.conftest), built once."""
    return demo_models_dir / "demo-wan"


@pytest.fixture(scope="session")
def demo_pipeline(demo_model_dir) -> LoadedPipeline:
    import torch

    # On a small CPU shared with other test processes, a second intra-op thread gains little when the
    # machine is idle and stalls in OpenMP spin-waits when it is not (2.7 s a video with one, up to 13 s).
    torch.set_num_threads(1)
    return load_pipeline(demo_model_dir, "wan")


@pytest.fixture(scope="session")
def demo_generation(demo_pipeline) -> RecordedGeneration:
    """One 256x256, 17-frame, 4-step demo video, with the progress it reported."""
    seed, progress = 7, []
    result = generate(
        demo_pipeline, **DEMO_PARAMETERS, seed=seed, on_step=lambda done, total: progress.append((done, total))
    )
    return RecordedGeneration(result=result, seed=seed, progress=progress)
