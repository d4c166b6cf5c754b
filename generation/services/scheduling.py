"""Fair scheduling: the next job goes to the tester whose GPU use is least recent.

The job table decides the order, not the broker: a message only says "a GPU is free", and the worker
claims the fairest queued job in one atomic update, so a re-delivered message finds nothing to do.

Model affinity: a worker prefers jobs for the model it holds (a switch reloads gigabytes from disk), so a
mixed queue does not thrash. The bound: a job for another model that has waited
GENERATION_AFFINITY_MAX_WAIT_SECONDS goes before any affine job, so no job waits longer than that bound
plus the run of the job a worker is on when the bound passes.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, OuterRef, Subquery
from django.utils import timezone

from accessprogram.services.context import Actor
from accessprogram.services.suspensions import suspension_blocking_job
from generation.models import GenerationJob, JobPhase, JobStatus
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


def _candidate_querysets(loaded_model_id: int | None) -> list:
    """Where to look, in order: overdue jobs for other models, jobs for the loaded model, then any job."""
    queued = next_job_queryset()
    if loaded_model_id is None:
        return [queued]
    overdue_before = timezone.now() - timedelta(seconds=settings.GENERATION_AFFINITY_MAX_WAIT_SECONDS)
    overdue = queued.filter(created_at__lt=overdue_before).exclude(model_id=loaded_model_id)
    return [overdue, queued.filter(model_id=loaded_model_id), queued]


def _first_candidate(loaded_model_id: int | None) -> GenerationJob | None:
    for queryset in _candidate_querysets(loaded_model_id):
        candidate = queryset.select_for_update(skip_locked=True, of=("self",)).first()
        if candidate is not None:
            return candidate
    return None


def generation_job_claim_next(*, worker: str, loaded_model_id: int | None = None) -> GenerationJob | None:
    """Atomically move the fairest queued job to running for this worker, or return None.

    With `loaded_model_id`, jobs for that model come first within the affinity bound (module docstring).
    A job whose token, owner, cohort or program is suspended is cancelled instead (read from the
    database at claim time, so a suspension made while the job waited is never missed).
    """
    while True:
        with transaction.atomic():
            candidate = _first_candidate(loaded_model_id)
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
                    phase=JobPhase.WAITING,
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
