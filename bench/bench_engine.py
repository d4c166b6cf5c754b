"""Baseline for the platform-overhead benchmark: the bare pipeline call and the output steps, timed alone.

    .venv/bin/python -m bench.bench_engine [--model DIR] [--runs 5] [--json]

Without --model it builds the demo model in a temporary directory. Each stage is timed after one warm-up
run and reported as the median of --runs; `baseline_seconds` is the pipeline call plus the MP4 encode.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from generation.engine.demo_model import build_demo_model
from generation.engine.encode import encode_mp4, write_poster
from generation.engine.runner import generate, load_pipeline
from generation.engine.watermark import apply_visible_mark, decode_forensic, embed_forensic


def measure_engine(
    model_dir: Path,
    *,
    family: str = "wan",
    width: int = 256,
    height: int = 256,
    num_frames: int = 17,
    steps: int = 4,
    runs: int = 5,
) -> dict[str, float]:
    """Median seconds per stage for one video of the given shape, plus the one-off load time."""
    started = time.perf_counter()
    loaded = load_pipeline(model_dir, family)
    figures = {"load_seconds": time.perf_counter() - started}

    def pipeline_call():
        return generate(
            loaded,
            prompt="a lighthouse on a cliff at dusk, waves crashing",
            negative_prompt="",
            width=width,
            height=height,
            num_frames=num_frames,
            steps=steps,
            guidance=5.0,
            seed=1,
        )

    result = pipeline_call()
    visibly_marked = apply_visible_mark(result.frames, label="VERNISSAGE · bench1")
    marked = embed_forensic(visibly_marked, payload_id=1)
    with tempfile.TemporaryDirectory() as workdir:
        video_path, poster_path = Path(workdir) / "bench.mp4", Path(workdir) / "bench.jpg"
        stages: dict[str, Callable[[], object]] = {
            "pipeline_seconds": pipeline_call,
            "visible_mark_seconds": lambda: apply_visible_mark(result.frames, label="VERNISSAGE · bench1"),
            "forensic_mark_seconds": lambda: embed_forensic(visibly_marked, payload_id=1),
            "encode_seconds": lambda: encode_mp4(marked, result.fps, video_path),
            "poster_seconds": lambda: write_poster(marked, poster_path),
            "forensic_decode_seconds": lambda: decode_forensic(marked),
        }
        for name, stage in stages.items():
            figures[name] = _median_seconds(stage, runs)
    figures["baseline_seconds"] = figures["pipeline_seconds"] + figures["encode_seconds"]
    return figures


def _median_seconds(stage: Callable[[], object], runs: int) -> float:
    stage()
    durations = []
    for _ in range(runs):
        started = time.perf_counter()
        stage()
        durations.append(time.perf_counter() - started)
    return statistics.median(durations)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, help="a diffusers pipeline directory (default: build the demo model)")
    parser.add_argument("--family", default="wan")
    parser.add_argument("--width", type=int, default=256)
    parser.add_argument("--height", type=int, default=256)
    parser.add_argument("--frames", type=int, default=17)
    parser.add_argument("--steps", type=int, default=4)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    arguments = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        model_dir = arguments.model
        if model_dir is None:
            model_dir = Path(scratch) / "demo"
            started = time.perf_counter()
            build_demo_model(model_dir)
            print(f"built the demo model in {time.perf_counter() - started:.2f} s", file=sys.stderr)
        figures = measure_engine(
            model_dir,
            family=arguments.family,
            width=arguments.width,
            height=arguments.height,
            num_frames=arguments.frames,
            steps=arguments.steps,
            runs=arguments.runs,
        )

    if arguments.json:
        print(json.dumps(figures))
        return
    shape = f"{arguments.width}x{arguments.height}, {arguments.frames} frames, {arguments.steps} steps"
    print(f"engine stages for {shape} (median of {arguments.runs}):")
    for name, seconds in figures.items():
        print(f"  {name.removesuffix('_seconds'):<16} {seconds:8.3f} s")


if __name__ == "__main__":
    main()
