"""Small real videos the tests and the benchmarks store as outputs without running a pipeline."""

from __future__ import annotations

import functools
import hashlib
import tempfile
from pathlib import Path

import numpy as np

from generation.engine.encode import encode_mp4


@functools.cache
def tiny_mp4(label: str = "") -> bytes:
    """A real H.264 MP4 of four 32x32 frames whose colours come from `label`: different labels, different bytes."""
    seed = int.from_bytes(hashlib.sha256(label.encode()).digest()[:4], "big")
    frames = np.random.default_rng(seed).integers(0, 256, size=(4, 32, 32, 3), dtype=np.uint8)
    with tempfile.TemporaryDirectory() as workdir:
        path = Path(workdir) / "tiny.mp4"
        encode_mp4(frames, 16, path)
        return path.read_bytes()
