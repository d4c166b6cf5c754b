"""The reconciler: jobs whose worker died go back to the queue (or fail), and lost queue messages are re-sent."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accessprogram.celery import app
from accessprogram.services.audit import audit_record
from accessprogram.services.context import Actor
from generation.infrastructure.queue import send_run_next_job
from generation.infrastructure.storage import delete_quietly, output_keys
from generation.models import GenerationJob, JobStatus
from generation.services.transitions import job_transition

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReconcileReport:
    requeued: int = 0
    failed: int = 0
    cancelled: int = 0
    messages_sent: int = 0


def _recover_stale_jobs() -> tuple[int, int, int]:
    stale_before = timezone.now() - timedelta(seconds=settings.GENERATION_STALE_SECONDS)
    requeued = failed = cancelled = 0
    with transaction.atomic():
        stale = GenerationJob.objects.select_for_update(skip_locked=True).filter(
            status=JobStatus.RUNNING, heartbeat_at__lt=stale_before
        )
        for job in stale:
            if job.cancel_requested_at is not None:
                to, fields = JobStatus.CANCELLED, {"error": "Cancelled; its worker had stopped."}
                cancelled += 1
            elif job.attempts >= settings.GENERATION_MAX_ATTEMPTS:
                to = JobStatus.FAILED
                fields = {"error": f"The GPU worker stopped during this job {job.attempts} times; giving up."}
                failed += 1
            else:
                to, fields = JobStatus.QUEUED, {"worker": "", "progress_step": 0}
                requeued += 1
            if to != JobStatus.QUEUED:
                fields["finished_at"] = timezone.now()
            job_transition(GenerationJob.objects.filter(pk=job.pk), source=JobStatus.RUNNING, to=to, **fields)
            # A running job has no output row, so what the lost attempt stored (perhaps half a file) is garbage.
            # Removed while the row is locked: no new attempt can claim the job and store these keys meanwhile.
            delete_quietly(*output_keys(job.pk))
            audit_record(
                actor=Actor.system(),
                action="generation.worker_lost",
                target=job,
                details={"worker": job.worker, "attempts": job.attempts, "now": to},
            )
    return requeued, failed, cancelled


def _waiting_messages() -> int | None:
    """Messages waiting in the GPU queue, or None when the broker cannot say."""
    try:
        queue = app.amqp.queues[settings.GENERATION_QUEUE]
        with app.connection_for_write() as connection:
            # Declared exactly as Celery declares it, so this never conflicts with the workers' own declaration.
            return queue(connection.default_channel).queue_declare().message_count
    except Exception:  # noqa: BLE001 -- any broker failure just means "unknown"; the next run tries again
        logger.warning("Could not read the length of queue %s", settings.GENERATION_QUEUE, exc_info=True)
        return None


def generation_jobs_reconcile() -> ReconcileReport:
    requeued, failed, cancelled = _recover_stale_jobs()
    queued = GenerationJob.objects.filter(status=JobStatus.QUEUED).count()
    waiting = _waiting_messages()
    missing = 0 if waiting is None else max(0, queued - waiting)
    for _ in range(missing):
        send_run_next_job()
    report = ReconcileReport(requeued, failed, cancelled, missing)
    if requeued or failed or cancelled or missing:
        logger.info("Reconciled generation jobs: %s", report)
    return report
