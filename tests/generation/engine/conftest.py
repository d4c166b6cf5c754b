"""Shared engine fixtures: the demo model is built and loaded once per test session."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from generation.engine.demo_model import build_demo_model
from generation.engine.runner import GenerationResult, LoadedPipeline, generate, load_pipeline

from .helpers import DEMO_PARAMETERS


@dataclass
class RecordedGeneration:
    result: GenerationResult
    seed: int
    progress: list[tuple[int, int]] = field(default_factory=list)


@pytest.fixture(scope="session")
def demo_model_dir(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("models") / "demo"
    build_demo_model(path)
    return path


@pytest.fixture(scope="session")
def demo_pipeline(demo_model_dir) -> LoadedPipeline:
    return load_pipeline(demo_model_dir, "wan")


@pytest.fixture(scope="session")
def demo_generation(demo_pipeline) -> RecordedGeneration:
    """One 256x256, 17-frame, 4-step demo video, with the progress it reported."""
    recorded = RecordedGeneration(result=None, seed=7)  # type: ignore[arg-type]
    recorded.result = generate(
        demo_pipeline,
        **DEMO_PARAMETERS,
        seed=recorded.seed,
        on_step=lambda done, total: recorded.progress.append((done, total)),
    )
    return recorded
