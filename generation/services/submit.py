"""Submitting and cancelling generation jobs: bounds, quotas, and the hand-off to the GPU queue."""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from accessprogram.errors import Conflict, InvalidFields, LimitReached, NotAllowed
from accessprogram.hooks import PROMPT_SUBMITTED, StoppedJobs, run_hooks
from accessprogram.models import Membership, QuotaUnit, Resolution, User
from accessprogram.services.audit import audit_record
from accessprogram.services.context import Actor
from accessprogram.services.watch_events import watch_note_submission
from generation.infrastructure.storage import delete_quietly
from generation.models import ACTIVE_STATUSES, GenerationJob, GenerationModel, InputImage, JobStatus
from generation.services.presets import ASPECT_RATIOS, frame_size, frames_for, resolution_allowed
from generation.services.quota import quota_for
from generation.services.stills import CheckedStill, input_image_store, still_check
from generation.services.transitions import job_transition

PROMPT_MAX = 2000
SEED_MAX = 2**32 - 1


@dataclass(frozen=True)
class GenerationRequest:
    prompt: str
    negative_prompt: str = ""
    model: GenerationModel | None = None
    resolution: str = Resolution.P480
    aspect_ratio: str = "16:9"
    duration_seconds: float | None = None
    num_frames: int | None = None
    steps: int | None = None
    guidance: float | None = None
    seed: int | None = None
    # The first frame, for image-to-video models (which need one): an uploaded file, or a still this tester
    # stored before (a re-run or a variation of an image-to-video job).
    image: object | None = None
    input_image: InputImage | None = None


def models_for_cohort(cohort):
    return GenerationModel.objects.filter(is_active=True, allowed_cohorts=cohort)


def _enqueue_after_commit(job: GenerationJob) -> None:
    from generation.tasks import run_next_job

    transaction.on_commit(lambda: run_next_job.apply_async())


