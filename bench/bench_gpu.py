"""The GPU worker at full size: seconds per video, peak memory, post-processing and GPU idle time.

    .venv/bin/python bench/bench_gpu.py [--out bench-gpu.json] [--steps 50] [--frames 81]
    .venv/bin/python bench/bench_gpu.py --smoke          # every stage at toy size on the CPU, under a minute

Builds the full-size Wan2.1-T2V-1.3B architecture (transformer and VAE from the published configurations)
with random weights on the device: nothing is downloaded, and the timings do not depend on the weights.
The text encoder is left out; random prompt embeddings of its output shape stand in (it runs once per job,
against 2 x 50 transformer passes). Stages, each writing its figures to --out as soon as it finishes:

1. defaults:   diffusers' defaults, float frames copied off the GPU (the worker before this change).
2. worker:     the worker's path: the same options (all off), frames to uint8 on the device.
3. best:       the fastest attention backend available + regional compilation + a first-block step cache.
4. post:       marks, encoding and poster for one video on the CPU (what overlaps the next job).
5. idle:       GPU idle fraction across two back-to-back jobs, post-processing in line vs overlapped.

Sized to finish within 8 minutes on one H100/H200 at 832x480, 81 frames, 50 steps.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ["HF_HUB_OFFLINE"] = "1"

# diffusers' WanTransformer3DModel and AutoencoderKLWan configurations of Wan-AI/Wan2.1-T2V-1.3B-Diffusers.
WAN_1_3B_TRANSFORMER = {
    "patch_size": (1, 2, 2),
    "num_attention_heads": 12,
    "attention_head_dim": 128,
    "in_channels": 16,
    "out_channels": 16,
    "text_dim": 4096,
    "freq_dim": 256,
    "ffn_dim": 8960,
    "num_layers": 30,
    "cross_attn_norm": True,
    "qk_norm": "rms_norm_across_heads",
    "eps": 1e-6,
    "rope_max_seq_len": 1024,
}
WAN_VAE = {"base_dim": 96, "z_dim": 16, "dim_mult": [1, 2, 4, 4], "num_res_blocks": 2}
TEXT_TOKENS, TEXT_DIM = 512, 4096
# Toy sizes for --smoke: the same classes, small enough for a CPU.
TOY_TRANSFORMER = WAN_1_3B_TRANSFORMER | {
    "num_attention_heads": 2, "attention_head_dim": 12, "text_dim": 32, "freq_dim": 32, "ffn_dim": 32, "num_layers": 2,
}  # fmt: skip
TOY_VAE = {"base_dim": 4, "z_dim": 16, "dim_mult": [1, 1, 1, 1], "num_res_blocks": 1}
BEST_BACKENDS = ("_flash_3", "flash", "_native_cudnn")


class Figures:
    """The run's figures, rewritten to disk after every stage so a run cut short keeps what it measured."""

    def __init__(self, path: Path, **header) -> None:
        self.path = path
        self.data: dict = {"machine": header, "stages": {}}
        self._write()

    def stage(self, name: str, **values) -> None:
        self.data["stages"][name] = values
        self._write()
        print(f"{name}: {json.dumps(values)}", flush=True)

    def _write(self) -> None:
        self.path.write_text(json.dumps(self.data, indent=2))


def build_pipeline(*, smoke: bool, device: str):
    """A WanPipeline of random weights in the published shapes (toy shapes with --smoke), on `device`."""
    import torch
    from diffusers import AutoencoderKLWan, UniPCMultistepScheduler, WanPipeline, WanTransformer3DModel

    dtype = torch.float32 if device == "cpu" else torch.bfloat16
    torch.manual_seed(0)
    with torch.device(device):
        transformer = WanTransformer3DModel(**(TOY_TRANSFORMER if smoke else WAN_1_3B_TRANSFORMER)).to(dtype)
        _keep_in_float32(transformer)
        vae = AutoencoderKLWan(**(TOY_VAE if smoke else WAN_VAE), temperal_downsample=[False, True, True])
    scheduler = UniPCMultistepScheduler(
        prediction_type="flow_prediction", use_flow_sigmas=True, num_train_timesteps=1000, flow_shift=3.0
    )
    pipeline = WanPipeline(tokenizer=None, text_encoder=None, vae=vae, scheduler=scheduler, transformer=transformer)
    pipeline.set_progress_bar_config(disable=True)
    return pipeline, dtype


