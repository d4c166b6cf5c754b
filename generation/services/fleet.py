"""The GPU fleet: each worker writes its own row (state, loaded model, current job, GPU figures); staff read it.

Importable by web processes: nothing here touches torch. GPU figures come from NVML, read in
`generation.infrastructure.nvml`.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import Count, Q
from django.utils import timezone

from generation.infrastructure.nvml import gpu_figures
from generation.models import GenerationJob, GenerationModel, GpuWorker, JobStatus, WorkerState

logger = logging.getLogger(__name__)


def worker_heartbeat(
    name: str,
    *,
    state: str | None = None,
    model: GenerationModel | None | bool = False,
    job: GenerationJob | None | bool = False,
    load_seconds: float | None = None,
) -> None:
    """Write this worker's row; `False` leaves the loaded model or current job as it is."""
    figures = gpu_figures(settings.GENERATION_GPU_INDEX)
    now = timezone.now()
    values = {
        "heartbeat_at": now,
        "device": figures.device[:120],
        "gpu_memory_used_bytes": figures.memory_used_bytes,
        "gpu_memory_total_bytes": figures.memory_total_bytes,
        "gpu_utilisation_percent": figures.utilisation_percent,
    }
    if state is not None:
        values["state"] = state
    if model is not False:
        values["loaded_model"] = model
    if job is not False:
        values["current_job"] = job
    if load_seconds is not None:
        values["load_seconds"] = load_seconds
    GpuWorker.objects.update_or_create(name=name[:200], defaults=values, create_defaults={**values, "started_at": now})


def worker_started(name: str) -> None:
    """A (re)started worker holds nothing yet: its row starts over, loading."""
    worker_heartbeat(name, state=WorkerState.LOADING, model=None, job=None, load_seconds=0.0)
    GpuWorker.objects.filter(name=name[:200]).update(started_at=timezone.now())


class WorkerPulse:
    """Beats the worker's row from a thread while the main thread loads, warms up or generates."""

    def __init__(self, name: str, interval: float) -> None:
        self.name = name
        self.interval = interval
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"pulse-{name}", daemon=True)

    def start(self) -> WorkerPulse:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join()

    def _beat(self) -> None:
        try:
            while not self._stopped.wait(self.interval):
                try:
                    worker_heartbeat(self.name)
                except DatabaseError:
                    logger.warning("Heartbeat of worker %s not written; retrying", self.name, exc_info=True)
        finally:
            connection.close()


@dataclass(frozen=True)
class FleetRow:
    worker: GpuWorker
    heartbeat_age_seconds: float
    jobs_last_hour: int
    is_stale: bool


def fleet_rows() -> list[FleetRow]:
    """Every worker seen in the last day, with its heartbeat age and the jobs it finished in the last hour."""
    now = timezone.now()
    hour_ago = now - timedelta(hours=1)
    finished = dict(
        GenerationJob.objects.filter(finished_at__gte=hour_ago, status=JobStatus.SUCCEEDED)
        .values_list("worker")
        .annotate(count=Count("pk"))
        .values_list("worker", "count")
    )
    workers = GpuWorker.objects.filter(heartbeat_at__gte=now - timedelta(days=1)).select_related(
        "loaded_model", "current_job"
    )
    rows = []
    for worker in workers:
        age = (now - worker.heartbeat_at).total_seconds()
        rows.append(
            FleetRow(
                worker=worker,
                heartbeat_age_seconds=age,
                jobs_last_hour=finished.get(worker.name, 0),
                is_stale=age > settings.GENERATION_STALE_SECONDS or worker.state == WorkerState.STOPPED,
            )
        )
    return rows


def worker_is_healthy(name: str) -> bool:
    """The worker's row is fresh and it is not stopped: what a container health check asks."""
    fresh_after = timezone.now() - timedelta(seconds=settings.GENERATION_STALE_SECONDS)
    return GpuWorker.objects.filter(
        Q(name=name) & Q(heartbeat_at__gte=fresh_after) & ~Q(state=WorkerState.STOPPED)
    ).exists()