def _validated_job(
    user: User, membership: Membership, request: GenerationRequest
) -> tuple[GenerationJob, CheckedStill | None]:
    """Check every field against the cohort's and the model's bounds; report all problems at once."""
    cohort = membership.cohort
    errors: dict[str, list[str]] = {}

    def refuse(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    prompt = (request.prompt or "").strip()
    if not prompt:
        refuse("prompt", gettext("Describe the video you want."))
    elif len(prompt) > PROMPT_MAX:
        refuse(
            "prompt",
            gettext("At most %(prompt_max)s characters (this one has %(count)s).")
            % {"prompt_max": PROMPT_MAX, "count": len(prompt)},
        )
    negative = (request.negative_prompt or "").strip()
    if len(negative) > PROMPT_MAX:
        refuse("negative_prompt", f"At most {PROMPT_MAX} characters.")

    allowed = models_for_cohort(cohort)
    model = request.model or allowed.first()
    if model is None:
        refuse("model", gettext("No generation model is available to your cohort yet."))
    elif not allowed.filter(pk=model.pk).exists():
        refuse("model", gettext("%(name)s is not available to your cohort.") % {"name": model.name})
        model = None

    if request.resolution not in Resolution.values:
        refuse("resolution", gettext("Choose one of %(choices)s.") % {"choices": ", ".join(Resolution.values)})
    elif not resolution_allowed(request.resolution, cohort.max_resolution):
        refuse(
            "resolution",
            gettext("Your cohort can generate up to %(max_resolution)s.") % {"max_resolution": cohort.max_resolution},
        )
    if request.aspect_ratio not in ASPECT_RATIOS:
        refuse(
            "aspect_ratio", gettext("Choose one of %(aspect_ratios)s.") % {"aspect_ratios": ", ".join(ASPECT_RATIOS)}
        )
    if request.duration_seconds is not None and request.num_frames is not None:
        refuse("num_frames", gettext("Give either a duration or a frame count, not both."))
    if request.seed is not None and not 0 <= request.seed <= SEED_MAX:
        refuse("seed", f"Between 0 and {SEED_MAX}.")
    still = None
    if request.image is not None:
        try:
            still = still_check(request.image)
        except InvalidFields as exc:
            errors.update(exc.errors)
    elif request.input_image is not None and request.input_image.owner_id != user.pk:
        refuse("image", gettext("You can only start from your own stills."))
    has_still = request.image is not None or request.input_image is not None
    if model is not None and has_still and not model.accepts_image:
        refuse(
            "image",
            gettext("%(name)s makes videos from a prompt alone and takes no still; choose an image-to-video model.")
            % {"name": model.name},
        )
    elif model is not None and not has_still and model.accepts_image:
        refuse("image", gettext("%(name)s starts every video from a still: add one.") % {"name": model.name})
    if model is None or errors:
        raise InvalidFields(errors)

    fps = model.fps
    if request.num_frames is not None:
        if request.num_frames < 1:
            refuse("num_frames", "At least 1 frame.")
        frames = frames_for(family=model.family, frames=max(1, request.num_frames), fps=fps)
    else:
        seconds = (
            request.duration_seconds if request.duration_seconds is not None else min(2.0, cohort.max_duration_seconds)
        )
        if not (isinstance(seconds, int | float) and math.isfinite(seconds) and seconds > 0):
            refuse("duration_seconds", gettext("A positive number of seconds."))
            seconds = 1.0
        frames = frames_for(family=model.family, seconds=seconds, fps=fps)
    duration_field = "num_frames" if request.num_frames is not None else "duration_seconds"
    if frames > model.max_frames:
        refuse(
            duration_field,
            gettext("%(name)s makes at most %(max_frames)s frames (%(seconds)s s).")
            % {"name": model.name, "max_frames": model.max_frames, "seconds": format(model.max_frames / fps, ".1f")},
        )
    if (frames - 1) / fps > cohort.max_duration_seconds:
        refuse(
            duration_field,
            gettext("Your cohort's videos are at most %(seconds)s s long.") % {"seconds": cohort.max_duration_seconds},
        )

    steps = request.steps if request.steps is not None else model.default_steps
    if not 1 <= steps <= model.max_steps:
        refuse("steps", gettext("Between 1 and %(max_steps)s steps.") % {"max_steps": model.max_steps})
    guidance = request.guidance if request.guidance is not None else model.default_guidance
    if not (math.isfinite(guidance) and 0 <= guidance <= model.max_guidance):
        refuse(
            "guidance", gettext("Between 0 and %(max_guidance)s.") % {"max_guidance": format(model.max_guidance, "g")}
        )
    if errors:
        raise InvalidFields(errors)

    size = frame_size(request.resolution, request.aspect_ratio, model.family)
    job = GenerationJob(
        owner=user,
        cohort=cohort,
        model=model,
        prompt=prompt,
        negative_prompt=negative,
        resolution=request.resolution,
        aspect_ratio=request.aspect_ratio,
        width=size.width,
        height=size.height,
        num_frames=frames,
        fps=fps,
        steps=steps,
        guidance=guidance,
        seed=request.seed if request.seed is not None else secrets.randbelow(SEED_MAX + 1),
        progress_total=steps,
        input_image=request.input_image if still is None else None,
    )
    return job, still


def generation_job_submit(*, actor: Actor, user: User, request: GenerationRequest) -> GenerationJob:
    """Check the prompt against the prompt policy, then validate and queue the job."""
    # Outside the queueing transaction: a blocked prompt is recorded even though the submission is refused.
    run_hooks(PROMPT_SUBMITTED, actor=actor, user=user, prompt=request.prompt)
    stored: list[str] = []
    try:
        job = _generation_job_queue(actor=actor, user=user, request=request, stored=stored)
    except BaseException:
        delete_quietly(*stored)  # a still stored for a submission that was then refused
        raise
    watch_note_submission(prompt=request.prompt)
    return job


@transaction.atomic
def _generation_job_queue(*, actor: Actor, user: User, request: GenerationRequest, stored: list[str]) -> GenerationJob:
    # Lock the tester's membership so concurrent submissions see each other's jobs when counting.
    membership = (
        Membership.objects.select_for_update()
        .select_related("cohort")
        .filter(user=user, status=Membership.Status.ACTIVE)
        .first()
    )
    if membership is None:
        raise NotAllowed(gettext("Only testers with an active membership can generate."))
    if not membership.cohort.is_active:
        raise NotAllowed(
            gettext("Your cohort “%(name)s” is paused.") % {"name": membership.cohort.name}, code="cohort_paused"
        )
    job, still = _validated_job(user, membership, request)
    cohort = membership.cohort

    active = GenerationJob.objects.filter(owner=user, status__in=ACTIVE_STATUSES).count()
    if active >= cohort.max_active_jobs:
        raise LimitReached(
            gettext(
                "You already have %(active)s jobs queued or running (your limit is %(max_active_jobs)s). "
                "Wait for one to finish or cancel one."
            )
            % {"active": active, "max_active_jobs": cohort.max_active_jobs},
            retry_after_seconds=30,
            code="too_many_active_jobs",
        )
    quota = quota_for(user, cohort)
    cost = job.num_frames / job.fps if cohort.quota_unit == QuotaUnit.VIDEO_SECONDS else 0.0
    if quota.remaining <= 0 or cost > quota.remaining:
        raise LimitReached(
            gettext(
                "Your budget of %(limit)s %(quota_unit)s %(quota_period)s is used up (%(used)s used); "
                "it resets at %(resets_at)s UTC."
            )
            % {
                "limit": quota.limit,
                "quota_unit": cohort.get_quota_unit_display(),
                "quota_period": cohort.get_quota_period_display().lower(),
                "used": format(quota.used, "g"),
                "resets_at": format(quota.resets_at, "%Y-%m-%d %H:%M"),
            },
            retry_after_seconds=max(1, int((quota.resets_at - timezone.now()).total_seconds())),
            resets_at=quota.resets_at,
            code="quota_exceeded",
        )
    job.token = actor.token
    if still is not None:
        job.input_image = input_image_store(owner=user, still=still)
        stored.append(job.input_image.key)
    job.save()
    audit_record(
        actor=actor,
        action="generation.submitted",
        target=job,
        details={
            "model": job.model.name,
            "resolution": f"{job.width}x{job.height}",
            "frames": job.num_frames,
            "steps": job.steps,
            "seed": job.seed,
            **({"still_sha256": job.input_image.sha256} if job.input_image is not None else {}),
        },
    )
    _enqueue_after_commit(job)
    return job


@transaction.atomic
def generation_job_cancel(
    *, actor: Actor, job: GenerationJob, reason: str = "Cancelled by its owner."
) -> GenerationJob:
    """Cancel a queued job at once; ask a running one to stop at its next denoising step."""
    job = GenerationJob.objects.select_for_update().get(pk=job.pk)
    if job.is_terminal:
        raise Conflict(
            gettext("This job has already %(status)s.") % {"status": job.get_status_display().lower()},
            code="job_finished",
        )
    now = timezone.now()
    this_job = GenerationJob.objects.filter(pk=job.pk)
    if job.status == JobStatus.QUEUED:
        job_transition(
            this_job,
            source=JobStatus.QUEUED,
            to=JobStatus.CANCELLED,
            finished_at=now,
            error=reason,
            cancel_requested_at=now,
        )
    elif job.cancel_requested_at is None:
        this_job.update(cancel_requested_at=now)
    job.refresh_from_db()
    audit_record(actor=actor, action="generation.cancel_requested", target=job, details={"reason": reason})
    return job


# Job ids listed in the one audit event of a bulk stop; the jobs' own rows record the rest.
_AUDITED_JOB_IDS = 200


@transaction.atomic
def generation_jobs_cancel(*, actor: Actor, jobs: QuerySet[GenerationJob], reason: str) -> StoppedJobs:
    """Stop many jobs at once (a suspension): cancel the queued ones, ask the running ones to stop."""
    now = timezone.now()
    # Locking waits for a worker's claim in flight; a job it claimed is then running and asked to stop below.
    queued = list(jobs.filter(status=JobStatus.QUEUED).select_for_update(of=("self",)).values_list("pk", flat=True))
    cancelled = job_transition(
        GenerationJob.objects.filter(pk__in=queued),
        source=JobStatus.QUEUED,
        to=JobStatus.CANCELLED,
        finished_at=now,
        error=reason[:2000],
        cancel_requested_at=now,
    )
    running = list(
        jobs.filter(status=JobStatus.RUNNING, cancel_requested_at__isnull=True)
        .select_for_update(of=("self",))
        .values_list("pk", flat=True)
    )
    stopping = GenerationJob.objects.filter(pk__in=running, status=JobStatus.RUNNING).update(cancel_requested_at=now)
    if cancelled or stopping:
        audit_record(
            actor=actor,
            action="generation.jobs_stopped",
            details={
                "reason": reason,
                "cancelled": cancelled,
                "stopping": stopping,
                "jobs": [str(pk) for pk in (queued + running)[:_AUDITED_JOB_IDS]],
            },
        )
    return StoppedJobs(cancelled=cancelled, stopping=stopping)


def generation_jobs_stop(*, actor: Actor, reach: Q, reason: str) -> StoppedJobs:
    """The `jobs_stop` hook: a suspension or a leaked token stops every job in its reach."""
    return generation_jobs_cancel(actor=actor, jobs=GenerationJob.objects.filter(reach), reason=reason)
