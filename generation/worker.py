"""The GPU worker's life: load and warm its model before it takes a job, beat its fleet row, drain at exit.

Connected to Celery's worker signals in GenerationConfig.ready(); it acts only in a worker that consumes the
GPU queue, and imports torch only there.
"""

from __future__ import annotations

import logging
import time

from celery.signals import worker_ready, worker_shutdown
from django.conf import settings
from django.db.models import Count, Q

from generation.models import GenerationModel, JobStatus, WorkerState
from generation.services.fleet import WorkerPulse, worker_heartbeat, worker_started

logger = logging.getLogger(__name__)

_pulse = None


def is_warm_gpu_worker() -> bool:
    """This process is a GPU worker started by Celery (not a task run in-process by a test or a shell)."""
    return _pulse is not None


def _is_gpu_worker(consumer) -> bool:
    return settings.GENERATION_QUEUE in consumer.app.amqp.queues.consume_from


def worker_name(consumer) -> str:
    return getattr(consumer, "hostname", None) or "worker"


def model_to_warm() -> GenerationModel | None:
    """GENERATION_WORKER_MODEL by name, else the active model with the most queued jobs, else the first."""
    active = GenerationModel.objects.filter(is_active=True)
    if settings.GENERATION_WORKER_MODEL:
        return active.filter(name=settings.GENERATION_WORKER_MODEL).first()
    return (
        active.annotate(queued=Count("jobs", filter=Q(jobs__status=JobStatus.QUEUED))).order_by("-queued", "pk").first()
    )


def on_worker_ready(sender=None, **kwargs) -> None:
    """Runs on the worker's main thread before its first message: with the solo pool, nothing is consumed
    until the model is loaded and warmed, so no tester's job ever pays for (or waits inside) the load."""
    global _pulse
    if sender is None or not _is_gpu_worker(sender):
        return
    name = worker_name(sender)
    worker_started(name)
    _pulse = WorkerPulse(name, interval=max(0.2, settings.GENERATION_STALE_SECONDS / 5)).start()
    model = model_to_warm()
    if model is None:
        worker_heartbeat(name, state=WorkerState.IDLE)
        return
    warm_seconds = warm_start(name, model)
    logger.info("Worker %s warm with %s in %.1f s", name, model, warm_seconds)


def warm_start(name: str, model: GenerationModel) -> float:
    """Load `model` and run the warm-up; seconds spent. The fleet row says loading, then warming, then idle."""
    # Only a GPU worker needs the engine (numpy, PyAV); every process imports this module in ready().
    from generation.engine.runner import warm_up
    from generation.services.execution import pipeline_for

    started = time.monotonic()
    worker_heartbeat(name, state=WorkerState.LOADING)
    loaded = pipeline_for(model)
    worker_heartbeat(name, state=WorkerState.WARMING, model=model, load_seconds=time.monotonic() - started)
    warm_up(loaded)
    seconds = time.monotonic() - started
    worker_heartbeat(name, state=WorkerState.IDLE, load_seconds=seconds)
    return seconds


def on_worker_shutdown(sender=None, **kwargs) -> None:
    """Finish the video being post-processed (a warm shutdown loses nothing), then mark the worker stopped."""
    if _pulse is None:
        return
    from generation.services.execution import post_processor  # the engine, as in warm_start

    post_processor.drain()
    _pulse.stop()
    worker_heartbeat(_pulse.name, state=WorkerState.STOPPED, job=None)


def connect_signals() -> None:
    worker_ready.connect(on_worker_ready, weak=False, dispatch_uid="generation.worker_ready")
    worker_shutdown.connect(on_worker_shutdown, weak=False, dispatch_uid="generation.worker_shutdown")
