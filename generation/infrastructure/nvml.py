"""The machine's GPU as NVIDIA's management library (NVML, through nvidia-ml-py) reports it: memory and
utilisation, for the fleet rows. Empty figures where there is no NVIDIA driver (development machines, CI)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class GpuFigures:
    device: str = ""
    memory_used_bytes: int | None = None
    memory_total_bytes: int | None = None
    utilisation_percent: float | None = None


def gpu_figures(index: int = 0) -> GpuFigures:
    """This machine's GPU `index` as NVML sees it, or empty figures where there is no NVIDIA driver."""
    try:
        import pynvml  # nvidia-ml-py is a worker package (requirements/worker.txt)

        pynvml.nvmlInit()
        handle = pynvml.nvmlDeviceGetHandleByIndex(index)
        memory = pynvml.nvmlDeviceGetMemoryInfo(handle)
        return GpuFigures(
            device=str(pynvml.nvmlDeviceGetName(handle)),
            memory_used_bytes=int(memory.used),
            memory_total_bytes=int(memory.total),
            utilisation_percent=float(pynvml.nvmlDeviceGetUtilizationRates(handle).gpu),
        )
    except Exception:  # noqa: BLE001 -- no library, no driver or no such GPU: nothing to report
        return GpuFigures(device="cpu")
