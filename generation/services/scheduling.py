"""Fair scheduling: the next job goes to the tester whose GPU use is least recent.

The job table decides the order, not the broker: a message only says "a GPU is free", and the worker
claims the fairest queued job in one atomic update, so a re-delivered message finds nothing to do.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F, OuterRef, Subquery
from django.utils import timezone

from accessprogram.services.context import Actor
from accessprogram.services.suspensions import suspension_blocking_job
from generation.models import GenerationJob, JobStatus
from generation.services.submit import generation_jobs_cancel
from generation.services.transitions import job_transition


def next_job_queryset():
    """Queued jobs, fairest first: owners who never ran or ran longest ago, then oldest job first."""
    owner_last_start = (
        GenerationJob.objects.filter(owner=OuterRef("owner"), started_at__isnull=False)
        .order_by("-started_at")
        .values("started_at")[:1]
    )
    return (
        GenerationJob.objects.filter(status=JobStatus.QUEUED)
        .annotate(owner_last_start=Subquery(owner_last_start))
        .order_by(F("owner_last_start").asc(nulls_first=True), "created_at")
    )


def generation_job_claim_next(*, worker: str) -> GenerationJob | None:
    """Atomically move the fairest queued job to running for this worker, or return None.

    A job whose token, owner, cohort or program is suspended is cancelled instead (read from the
    database at claim time, so a suspension made while the job waited is never missed).
    """
    while True:
        with transaction.atomic():
            candidate = next_job_queryset().select_for_update(skip_locked=True, of=("self",)).first()
            if candidate is None:
                return None
            suspension = suspension_blocking_job(candidate)
            if suspension is None:
                now = timezone.now()
                claimed = job_transition(
                    GenerationJob.objects.filter(pk=candidate.pk),
                    source=JobStatus.QUEUED,
                    to=JobStatus.RUNNING,
                    started_at=now,
                    heartbeat_at=now,
                    worker=worker[:200],
                    attempts=F("attempts") + 1,
                    progress_step=0,
                )
                break
            generation_jobs_cancel(
                actor=Actor.system(),
                jobs=GenerationJob.objects.filter(pk=candidate.pk),
                reason=f"Stopped: {suspension.get_scope_display().lower()} suspended.",
            )
    if claimed != 1:
        return None
    return GenerationJob.objects.select_related("model", "owner", "cohort").get(pk=candidate.pk)
