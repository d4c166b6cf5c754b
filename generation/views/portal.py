"""The tester's portal: the composer (presets, variations, remix), the library (filters, favourites, collections),
a job's page with live progress, cancel, re-run."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from accessprogram.access import tester_required
from accessprogram.errors import DomainError
from accessprogram.hooks import OUTPUT_PANELS, run_hooks
from accessprogram.services.context import Actor
from accessprogram.services.watch import watch_note_pages
from accessprogram.views.common import add_domain_error, domain_error_text
from generation.access import (
    job_for_user,
    jobs_for_user,
    output_for_user,
    remixable_output_for_user,
    remixable_outputs_for_user,
    remixes_by_others,
    remixes_of,
    variation_siblings,
)
from generation.forms import CollectionForm, GenerateForm, LibraryFilterForm, StillForm
from generation.models import Collection, GenerationModel
from generation.services.library import (
    collection_add_output,
    collection_create,
    collection_delete,
    collection_remove_output,
    collection_rename,
    output_favourite_set,
    output_show_to_program,
)
from generation.services.queue import queue_estimate, queue_estimates
from generation.services.quota import quota_for
from generation.services.submit import (
    GenerationRequest,
    generation_job_cancel,
    generation_job_submit,
    generation_jobs_submit,
    generation_request_from_job,
    generation_settings_of,
    style_presets_offered,
)
from generation.views.live import live_state, phase_steps


def _remix_initial(output) -> dict:
    """The composer pre-filled from an output: its prompt and settings, its seed kept, its lineage recorded."""
    job = output.job
    return {
        **generation_settings_of(job),
        # The duration that gives back the same frame count (frames = round(seconds × fps) + 1, snapped).
        "duration_seconds": round((job.num_frames - 1) / job.fps, 4),
        "seed": job.seed,
        "remix_of": output.pk,
    }


@tester_required
def generate(request):
    cohort = request.user.tester_membership.cohort
    remixable = remixable_outputs_for_user(request.user)
    initial = {"duration_seconds": 1.0, "resolution": "480p", "aspect_ratio": "16:9", "variations": 1}
    remix = None
    if request.method == "GET" and request.GET.get("remix"):
        remix = remixable_output_for_user(request.user, request.GET["remix"])
        initial |= _remix_initial(remix)
    form = GenerateForm(
        request.POST or None, cohort=cohort, presets=style_presets_offered(), remixable=remixable, initial=initial
    )
    still_form = StillForm(request.POST or None, request.FILES or None)
    refused = None
    if request.method == "POST" and form.is_valid() and still_form.is_valid():
        remix = form.cleaned_data["remix_of"]
        image = still_form.cleaned_data["image"]
        # A remix of an image-to-video output starts from the same still unless the tester gives a new one.
        own_remix = remix is not None and remix.owner_id == request.user.pk
        kept_still = remix.job.input_image if own_remix and image is None else None
        try:
            jobs = generation_jobs_submit(
                actor=Actor.from_request(request),
                user=request.user,
                request=GenerationRequest(**form.cleaned_data, image=image, input_image=kept_still),
            )
        except DomainError as exc:
            refused = add_domain_error(form, exc, also=(still_form,))
        else:
            if len(jobs) == 1:
                messages.success(request, gettext("Queued. Your video appears in the library as it renders."))
            else:
                messages.success(
                    request,
                    gettext("Queued %(count)s variations. They appear together in the library as they render.")
                    % {"count": len(jobs)},
                )
            return redirect(f"{reverse('generation:library')}#job-{jobs[0].pk}")
    status = refused or (400 if form.errors or still_form.errors else 200)
    return render(
        request,
        "generation/generate.html",
        {
            "form": form,
            "still_form": still_form,
            "quota": quota_for(request.user, cohort),
            "cohort": cohort,
            "remix": remix,
            # A remix of an image-to-video output starts from the same still unless another is chosen: say so.
            "remix_keeps_still": remix is not None
            and remix.owner_id == request.user.pk
            and remix.job.input_image_id is not None,
        },
        status=status,
    )


LIBRARY_PAGE_SIZE = 24
_SORTS = {
    "newest": ("-created_at", "-pk"),
    "oldest": ("created_at", "pk"),
    # A job without an output is no favourite: it sorts with the unstarred, newest first.
    "favourites": (Coalesce("output__favourite", Value(False)).desc(), "-created_at", "-pk"),
}


# Each filter of the library's form, and the lookup it applies to the tester's jobs.
_FILTER_LOOKUPS = {
    "q": "prompt__icontains",
    "status": "status",
    "review": "output__review_status",
    "model": "model",
    "since": "created_at__date__gte",
    "until": "created_at__date__lte",
    "favourites": "output__favourite",
    "collection": "output__collections",
}


def _filtered_jobs(jobs, filters: dict):
    lookups = {
        _FILTER_LOOKUPS[name]: value
        for name, value in filters.items()
        if name in _FILTER_LOOKUPS and value not in (None, "", False)
    }
    return jobs.filter(**lookups).order_by(*_SORTS[filters.get("sort") or "newest"])


@tester_required
def library(request):
    models = GenerationModel.objects.filter(jobs__owner=request.user).distinct().order_by("name")
    filters_form = LibraryFilterForm(request.GET, user=request.user, models=models)
    filters = filters_form.valid_filters()
    jobs = _filtered_jobs(jobs_for_user(request.user), filters)
    page = Paginator(jobs, LIBRARY_PAGE_SIZE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    # Cards preview their videos on hover: the page shows them, so the session may fetch them.
    watch_note_pages(request, output_ids=[str(job.output.pk) for job in shown if _has_output(job)])
    estimates = queue_estimates(shown)
    for job in shown:
        job.live = live_state(job, estimates.get(job.pk))
    cohort = request.user.tester_membership.cohort
    kept = request.GET.copy()
    kept.pop("page", None)
    return render(
        request,
        "generation/library.html",
        {
            "page": page,
            "jobs": shown,
            "filters": filters_form,
            "filtered": any(value not in (None, "", False) for name, value in filters.items() if name != "sort"),
            "collections": list(Collection.objects.filter(owner=request.user)),
            "collection": filters.get("collection"),
            "collection_form": CollectionForm(),
            "quota": quota_for(request.user, cohort),
            "query": kept.urlencode(),
            "here": request.get_full_path(),
        },
    )


def _has_output(job) -> bool:
    return getattr(job, "output", None) is not None


@tester_required
def job_detail(request, pk):
    job = job_for_user(request.user, pk)
    output = getattr(job, "output", None)
    if output is not None:
        watch_note_pages(request, output_ids=[str(output.pk)])
    panels = run_hooks(OUTPUT_PANELS, request=request, output=output) if output is not None else []
    collections = list(Collection.objects.filter(owner=request.user)) if output is not None else []
    in_collections = set(output.collections.values_list("pk", flat=True)) if output is not None else set()
    return render(
        request,
        "generation/job_detail.html",
        {
            "job": job,
            "output": output,
            "output_panels": panels,
            "live": live_state(job, queue_estimate(job)),
            "phases": phase_steps(job),
            "collections": [(c, c.pk in in_collections) for c in collections],
            "quota": quota_for(request.user, request.user.tester_membership.cohort),
            "siblings": variation_siblings(request.user, job),
            "remixes": remixes_of(request.user, output) if output is not None else [],
            "remixed_by_others": remixes_by_others(request.user, output) if output is not None else 0,
            "parent": job.remix_of,
            "still": job.input_image,
        },
    )


def _back(request, fallback: str):
    """Back to the page the form was on (a filtered library keeps its filters), never off the site."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect(fallback)