def _keep_in_float32(model) -> None:
    """What from_pretrained does for Wan: norms, rotary and time embeddings stay in float32."""
    import torch

    keep = set(getattr(model, "_keep_in_fp32_modules", None) or ())
    for name, module in model.named_modules():
        if keep & set(name.split(".")):
            module.to(torch.float32)


class Shape:
    def __init__(self, args) -> None:
        self.width, self.height, self.frames, self.steps = args.width, args.height, args.frames, args.steps
        self.text_dim = TOY_TRANSFORMER["text_dim"] if args.smoke else TEXT_DIM


def run_video(pipeline, shape: Shape, dtype, device: str, *, uint8_on_device: bool):
    """One video as the worker makes it; returns host uint8 frames (frames, height, width, 3)."""
    import numpy as np
    import torch

    from generation.engine.runner import frames_to_uint8

    embeds = torch.randn(1, TEXT_TOKENS, shape.text_dim, device=device, dtype=dtype)
    output = pipeline(
        prompt_embeds=embeds,
        negative_prompt_embeds=torch.zeros_like(embeds),
        width=shape.width,
        height=shape.height,
        num_frames=shape.frames,
        num_inference_steps=shape.steps,
        guidance_scale=5.0,
        generator=torch.Generator(device=device).manual_seed(0),
        output_type="pt" if uint8_on_device else "np",
    )
    if uint8_on_device:
        return frames_to_uint8(output.frames[0])
    # The former path: float32 frames copied to the host, then converted through CPU temporaries.
    return np.clip(np.rint(np.asarray(output.frames[0], dtype=np.float32) * 255.0), 0, 255).astype(np.uint8)


def timed_video(pipeline, shape, dtype, device, *, uint8_on_device: bool) -> tuple[float, float, object]:
    """Seconds and peak device memory (GiB, 0 on CPU) of one video, after the caller's warm-up."""
    import torch

    if device == "cuda":
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
    started = time.perf_counter()
    frames = run_video(pipeline, shape, dtype, device, uint8_on_device=uint8_on_device)
    if device == "cuda":
        torch.cuda.synchronize()
    seconds = time.perf_counter() - started
    peak = torch.cuda.max_memory_allocated() / 2**30 if device == "cuda" else 0.0
    return seconds, peak, frames


def warm(pipeline, shape: Shape, dtype, device: str, *, uint8_on_device: bool = True) -> float:
    """One short run at the full spatial size (kernels, allocator, compilation); seconds."""
    short = Shape.__new__(Shape)
    short.__dict__ = shape.__dict__ | {"steps": 2}
    started = time.perf_counter()
    run_video(pipeline, short, dtype, device, uint8_on_device=uint8_on_device)
    return time.perf_counter() - started


def best_options(device: str, smoke: bool):
    """The fastest attention backend this machine can run, compilation and a first-block cache."""
    from generation.engine.performance import PerformanceOptions

    backend = ""
    if device == "cuda" and not smoke:
        backend = next((name for name in BEST_BACKENDS if _backend_usable(name)), "")
    return PerformanceOptions(
        attention_backend=backend, compile_blocks=True, step_cache="first_block", step_cache_threshold=0.05
    )


def _backend_usable(name: str) -> bool:
    import torch
    from diffusers.models.attention_dispatch import dispatch_attention_fn

    q = torch.randn(1, 64, 2, 64, device="cuda", dtype=torch.bfloat16)
    try:
        dispatch_attention_fn(q, q, q, backend=name)
        return True
    except Exception:  # noqa: BLE001 -- missing kernel or unsupported GPU: not usable here
        return False


