"""Live job state for the portal: the queue place, the phases, and the finished card, player and budget.

The job page and the library render a job's state from `live_state` when they are served; `library_status`
answers the pages' polling with the same state, so a page moves to the finished state without a reload.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.db.models import Q
from django.http import JsonResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from accessprogram.access import tester_required
from accessprogram.localization import format_time_zoned
from accessprogram.services.watch import watch_note_pages
from generation.access import jobs_for_user
from generation.models import ACTIVE_STATUSES, JobPhase, JobStatus
from generation.services.queue import QueueEstimate, clock, queue_estimates
from generation.services.quota import quota_for

# The steps a job goes through, in order; a running job's `phase` says which one it is on.
PHASE_STEPS = [
    (JobStatus.QUEUED, JobStatus.QUEUED.label),
    (JobPhase.DENOISING, JobPhase.DENOISING.label),
    (JobPhase.DECODING, JobPhase.DECODING.label),
    (JobPhase.MARKING, JobPhase.MARKING.label),
    (JobPhase.ENCODING, JobPhase.ENCODING.label),
    (JobPhase.STORING, JobPhase.STORING.label),
    (JobPhase.DONE, JobPhase.DONE.label),
]
_STEP_INDEX = {value: index for index, (value, _label) in enumerate(PHASE_STEPS)}
# Polling: soon while a job runs (its phases move in seconds), less often while it waits in the queue, and every
# second around a start (the first in line, fresh, with its start due; a run's first half minute), when a short
# job's states pass quickly. The fast spells are bounded in time, so an open page stays far under the credential
# watch's request threshold (900 in 10 minutes by default).
POLL_RUNNING_SECONDS = 3
POLL_QUEUED_MIN_SECONDS = 3
POLL_QUEUED_MAX_SECONDS = 20
POLL_SOON_SECONDS = 1
SOON_AFTER_START_SECONDS = 30
SOON_AFTER_SUBMIT_SECONDS = 120
STATUS_IDS_MAX = 100


def phase_index(job) -> int:
    if job.status == JobStatus.QUEUED or job.started_at is None:  # waiting, or stopped before it ever ran
        return 0
    if job.status == JobStatus.SUCCEEDED:
        return len(PHASE_STEPS) - 1
    return _STEP_INDEX.get(job.phase, 1)


def phase_steps(job) -> list[dict]:
    """Each step with its state: done, current, or to do (a stopped job's step is "stopped")."""
    current = phase_index(job)
    stopped = job.status in (JobStatus.FAILED, JobStatus.CANCELLED)
    steps = []
    for index, (value, label) in enumerate(PHASE_STEPS):
        if index < current or job.status == JobStatus.SUCCEEDED:
            state = "done"
        elif index == current:
            state = "stopped" if stopped else "current"
        else:
            state = "todo"
        steps.append({"value": value, "label": label, "state": state})
    return steps


def queue_label(estimate: QueueEstimate | None) -> str:
    """One sentence: how many jobs are ahead (about: affinity may reorder), and when it should start and end."""
    if estimate is None:
        return ""
    parts = []
    if estimate.position is not None:
        if estimate.ahead == 0:
            parts.append(gettext("Next in line."))
        else:
            parts.append(
                ngettext("About %(count)s job ahead of yours.", "About %(count)s jobs ahead of yours.", estimate.ahead)
                % {"count": estimate.ahead}
            )
        finish = format_time_zoned(estimate.estimated_finish)
        if estimate.estimated_start - clock() < timedelta(minutes=1):
            parts.append(gettext("Starts within a minute, ready about %(finish)s.") % {"finish": finish})
        else:
            start = format_time_zoned(estimate.estimated_start)
            parts.append(
                gettext("Starts about %(start)s, ready about %(finish)s.") % {"start": start, "finish": finish}
            )
    else:
        parts.append(gettext("Ready about %(finish)s.") % {"finish": format_time_zoned(estimate.estimated_finish)})
    if estimate.live_workers == 0:
        parts.append(gettext("No GPU worker is online at the moment."))
    return " ".join(parts)


def live_state(job, estimate: QueueEstimate | None) -> dict:
    """What the job page and the library card show of a job while it waits and runs."""
    return {
        "id": str(job.pk),
        "status": job.status,
        "status_label": job.get_status_display(),
        "phase": PHASE_STEPS[phase_index(job)][0],
        "phase_index": phase_index(job),
        "phase_label": job.get_phase_display(),
        "step": job.progress_step,
        "total": job.progress_total,
        "percent": job.progress_percent,
        "error": job.error,
        "queue_position": estimate.position if estimate else None,
        "estimated_start": estimate.estimated_start.isoformat() if estimate and estimate.estimated_start else None,
        "estimated_finish": estimate.estimated_finish.isoformat() if estimate and estimate.estimated_finish else None,
        "queue_label": queue_label(estimate),
        "url": reverse("generation:job_detail", args=[job.pk]),
    }


def next_poll_seconds(jobs, estimates: dict) -> int | None:
    """When the page should ask again: soon while a job runs, later the further off the next start is, and every
    second around a start."""
    now = timezone.now()
    running = [job for job in jobs if job.status == JobStatus.RUNNING]
    if running:
        fresh = any(
            job.started_at is not None and (now - job.started_at).total_seconds() < SOON_AFTER_START_SECONDS
            for job in running
        )
        return POLL_SOON_SECONDS if fresh else POLL_RUNNING_SECONDS
    queued = [job for job in jobs if job.status == JobStatus.QUEUED]
    if not queued:
        return None
    starts = [e.estimated_start for e in estimates.values() if e.estimated_start is not None]
    wait = (min(starts) - now).total_seconds() / 4 if starts else POLL_QUEUED_MAX_SECONDS
    due = any(
        estimates.get(job.pk) is not None
        and estimates[job.pk].position == 1
        and (now - job.created_at).total_seconds() < SOON_AFTER_SUBMIT_SECONDS
        for job in queued
    )
    if due and wait < POLL_QUEUED_MIN_SECONDS:
        return POLL_SOON_SECONDS
    return int(min(max(wait, POLL_QUEUED_MIN_SECONDS), POLL_QUEUED_MAX_SECONDS))


def _valid_uuids(ids: list[str]) -> list[str]:
    valid = []
    for value in ids:
        try:
            valid.append(str(uuid.UUID(value)))
        except ValueError:
            continue
    return valid


@tester_required
def library_status(request):
    """The tester's unfinished jobs (and any of `ids` that just finished): their state, and for finished ones
    the card, the player and the budget box as the pages now show them. One query for the jobs, two for the
    queue while any waits or runs, one for the budget when one finished."""
    ids = _valid_uuids([i for i in request.GET.get("ids", "").split(",") if i][:STATUS_IDS_MAX])
    jobs = list(jobs_for_user(request.user).filter(Q(status__in=ACTIVE_STATUSES) | Q(pk__in=ids)))
    finished = [job for job in jobs if job.is_terminal]
    outputs = [job.output for job in finished if getattr(job, "output", None) is not None]
    # The page's script plays the finished videos it is given here, as if their page had just been opened.
    watch_note_pages(request, output_ids=[str(output.pk) for output in outputs])
    estimates = queue_estimates(jobs)
    answer = []
    for job in jobs:
        state = live_state(job, estimates.get(job.pk))
        if job.is_terminal:
            output = getattr(job, "output", None)
            state["poster_url"] = reverse("generation:output_poster", args=[output.pk]) if output else None
            state["video_url"] = reverse("generation:output_video", args=[output.pk]) if output else None
            context = {
                "job": job,
                "output": getattr(job, "output", None),
                "phases": phase_steps(job),
                "here": reverse("generation:library"),
            }
            state["card_html"] = render_to_string("generation/_job_card.html", context, request=request)
            state["player_html"] = render_to_string("generation/_player.html", context, request=request)
        answer.append(state)
    body = {"jobs": answer, "next_poll_seconds": next_poll_seconds(jobs, estimates)}
    if finished:
        cohort = request.user.tester_membership.cohort
        body["quota_html"] = render_to_string(
            "generation/_quota.html", {"quota": quota_for(request.user, cohort)}, request=request
        )
    return JsonResponse(body)
