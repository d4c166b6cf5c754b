"""bench/bench_gpu.py --smoke runs every stage at toy size on the CPU and writes each stage's figures."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


def test_the_gpu_benchmark_runs_every_stage_at_toy_size(tmp_path):
    out = tmp_path / "bench-gpu.json"
    subprocess.run(  # noqa: S603 -- our own interpreter and script
        [sys.executable, str(ROOT / "bench" / "bench_gpu.py"), "--smoke", "--out", str(out)],
        cwd=ROOT, check=True, timeout=300, capture_output=True,
    )  # fmt: skip
    figures = json.loads(out.read_text())
    stages = figures["stages"]
    assert list(stages) == ["build", "defaults", "worker", "post", "idle", "best", "total"]
    assert stages["worker"]["seconds_per_video"] > 0 and stages["post"]["seconds_per_video"] > 0
    assert stages["best"]["options"]["compile_blocks"] is True
    assert 0 <= stages["idle"]["overlapped"]["idle_fraction"] <= stages["idle"]["in_line"]["idle_fraction"]
    assert figures["machine"]["smoke"] is True
