"""Tracing leaked clips on realistic content: each attack a leak goes through, a hundred trials each.

Content: slow pans and zooms over scikit-image's photographs with camera noise (832x480, 3 s at 16 fps),
and the demo model's outputs (256x256). Each marked output is encoded as the product encodes it (CRF 18),
decoded, put through every attack of `support/leaks.py` (geometry with OpenCV, encodes
with PyAV's FFmpeg: libx264 and libx265) and traced with `decode_forensic`, which is given nothing but
the frames. Then: clips without our mark or with another key's, which must name nobody; the mark's PSNR;
embedding seconds per 1080p frame on one core; seconds to trace a 10-second 1080p clip on two cores.

Run through `bench/bench_leaks.py --trace-only [--trace-count 100] [--unmarked-count 1000]`.
"""

from __future__ import annotations

import functools
import statistics
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

FPS = 16


def run(count: int, unmarked_count: int, demo_count: int, marks: list[str], *, jobs: int = 2, baseline_count: int = 10):
    """The first of `marks` over `count` photo pans and `demo_count` demo outputs; each later mark (the baseline)
    over the first `baseline_count` of the same pans, with the same payloads and the same attack draws."""
    from support.leaks import ATTACKS

    with ProcessPoolExecutor(jobs) as pool:
        for index, mark in enumerate(marks):
            pans = count if index == 0 else min(count, baseline_count)
            demos = demo_count if index == 0 else 0
            print(f"\n## (d) tracing, {mark} mark: {pans} photo pans and {demos} demo-model outputs per attack")
            photo = _attack_trials(pool, pans, "photo", mark)
            demo = _attack_trials(pool, demos, "demo", mark) if demos else None
            header = f"{'attack':40} {'photo pans (832x480)':>24} {'demo outputs (256x256)':>24}  decode s (median)"
            print(header)
            for name in ATTACKS:
                found, wrong, seconds = photo["results"][name]
                row = f"{name:40} {f'{found}/{pans}, wrong {wrong}':>24}"
                if demo:
                    demo_found, demo_wrong, _ = demo["results"][name]
                    row += f" {f'{demo_found}/{demos}, wrong {demo_wrong}':>24}"
                print(f"{row}  {statistics.median(seconds):.2f}")
            psnrs = photo["psnrs"] + (demo["psnrs"] if demo else [])
            print(f"PSNR of the mark: min {min(psnrs):.2f} dB, median {statistics.median(psnrs):.2f} dB")
        _unmarked(pool, unmarked_count)
    _speed(np.random.default_rng(10))


def _attack_trials(pool, count: int, content: str, mark: str) -> dict:
    """Every attack on `count` marked outputs, one output per task: output n and its attacks' random draws come
    from its own seed, so a run's figures do not depend on how the trials were spread over processes."""
    from support.leaks import ATTACKS

    results = {name: [0, 0, []] for name in ATTACKS}
    psnrs = []
    started = time.perf_counter()
    trials = pool.map(_attack_trial, [(content, n, mark) for n in range(count)])
    for done, (psnr, rows) in enumerate(trials, start=1):
        psnrs.append(psnr)
        for name, (found, wrong, seconds) in rows.items():
            results[name][0] += found
            results[name][1] += wrong
            results[name][2].append(seconds)
        found_so_far = sum(row[0] for row in results.values())
        print(f"  {content} output {done}/{count}: {found_so_far} found of {done * len(ATTACKS)} so far", flush=True)
    print(f"{content}: {count} outputs x {len(ATTACKS)} attacks in {time.perf_counter() - started:.0f} s")
    return {"results": results, "psnrs": psnrs}


def _attack_trial(task: tuple[str, int, str]) -> tuple[float, dict]:
    from generation.engine.encode import encode_mp4, read_frames
    from generation.engine.watermark import MAX_PAYLOAD_ID, decode_forensic, embed_forensic
    from support.leaks import ATTACKS

    content, n, mark = task
    rng = np.random.default_rng([SEEDS[content], n])
    frames = _demo_clip(rng) if content == "demo" else _photo_clip(rng)
    payload = int(rng.integers(0, MAX_PAYLOAD_ID + 1))
    marked = embed_forensic(frames, payload, mark=mark)
    rows = {}
    with tempfile.TemporaryDirectory() as workdir:
        path = Path(workdir) / "output.mp4"
        encode_mp4(marked, FPS, path)
        output = read_frames(path)
    for name, attack in ATTACKS.items():
        leaked = attack(output, FPS, rng)
        decode_started = time.perf_counter()
        # As the trace page reads: every preset size is a candidate original size for the earlier marks.
        result = decode_forensic(leaked, original_sizes=_preset_sizes())
        seconds = time.perf_counter() - decode_started
        named = result.payload_id is not None
        rows[name] = (result.payload_id == payload, named and result.payload_id != payload, seconds)
    return _psnr(frames, marked), rows


SEEDS = {"photo": 7, "demo": 8, "unmarked": 9}