def post_process_seconds(frames, fps: int = 16) -> float:
    from generation.engine.render import render_output
    from generation.engine.watermark import MIN_FRAME_PIXELS

    if frames.shape[1] * frames.shape[2] < MIN_FRAME_PIXELS:  # toy frames: scaled up to a size the marks accept
        scale = -(-256 // min(frames.shape[1:3]))
        frames = frames.repeat(scale, axis=1).repeat(scale, axis=2)
    with tempfile.TemporaryDirectory() as workdir:
        started = time.perf_counter()
        render_output(frames, fps, output_short_id="bench", payload_id=12345, workdir=Path(workdir))
        return time.perf_counter() - started


def _gap_between_jobs(pipeline, shape, dtype, device, *, overlap: bool) -> dict:
    """The GPU idle gap between job 1's end of decoding and job 2's start, over job 1 start to job 2 end."""
    first_start = time.perf_counter()
    frames = run_video(pipeline, shape, dtype, device, uint8_on_device=True)
    first_end = time.perf_counter()
    worker = threading.Thread(target=post_process_seconds, args=(frames,))
    worker.start()
    if not overlap:
        worker.join()
    second_start = time.perf_counter()
    run_video(pipeline, shape, dtype, device, uint8_on_device=True)
    second_end = time.perf_counter()
    worker.join()
    gap = second_start - first_end
    return {"idle_gap_seconds": round(gap, 3), "idle_fraction": round(gap / (second_end - first_start), 4)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="toy sizes on the CPU: checks every stage runs")
    parser.add_argument("--out", type=Path, default=Path("bench-gpu.json"))
    parser.add_argument("--width", type=int, default=832)
    parser.add_argument("--height", type=int, default=480)
    parser.add_argument("--frames", type=int, default=81)
    parser.add_argument("--steps", type=int, default=50)
    args = parser.parse_args(argv)
    if args.smoke:
        args.width, args.height, args.frames, args.steps = 64, 64, 5, 2

    import torch

    from generation.engine.performance import PerformanceOptions, StepCacheState, apply_load_time_options

    device = "cpu" if args.smoke or not torch.cuda.is_available() else "cuda"
    figures = Figures(
        args.out,
        device=torch.cuda.get_device_name() if device == "cuda" else platform.processor() or "cpu",
        torch=torch.__version__,
        shape=f"{args.width}x{args.height}x{args.frames}, {args.steps} steps",
        smoke=args.smoke,
        date=time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    )
    shape = Shape(args)
    compile_kwargs = {"backend": "eager"} if device == "cpu" else {}

    started = time.perf_counter()
    pipeline, dtype = build_pipeline(smoke=args.smoke, device=device)
    figures.stage("build", seconds=round(time.perf_counter() - started, 2))

    warm(pipeline, shape, dtype, device, uint8_on_device=False)
    seconds, peak, _ = timed_video(pipeline, shape, dtype, device, uint8_on_device=False)
    figures.stage("defaults", seconds_per_video=round(seconds, 2), peak_memory_gib=round(peak, 2))

    apply_load_time_options(pipeline, PerformanceOptions())
    warm(pipeline, shape, dtype, device)
    seconds, peak, frames = timed_video(pipeline, shape, dtype, device, uint8_on_device=True)
    figures.stage("worker", seconds_per_video=round(seconds, 2), peak_memory_gib=round(peak, 2))

    post = post_process_seconds(frames)
    figures.stage("post", seconds_per_video=round(post, 2), frames=list(frames.shape))

    gaps = {mode: _gap_between_jobs(pipeline, shape, dtype, device, overlap=mode == "overlapped")
            for mode in ("in_line", "overlapped")}  # fmt: skip
    figures.stage("idle", **gaps)

    options = best_options(device, args.smoke)
    apply_load_time_options(pipeline, options, **compile_kwargs)
    cache = StepCacheState(options)
    cache.prepare(pipeline, shape.steps)
    compile_seconds = warm(pipeline, shape, dtype, device)
    cache.reset(pipeline)
    seconds, peak, _ = timed_video(pipeline, shape, dtype, device, uint8_on_device=True)
    figures.stage(
        "best",
        options=options.recorded(),
        seconds_per_video=round(seconds, 2),
        peak_memory_gib=round(peak, 2),
        warm_up_with_compilation_seconds=round(compile_seconds, 2),
    )
    figures.stage("total", seconds=round(time.perf_counter() - started, 2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
