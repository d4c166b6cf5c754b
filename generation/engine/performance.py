"""Per-model speed options on a loaded pipeline: attention backend, regional compilation and a step cache.

All are off by default: each changes numerics or pays a one-off cost, so an admin turns one on for a model
only after bench/bench_gpu.py has measured it on that model's GPU. The options a job ran with are recorded
on its output, so a reviewer can tell a cached render from a full one.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

STEP_CACHES = ("", "first_block", "taylorseer", "magcache")
# Children of a transformer block worth compiling when a step cache hooks the block itself.
_COMPILABLE_PARTS = ("attn1", "attn2", "ffn", "ff")


class PerformanceOptionError(ValueError):
    """An option this pipeline or this machine cannot apply (unknown cache, missing kernel, no ratios)."""


@dataclass(frozen=True)
class PerformanceOptions:
    attention_backend: str = ""
    compile_blocks: bool = False
    step_cache: str = ""
    step_cache_threshold: float = 0.05
    step_cache_ratios: list[float] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.step_cache not in STEP_CACHES:
            raise PerformanceOptionError(f"unknown step cache {self.step_cache!r}; known: {STEP_CACHES}")
        if self.step_cache == "magcache" and not self.step_cache_ratios:
            raise PerformanceOptionError("MagCache needs the checkpoint's published magnitude ratios")

    def recorded(self) -> dict[str, Any]:
        """The options as stored on each output (the ratios are the model's, not the job's: left out)."""
        recorded = asdict(self)
        recorded.pop("step_cache_ratios")
        if not self.step_cache:
            recorded["step_cache_threshold"] = None
        return recorded


def apply_load_time_options(pipeline, options: PerformanceOptions, **compile_kwargs) -> None:
    """Attention backend and compilation: set once, right after loading, before the warm-up compiles.

    `compile_kwargs` go to torch.compile (the benchmark's CPU smoke run compiles with the eager backend).
    """
    transformer = pipeline.transformer
    if options.attention_backend:
        try:
            transformer.set_attention_backend(options.attention_backend)
        except (ImportError, RuntimeError, ValueError) as exc:
            raise PerformanceOptionError(
                f"attention backend {options.attention_backend!r} is not usable here: {exc}"
            ) from exc
    if options.compile_blocks:
        if options.step_cache:
            # A step cache's hooks wrap whole blocks and break their graphs; the parts inside still compile.
            _compile_block_parts(transformer, **compile_kwargs)
        else:
            transformer.compile_repeated_blocks(fullgraph=True, **compile_kwargs)


def _compile_block_parts(transformer, **compile_kwargs) -> None:
    repeated = set(getattr(transformer, "_repeated_blocks", ()))
    for module in transformer.modules():
        if type(module).__name__ in repeated:
            for name in _COMPILABLE_PARTS:
                part = getattr(module, name, None)
                if part is not None:
                    part.compile(**compile_kwargs)


def step_cache_config(options: PerformanceOptions, steps: int):
    """The diffusers cache configuration for a run of `steps` steps, or None when no cache is set."""
    # diffusers (and torch with it) only where a pipeline runs, after the runner set HF_HUB_OFFLINE.
    from diffusers import FirstBlockCacheConfig, MagCacheConfig, TaylorSeerCacheConfig

    if options.step_cache == "first_block":
        return FirstBlockCacheConfig(threshold=options.step_cache_threshold)
    if options.step_cache == "taylorseer":
        return TaylorSeerCacheConfig()
    if options.step_cache == "magcache":
        return MagCacheConfig(
            threshold=options.step_cache_threshold,
            num_inference_steps=steps,
            mag_ratios=list(options.step_cache_ratios),
        )
    return None


class StepCacheState:
    """Keeps the transformer's step cache matching the next run, and clean after a run that did not end.

    diffusers resets a cache's state only at the normal end of a pipeline call, and MagCache's configuration
    depends on the step count, so the cache is (re)enabled per run when needed and reset after any failure.
    """

    def __init__(self, options: PerformanceOptions) -> None:
        self.options = options
        self._enabled_for_steps: int | None = None

    def prepare(self, pipeline, steps: int) -> None:
        if not self.options.step_cache:
            return
        transformer = pipeline.transformer
        depends_on_steps = self.options.step_cache == "magcache"
        if self._enabled_for_steps is not None and (not depends_on_steps or self._enabled_for_steps == steps):
            return
        if transformer.is_cache_enabled:
            transformer.disable_cache()
        transformer.enable_cache(step_cache_config(self.options, steps))
        self._enabled_for_steps = steps

    def reset(self, pipeline) -> None:
        """Forget what an interrupted run cached, so the next job starts from a clean state."""
        if self.options.step_cache and pipeline.transformer.is_cache_enabled:
            pipeline.transformer._reset_stateful_cache()
