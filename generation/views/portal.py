"""The tester's portal: generate, the library with live progress, a player, cancel, re-run and variations."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from accessprogram.access import tester_required
from accessprogram.errors import DomainError
from accessprogram.hooks import OUTPUT_PANELS, run_hooks
from accessprogram.services.context import Actor
from accessprogram.services.watch import watch_note_pages
from accessprogram.views.common import add_domain_error, domain_error_text
from generation.access import job_for_user, jobs_for_user
from generation.forms import GenerateForm, LibrarySearchForm, StillForm
from generation.models import ACTIVE_STATUSES
from generation.services.quota import quota_for
from generation.services.submit import GenerationRequest, generation_job_cancel, generation_job_submit


def _request_from_job(job, *, seed: int | None) -> GenerationRequest:
    return GenerationRequest(
        prompt=job.prompt,
        negative_prompt=job.negative_prompt,
        model=job.model,
        resolution=job.resolution,
        aspect_ratio=job.aspect_ratio,
        num_frames=job.num_frames,
        steps=job.steps,
        guidance=job.guidance,
        seed=seed,
        input_image=job.input_image,
    )


@tester_required
def generate(request):
    cohort = request.user.tester_membership.cohort
    initial = {"duration_seconds": 1.0, "resolution": "480p", "aspect_ratio": "16:9"}
    form = GenerateForm(request.POST or None, cohort=cohort, initial=initial)
    still_form = StillForm(request.POST or None, request.FILES or None)
    refused = None
    if request.method == "POST" and form.is_valid() and still_form.is_valid():
        try:
            job = generation_job_submit(
                actor=Actor.from_request(request),
                user=request.user,
                request=GenerationRequest(**form.cleaned_data, image=still_form.cleaned_data["image"]),
            )
        except DomainError as exc:
            refused = add_domain_error(form, exc, also=(still_form,))
        else:
            messages.success(request, gettext("Queued. Your video appears in the library as it renders."))
            return redirect(f"{reverse('generation:library')}#job-{job.pk}")
    status = refused or (400 if form.errors or still_form.errors else 200)
    return render(
        request,
        "generation/generate.html",
        {"form": form, "still_form": still_form, "quota": quota_for(request.user, cohort), "cohort": cohort},
        status=status,
    )


@tester_required
def library(request):
    search = LibrarySearchForm(request.GET or None)
    jobs = jobs_for_user(request.user)
    if search.is_valid() and search.cleaned_data["q"]:
        jobs = jobs.filter(Q(prompt__icontains=search.cleaned_data["q"]))
    page = Paginator(jobs, 24).get_page(request.GET.get("page"))
    cohort = request.user.tester_membership.cohort
    return render(
        request,
        "generation/library.html",
        {"page": page, "search": search, "quota": quota_for(request.user, cohort), "query": search.data.get("q", "")},
    )


@tester_required
def library_status(request):
    """Progress of the tester's unfinished jobs (and any that just finished), for the library's polling."""
    ids = [i for i in request.GET.get("ids", "").split(",") if i][:100]
    jobs = list(jobs_for_user(request.user).filter(Q(status__in=ACTIVE_STATUSES) | Q(pk__in=_valid_uuids(ids))))
    # The page's script plays the finished videos it is given here, as if their page had just been opened.
    watch_note_pages(request, output_ids=[str(job.output.pk) for job in jobs if _has_output(job)])
    return JsonResponse(
        {
            "jobs": [
                {
                    "id": str(job.pk),
                    "status": job.status,
                    "status_label": job.get_status_display(),
                    "step": job.progress_step,
                    "total": job.progress_total,
                    "percent": job.progress_percent,
                    "error": job.error,
                    "url": reverse("generation:job_detail", args=[job.pk]),
                    "poster_url": reverse("generation:output_poster", args=[job.output.pk])
                    if _has_output(job)
                    else None,
                    "video_url": reverse("generation:output_video", args=[job.output.pk]) if _has_output(job) else None,
                }
                for job in jobs
            ]
        }
    )


def _has_output(job) -> bool:
    return getattr(job, "output", None) is not None


def _valid_uuids(ids: list[str]) -> list[str]:
    valid = []
    for value in ids:
        try:
            valid.append(str(uuid.UUID(value)))
        except ValueError:
            continue
    return valid


@tester_required
def job_detail(request, pk):
    job = job_for_user(request.user, pk)
    output = getattr(job, "output", None)
    if output is not None:
        watch_note_pages(request, output_ids=[str(output.pk)])
    panels = run_hooks(OUTPUT_PANELS, request=request, output=output) if output is not None else []
    return render(
        request,
        "generation/job_detail.html",
        {"job": job, "output": output, "output_panels": panels, "still": job.input_image},
    )


@tester_required
@require_POST
def job_cancel(request, pk):
    job = job_for_user(request.user, pk)
    try:
        generation_job_cancel(actor=Actor.from_request(request), job=job)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, gettext("Cancelled.") if job.status == "queued" else gettext("Stopping at the next step.")
        )
    return redirect("generation:job_detail", pk=job.pk)


def _resubmit(request, pk, *, same_seed: bool):
    job = job_for_user(request.user, pk)
    try:
        new_job = generation_job_submit(
            actor=Actor.from_request(request),
            user=request.user,
            request=_request_from_job(job, seed=job.seed if same_seed else None),
        )
    except DomainError as exc:
        messages.error(request, domain_error_text(exc))
        return redirect("generation:job_detail", pk=job.pk)
    messages.success(
        request,
        gettext("Re-run queued with the same seed.") if same_seed else gettext("Variation queued with a new seed."),
    )
    return redirect(f"{reverse('generation:library')}#job-{new_job.pk}")


@tester_required
@require_POST
def job_rerun(request, pk):
    return _resubmit(request, pk, same_seed=True)


@tester_required
@require_POST
def job_variation(request, pk):
    return _resubmit(request, pk, same_seed=False)