@tester_required
@require_POST
def output_favourite(request, pk):
    output = output_for_user(request.user, pk)
    output_favourite_set(output=output, favourite=request.POST.get("favourite") == "1")
    return _back(request, reverse("generation:job_detail", args=[output.job_id]))


@tester_required
@require_POST
def output_program(request, pk):
    output = output_for_user(request.user, pk)
    if output.owner_id != request.user.pk:
        raise Http404(gettext("No such output."))
    shown = request.POST.get("shown") == "1"
    try:
        output_show_to_program(actor=Actor.from_request(request), output=output, shown=shown)
    except DomainError as exc:
        messages.error(request, domain_error_text(exc))
    else:
        messages.success(
            request,
            gettext("Shown on the program feed.") if shown else gettext("Taken off the program feed."),
        )
    return redirect("generation:job_detail", pk=output.job_id)


def _collection_for_user(user, pk) -> Collection:
    try:
        return Collection.objects.get(owner=user, pk=pk)
    except Collection.DoesNotExist as exc:
        raise Http404(gettext("No such collection.")) from exc


@tester_required
@require_POST
def collection_create_view(request):
    form = CollectionForm(request.POST)
    if form.is_valid():
        try:
            collection = collection_create(owner=request.user, name=form.cleaned_data["name"])
        except DomainError as exc:
            messages.error(request, domain_error_text(exc))
        else:
            messages.success(request, gettext("Collection “%(name)s” created.") % {"name": collection.name})
            return redirect(f"{reverse('generation:library')}?collection={collection.pk}")
    else:
        messages.error(request, gettext("Give the collection a name of at most 80 characters."))
    return _back(request, reverse("generation:library"))


@tester_required
@require_POST
def collection_rename_view(request, pk):
    collection = _collection_for_user(request.user, pk)
    form = CollectionForm(request.POST)
    if form.is_valid():
        try:
            collection_rename(collection=collection, name=form.cleaned_data["name"])
        except DomainError as exc:
            messages.error(request, domain_error_text(exc))
        else:
            messages.success(request, gettext("Collection renamed."))
    else:
        messages.error(request, gettext("Give the collection a name of at most 80 characters."))
    return redirect(f"{reverse('generation:library')}?collection={collection.pk}")


@tester_required
@require_POST
def collection_delete_view(request, pk):
    collection = _collection_for_user(request.user, pk)
    collection_delete(collection=collection)
    messages.success(request, gettext("Collection deleted; its videos stay in your library."))
    return redirect("generation:library")


@tester_required
@require_POST
def collection_output(request, pk, output_pk):
    """Add the output to the collection (`action=add`) or take it out (`action=remove`)."""
    collection = _collection_for_user(request.user, pk)
    output = output_for_user(request.user, output_pk)
    try:
        if request.POST.get("action") == "remove":
            collection_remove_output(collection=collection, output=output)
        else:
            collection_add_output(collection=collection, output=output)
    except DomainError as exc:
        messages.error(request, domain_error_text(exc))
    return _back(request, reverse("generation:job_detail", args=[output.job_id]))


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
    return _back(request, reverse("generation:job_detail", args=[job.pk]))


def _resubmit(request, pk, *, same_seed: bool):
    job = job_for_user(request.user, pk)
    try:
        new_job = generation_job_submit(
            actor=Actor.from_request(request),
            user=request.user,
            request=generation_request_from_job(job, seed=job.seed if same_seed else None),
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
