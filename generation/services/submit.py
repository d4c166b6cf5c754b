"""Submitting and cancelling generation jobs: bounds, quotas, and the hand-off to the GPU queue."""

from __future__ import annotations

import math
import secrets
import uuid
from dataclasses import dataclass, replace

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext

from accessprogram.errors import Conflict, InvalidFields, LimitReached, NotAllowed
from accessprogram.hooks import PROMPT_SUBMITTED, StoppedJobs, run_hooks
from accessprogram.models import Cohort, Membership, QuotaUnit, Resolution, User
from accessprogram.services.audit import audit_record
from accessprogram.services.context import Actor
from accessprogram.services.watch_events import watch_note_submission
from generation.access import remixable_output_for_user
from generation.infrastructure.queue import send_run_next_job
from generation.infrastructure.storage import delete_quietly
from generation.models import (
    ACTIVE_STATUSES,
    GenerationJob,
    GenerationModel,
    InputImage,
    JobStatus,
    Output,
    StylePreset,
)
from generation.services.presets import ASPECT_RATIOS, frame_size, frames_for, resolution_allowed
from generation.services.queue import service_profile
from generation.services.quota import QuotaStatus, quota_for
from generation.services.stills import CheckedStill, input_image_store, still_check
from generation.services.transitions import job_transition

PROMPT_MAX = 2000
SEED_MAX = 2**32 - 1
# How many videos one submission may ask for: the composer offers these, the API accepts only these.
VARIATION_CHOICES = (1, 2, 4)


@dataclass(frozen=True)
class GenerationRequest:
    """One submission. Settings left as None come from the style preset, then from the model and cohort."""

    prompt: str
    negative_prompt: str = ""
    model: GenerationModel | None = None
    resolution: str | None = None
    aspect_ratio: str | None = None
    duration_seconds: float | None = None
    num_frames: int | None = None
    steps: int | None = None
    guidance: float | None = None
    seed: int | None = None
    style_preset: StylePreset | None = None
    variations: int = 1
    remix_of: Output | None = None
    # The first frame, for image-to-video models (which need one): an uploaded file, or a still this tester
    # stored before (a re-run or a variation of an image-to-video job).
    image: object | None = None
    input_image: InputImage | None = None


def generation_settings_of(job: GenerationJob) -> dict:
    """The settings a job ran with, as a new submission takes them (its style only while still offered)."""
    preset = job.style_preset if job.style_preset_id and job.style_preset.is_active else None
    return {
        "prompt": job.prompt,
        "negative_prompt": job.negative_prompt,
        "model": job.model,
        "resolution": job.resolution,
        "aspect_ratio": job.aspect_ratio,
        "steps": job.steps,
        "guidance": job.guidance,
        "style_preset": preset,
    }


def generation_request_from_job(
    job: GenerationJob, *, seed: int | None, prompt: str | None = None, negative_prompt: str | None = None
) -> GenerationRequest:
    """A new request with a job's model, size, frames, steps, guidance and style; its prompts unless others are
    given (re-run, variation, revision)."""
    settings = generation_settings_of(job)
    if prompt is not None:
        settings["prompt"] = prompt
    if negative_prompt is not None:
        settings["negative_prompt"] = negative_prompt
    return GenerationRequest(**settings, num_frames=job.num_frames, seed=seed, input_image=job.input_image)


def models_for_cohort(cohort):
    return GenerationModel.objects.filter(is_active=True, allowed_cohorts=cohort)


def style_presets_offered():
    """The active presets, in the admins' order, each with the models it applies to."""
    return StylePreset.objects.filter(is_active=True).prefetch_related("generation_models")


def _with_preset_defaults(request: GenerationRequest) -> GenerationRequest:
    """Fill the settings the request leaves out from its preset, then from the composer's own defaults."""
    preset = request.style_preset
    fill: dict = {}
    if preset is not None:
        for field, value in preset.defaults.items():
            if getattr(request, field) is None and not (field == "duration_seconds" and request.num_frames):
                fill[field] = value
    request = replace(request, **fill)
    return replace(
        request,
        resolution=request.resolution or Resolution.P480,
        aspect_ratio=request.aspect_ratio or "16:9",
    )


def _joined(*parts: str) -> str:
    return ", ".join(part.strip() for part in parts if part and part.strip())


