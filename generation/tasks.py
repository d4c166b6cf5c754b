"""Celery tasks. Thin: claim or load rows, call services. Services never import this module: they enqueue by task
name through `generation.infrastructure.queue`, and only the workers load it (torch stays inside the engine)."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError

from generation.models import TraceRequest, WorkerState
from generation.services.execution import generation_job_execute, generation_job_fail, loaded_model_id
from generation.services.fleet import worker_heartbeat
from generation.services.reconcile import generation_jobs_reconcile
from generation.services.scheduling import generation_job_claim_next
from generation.services.trace import trace_request_run
from generation.worker import is_warm_gpu_worker

logger = logging.getLogger(__name__)


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=2,
    retry_backoff_max=60,
    max_retries=8,
)
def run_next_job(self) -> str | None:
    """A GPU is free: claim the fairest queued job and run its GPU part.

    The task returns when denoising and decoding are done; marks, encoding and storing continue on the
    post-processing thread while the next message's job denoises.
    """
    worker = self.request.hostname or "worker"
    job = generation_job_claim_next(worker=worker, loaded_model_id=loaded_model_id())
    if job is None:
        return None
    worker_heartbeat(worker, state=WorkerState.BUSY, job=job)
    try:
        generation_job_execute(job, overlap=is_warm_gpu_worker())
    except (OperationalError, InterfaceError):
        raise  # the database is away: retry later; the reconciler requeues the job if it stays stuck
    except Exception as exc:
        logger.exception("Job %s failed", job.pk)
        generation_job_fail(job, error=f"The generation failed: {exc}")
    finally:
        worker_heartbeat(worker, state=WorkerState.IDLE, model=job.model, job=None)
    return str(job.pk)


@shared_task(ignore_result=True)
def reconcile_jobs() -> dict:
    return generation_jobs_reconcile().__dict__


@shared_task(acks_late=True, autoretry_for=(OperationalError, InterfaceError), retry_backoff=2, max_retries=5)
def run_trace_request(request_id: str) -> None:
    """Decode a staff trace request's clip (invisible-watermark needs torch, so never in a web process)."""
    request = TraceRequest.objects.select_related("requested_by").filter(pk=request_id).first()
    if request is None:
        return
    try:
        trace_request_run(request)
    except (OperationalError, InterfaceError):
        raise
    except Exception as exc:
        logger.exception("Trace request %s failed", request_id)
        TraceRequest.objects.filter(pk=request_id).update(status=TraceRequest.Status.FAILED, error=str(exc)[:1000])
