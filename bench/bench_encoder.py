"""x264 preset and CRF against encoding time, file size and fidelity, at 480p and 720p.

    .venv/bin/python bench/bench_encoder.py [--frames 81] [--presets ultrafast,veryfast,...] [--crfs 18,20,23]

Each setting encodes the same camera-like clip (gradients, a moving disc, fine texture, mild noise) the
way the worker does (encode_mp4: yuv420p, BT.709, faststart) and reports the median wall seconds and CPU
seconds (all of x264's threads; steady on a shared machine where wall time is not) of --runs, the bytes, and
the luma PSNR against the source. The baseline is the worker's setting before this benchmark
(preset medium, CRF 18), measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from generation.engine.encode import encode_mp4, read_frames  # noqa: E402

SIZES = {"480p": (832, 480), "720p": (1280, 720)}


def scene(frames: int, width: int, height: int) -> np.ndarray:
    """Smooth gradients, a moving disc, a fine stripe texture and sensor-like noise (sigma 2)."""
    rng = np.random.default_rng(0)
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    clip = []
    for index in range(frames):
        frame = np.stack(
            [xs / width * 200 + 30, ys / height * 150 + 50, 128 + 60 * np.sin((xs + ys + 6 * index) / 40)], axis=-1
        )
        frame += 12 * np.sin((xs * 0.9 + index) / 2.5)[..., None] * (ys > height * 0.7)[..., None]
        disc = (xs - width * 0.2 - 6 * index) ** 2 + (ys - height / 2) ** 2 < (height / 6) ** 2
        frame[disc] = (230, 200, 40)
        frame += rng.normal(0, 2, frame.shape)
        clip.append(np.clip(frame, 0, 255).astype(np.uint8))
    return np.stack(clip)


def luma(frames: np.ndarray) -> np.ndarray:
    return frames.astype(np.float32) @ np.array([0.2126, 0.7152, 0.0722], dtype=np.float32)


def psnr(source: np.ndarray, decoded: np.ndarray) -> float:
    height, width = decoded.shape[1:3]
    error = np.mean((luma(source[:, :height, :width]) - luma(decoded)) ** 2)
    return float(10 * np.log10(255.0**2 / max(error, 1e-9)))


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def measure(frames: np.ndarray, preset: str, crf: int, runs: int) -> dict:
    with tempfile.TemporaryDirectory() as workdir:
        path = Path(workdir) / "clip.mp4"
        seconds, cpu_seconds = [], []
        for _ in range(runs):
            started, cpu_started = time.perf_counter(), _cpu_seconds()
            meta = encode_mp4(frames, 16, path, crf=crf, preset=preset)
            seconds.append(time.perf_counter() - started)
            cpu_seconds.append(_cpu_seconds() - cpu_started)
        return {
            "preset": preset,
            "crf": crf,
            "seconds": round(statistics.median(seconds), 3),
            "cpu_seconds": round(statistics.median(cpu_seconds), 3),
            "bytes": meta.size_bytes,
            "psnr_y_db": round(psnr(frames, read_frames(path)), 2),
        }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=81)
    parser.add_argument("--presets", default="ultrafast,superfast,veryfast,faster,fast,medium")
    parser.add_argument("--crfs", default="18,20,23")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--sizes", default="480p,720p")
    args = parser.parse_args(argv)
    results = {}
    for size in args.sizes.split(","):
        frames = scene(args.frames, *SIZES[size])
        rows = [
            measure(frames, preset, int(crf), args.runs)
            for preset in args.presets.split(",")
            for crf in args.crfs.split(",")
        ]
        results[size] = rows
        for row in rows:
            print(size, json.dumps(row), flush=True)
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