def _validated_job(
    user: User, membership: Membership, request: GenerationRequest
) -> tuple[GenerationJob, CheckedStill | None]:
    """Check every field against the cohort's and the model's bounds; report all problems at once."""
    cohort = membership.cohort
    errors: dict[str, list[str]] = {}

    def refuse(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if request.variations not in VARIATION_CHOICES:
        refuse("variations", gettext("Choose 1, 2 or 4 variations."))
    preset = request.style_preset
    if preset is not None and not preset.is_active:
        refuse("style_preset", gettext("The style “%(name)s” is no longer offered.") % {"name": preset.name})
        preset = None
    request = _with_preset_defaults(replace(request, style_preset=preset))
    if request.remix_of is not None:
        try:
            remixable_output_for_user(user, request.remix_of.pk)
        except Http404:
            refuse("remix_of", gettext("You cannot remix this output."))

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
    preset_models = preset.generation_models.all() if preset is not None else GenerationModel.objects.none()
    model = request.model or allowed.filter(pk__in=preset_models).first() or allowed.first()
    if model is None:
        refuse("model", gettext("No generation model is available to your cohort yet."))
    elif not allowed.filter(pk=model.pk).exists():
        refuse("model", gettext("%(name)s is not available to your cohort.") % {"name": model.name})
        model = None
    elif preset is not None and preset_models.exists() and not preset_models.filter(pk=model.pk).exists():
        refuse(
            "style_preset",
            gettext("The style “%(preset)s” is not made for %(model)s.") % {"preset": preset.name, "model": model.name},
        )

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
    elif request.seed is not None and request.seed + max(request.variations, 1) - 1 > SEED_MAX:
        # Variations of a given seed use seed, seed+1, …: the last must still be a seed.
        refuse(
            "seed",
            gettext("With %(count)s variations, the seed is at most %(seed_max)s.")
            % {"count": request.variations, "seed_max": SEED_MAX - request.variations + 1},
        )
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
        style_preset=preset,
        final_prompt=_joined(prompt, preset.prompt_suffix if preset else ""),
        final_negative_prompt=_joined(negative, preset.negative_prompt if preset else ""),
        remix_of=request.remix_of,
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


def _variations(job: GenerationJob, *, count: int, seed_given: bool) -> list[GenerationJob]:
    """The submission's jobs: seed, seed+1, … when the tester gave a seed, otherwise distinct random seeds."""
    seeds = [job.seed]
    while len(seeds) < count:
        seed = job.seed + len(seeds) if seed_given else secrets.randbelow(SEED_MAX + 1)
        if seed not in seeds:
            seeds.append(seed)
    group = uuid.uuid4()
    jobs = []
    for index, seed in enumerate(seeds, start=1):
        variation = GenerationJob(**{f.attname: getattr(job, f.attname) for f in job._meta.concrete_fields})
        variation.pk = uuid.uuid4()
        variation.seed = seed
        variation.variation_group, variation.variation_index, variation.variation_count = group, index, count
        jobs.append(variation)
    return jobs


def generation_job_submit(*, actor: Actor, user: User, request: GenerationRequest) -> GenerationJob:
    """Submit and queue; the first job of the submission (its variations share its `variation_group`)."""
    return generation_jobs_submit(actor=actor, user=user, request=request)[0]


def generation_jobs_submit(*, actor: Actor, user: User, request: GenerationRequest) -> list[GenerationJob]:
    """Check the prompt against the prompt policy, then validate and queue the submission's 1, 2 or 4 jobs."""
    # Outside the queueing transaction: a blocked prompt is recorded even though the submission is refused.
    run_hooks(PROMPT_SUBMITTED, actor=actor, user=user, prompt=request.prompt)
    stored: list[str] = []
    try:
        jobs = _generation_jobs_queue(actor=actor, user=user, request=request, stored=stored)
    except BaseException:
        delete_quietly(*stored)  # a still stored for a submission that was then refused
        raise
    watch_note_submission(prompt=request.prompt)
    return jobs


def _refuse_over_active_limit(*, active: int, wanted: int, cohort: Cohort) -> None:
    if active + wanted <= cohort.max_active_jobs:
        return
    if wanted == 1:
        message = gettext(
            "You already have %(active)s jobs queued or running (your limit is %(max_active_jobs)s). "
            "Wait for one to finish or cancel one."
        ) % {"active": active, "max_active_jobs": cohort.max_active_jobs}
    else:
        message = gettext(
            "%(wanted)s variations would make %(total)s jobs queued or running; your limit is %(max_active_jobs)s. "
            "%(fit)s more fit now: choose fewer variations, or wait for a job to finish. Nothing was queued."
        ) % {
            "wanted": wanted,
            "total": active + wanted,
            "max_active_jobs": cohort.max_active_jobs,
            "fit": max(0, cohort.max_active_jobs - active),
        }
    raise LimitReached(message, retry_after_seconds=30, code="too_many_active_jobs")


def _budget_cost(job: GenerationJob, *, cohort: Cohort, wanted: int) -> float:
    """What one job of a submission takes from the budget, as far as it is known before it runs: its length for a
    budget in seconds of video; for GPU-seconds, the measured time of recent jobs of that model and size, when the
    submission asks for several variations and the model has a history (a single job still runs while any budget
    is left, and nothing is refused on a guess)."""
    if cohort.quota_unit == QuotaUnit.VIDEO_SECONDS:
        return job.num_frames / job.fps
    profile = service_profile()
    if wanted < 2 or job.model_id not in profile.per_model_pixel:
        return 0.0
    return profile.job_seconds(
        model_id=job.model_id, resolution=job.resolution, width=job.width, height=job.height, num_frames=job.num_frames
    )


def _refuse_over_budget(*, quota: QuotaStatus, cost: float, wanted: int, cohort: Cohort) -> None:
    if quota.remaining > 0 and cost * wanted <= quota.remaining:
        return
    if quota.remaining <= 0 or wanted == 1 or cost > quota.remaining:
        message = gettext(
            "Your budget of %(limit)s %(quota_unit)s %(quota_period)s is used up (%(used)s used); "
            "it resets at %(resets_at)s UTC."
        ) % {
            "limit": quota.limit,
            "quota_unit": cohort.get_quota_unit_display(),
            "quota_period": cohort.get_quota_period_display().lower(),
            "used": format(quota.used, "g"),
            "resets_at": format(quota.resets_at, "%Y-%m-%d %H:%M"),
        }
    else:
        message = gettext(
            "%(wanted)s variations need %(needed)s %(quota_unit)s of your budget; %(remaining)s are left, "
            "enough for %(fit)s. Choose fewer variations. Nothing was queued."
        ) % {
            "wanted": wanted,
            "needed": format(round(cost * wanted, 2), "g"),
            "quota_unit": cohort.get_quota_unit_display(),
            "remaining": format(quota.remaining, "g"),
            "fit": int(quota.remaining // cost),
        }
    raise LimitReached(
        message,
        retry_after_seconds=max(1, int((quota.resets_at - timezone.now()).total_seconds())),
        resets_at=quota.resets_at,
        code="quota_exceeded",
    )


@transaction.atomic
def _generation_jobs_queue(
    *, actor: Actor, user: User, request: GenerationRequest, stored: list[str]
) -> list[GenerationJob]:
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
    wanted = request.variations

    # Each variation is a job like any other: all of them fit under both limits, or none is queued.
    active = GenerationJob.objects.filter(owner=user, status__in=ACTIVE_STATUSES).count()
    _refuse_over_active_limit(active=active, wanted=wanted, cohort=cohort)
    cost = _budget_cost(job, cohort=cohort, wanted=wanted)
    _refuse_over_budget(quota=quota_for(user, cohort), cost=cost, wanted=wanted, cohort=cohort)

    job.token = actor.token
    if still is not None:
        job.input_image = input_image_store(owner=user, still=still)
        stored.append(job.input_image.key)
    jobs = _variations(job, count=wanted, seed_given=request.seed is not None)
    for variation in jobs:
        variation.save()
        audit_record(
            actor=actor,
            action="generation.submitted",
            target=variation,
            details={
                "model": variation.model.name,
                "resolution": f"{variation.width}x{variation.height}",
                "frames": variation.num_frames,
                "steps": variation.steps,
                "seed": variation.seed,
                "style_preset": variation.style_preset.name if variation.style_preset else None,
                "variation": f"{variation.variation_index}/{variation.variation_count}",
                "remix_of": str(variation.remix_of_id) if variation.remix_of_id else None,
                **({"still_sha256": job.input_image.sha256} if job.input_image is not None else {}),
            },
        )
        transaction.on_commit(send_run_next_job)  # one message per job: each says a GPU may take one
    return jobs


@transaction.atomic
def generation_job_cancel(
    *, actor: Actor, job: GenerationJob, reason: str = "Cancelled by its owner."
) -> GenerationJob:
    """Cancel a queued job at once; ask a running one to stop at its next denoising step."""
    job = GenerationJob.objects.select_for_update().get(pk=job.pk)
    if job.is_terminal:
        raise Conflict(
            gettext("This generation has already %(status)s.") % {"status": job.get_status_display().lower()},
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


def generation_jobs_count(*, reach: Q) -> StoppedJobs:
    """The `jobs_count` hook: what `generation_jobs_stop` would stop in `reach` now, stopping nothing."""
    counts = GenerationJob.objects.filter(reach).aggregate(
        cancelled=Count("pk", filter=Q(status=JobStatus.QUEUED)),
        stopping=Count("pk", filter=Q(status=JobStatus.RUNNING, cancel_requested_at__isnull=True)),
    )
    return StoppedJobs(**counts)