def _photo_clip(rng, *, width: int = 832, height: int = 480, frames: int = 48):
    from support.leaks import photo_pan

    return photo_pan(rng, frames=frames, width=width, height=height)


def _demo_clip(rng) -> np.ndarray:
    """One of the demo model's outputs: 256x256, 33 frames (2 s), a prompt and seed of its own."""
    import torch

    from generation.engine.runner import generate

    torch.set_num_threads(1)
    prompts = ("a red fox in the snow", "a lighthouse at dusk", "waves on a pebble beach", "a city street at night")
    return generate(
        _demo_pipeline(),
        prompt=prompts[int(rng.integers(len(prompts)))],
        negative_prompt="",
        width=256,
        height=256,
        num_frames=33,
        steps=4,
        guidance=5.0,
        seed=int(rng.integers(0, 2**31)),
    ).frames


@functools.cache
def _demo_pipeline():
    """The demo model, built once per process."""
    from generation.engine.demo_model import build_demo_model
    from generation.engine.runner import load_pipeline

    directory = Path(tempfile.mkdtemp()) / "demo"
    build_demo_model(directory)
    return load_pipeline(directory, "wan")


def _unmarked(pool, count: int) -> None:
    """Photo pans without a mark, or with another key's, through a random attack: none may name anyone."""
    started = time.perf_counter()
    readings = list(pool.map(_unmarked_trial, range(count), chunksize=8))
    named = sum(payload_id is not None for payload_id, _ in readings)
    highest = max(confidence for _, confidence in readings)
    print(
        f"unmarked or another key's: {count} clips (photo pans 256-832 x 480, half marked with other keys, half of "
        f"all through an attack, the rest CRF 28): named {named} (must be 0), highest bit confidence "
        f"{highest:.3f}; {time.perf_counter() - started:.0f} s"
    )


def _unmarked_trial(n: int) -> tuple[int | None, float]:
    from generation.engine.watermark import MAX_PAYLOAD_ID, TILE_KEY, embed_tile_bits, payload_bits, read_tiled_mark
    from support.leaks import ATTACKS, reencode

    rng = np.random.default_rng([SEEDS["unmarked"], n])
    attacks = list(ATTACKS.values())
    frames = _photo_clip(rng, frames=24, width=int(rng.choice([256, 480, 832])), height=480)
    if n % 2:
        key = int(rng.integers(1, 2**47)) ^ TILE_KEY
        frames = embed_tile_bits(frames, payload_bits(int(rng.integers(0, MAX_PAYLOAD_ID + 1))), key=key)
    leaked = attacks[n % len(attacks)](frames, FPS, rng) if n % 4 < 2 else reencode(frames, FPS, crf=28)
    result = read_tiled_mark(leaked)
    return result.payload_id, result.confidence


def _speed(rng) -> None:
    import cv2

    from generation.engine.encode import encode_mp4
    from generation.engine.watermark import embed_forensic
    from generation.services.trace import MAX_TRACE_FRAMES

    frames = _photo_clip(rng, width=1920, height=1080, frames=16)
    threads = cv2.getNumThreads()
    cv2.setNumThreads(1)
    embed_forensic(frames[:1], 1, mark="tile")
    wall, cpu = [], []
    for _ in range(3):
        started, started_cpu = time.perf_counter(), time.process_time()
        embed_forensic(frames, 1, mark="tile")
        wall.append((time.perf_counter() - started) / len(frames))
        cpu.append((time.process_time() - started_cpu) / len(frames))
    cv2.setNumThreads(threads)
    print(
        f"embed seconds per 1920x1080 frame, one thread (best of 3 runs of 16 frames): CPU {min(cpu):.4f}, "
        f"wall {min(wall):.4f} (goal <= 0.02)"
    )
    marked = embed_forensic(np.concatenate([frames] * 10)[: 10 * FPS], 1, mark="tile")
    with tempfile.TemporaryDirectory() as workdir:
        path = Path(workdir) / "ten-seconds.mp4"
        encode_mp4(marked, FPS, path, crf=23)
        started, started_cpu = time.perf_counter(), time.process_time()
        result = _trace_file(path)
        print(
            f"trace a 10-second 1920x1080 clip (reads the first {MAX_TRACE_FRAMES} frames, then decodes): "
            f"wall {time.perf_counter() - started:.2f} s, CPU {time.process_time() - started_cpu:.2f} s "
            f"(goal <= 10 s on 2 cores), found: {result.payload_id == 1}"
        )


def _trace_file(path: Path):
    from generation.engine.encode import read_frames
    from generation.engine.watermark import decode_forensic
    from generation.services.trace import MAX_TRACE_FRAMES

    # As the trace page reads: every preset size is a candidate original size for the earlier marks.
    return decode_forensic(read_frames(path, max_frames=MAX_TRACE_FRAMES), original_sizes=_preset_sizes())


def _preset_sizes():
    from generation.services.trace import preset_sizes

    return preset_sizes()


def _psnr(reference, marked) -> float:
    mse = float(np.mean((reference.astype(np.float32) - marked.astype(np.float32)) ** 2))
    return 10 * np.log10(255**2 / mse)
