"""The reviewers' pages: the queue, one output under review (claimed on open), decisions, and metrics."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from accessprogram.access import reviewer_required
from accessprogram.errors import DomainError
from accessprogram.hooks import OUTPUT_STAFF_ACTIONS, run_hooks
from accessprogram.services.context import Actor
from accessprogram.views.common import domain_error_text
from generation.models import Output
from review.access import (
    notes_for_output,
    output_versions,
    review_for_reviewer,
    review_queue_for,
    version_history,
)
from review.forms import DecisionForm, QueueFilterForm
from review.models import Decision, ReviewState, Revision
from review.services.metrics import backlog_notice, review_metrics
from review.services.reviews import review_claim, review_decide

HISTORY = 10


def _filters(form: QueueFilterForm) -> dict:
    if not form.is_valid():
        return {}
    return {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}


def _without_page(query) -> str:
    query = query.copy()
    query.pop("page", None)
    return query.urlencode()


QUEUE_ROW_FIELDS = (
    "output_id",
    "created_at",
    "state",
    "appeal_of_id",
    "claimed_by__full_name",
    "claimed_by__email",
    "claimed_until",
    "output__owner__full_name",
    "output__owner__email",
    "output__job__prompt",
    "output__job__cohort__name",
    "output__job__cohort__approvals_required",
    "output__job__model__name",
    "output__duration_seconds",
    "output__width",
    "output__height",
)


@reviewer_required
def review_queue(request):
    form = QueueFilterForm(request.GET or None)
    # The list shows a line per output: leave out the columns only the item page reads.
    reviews = (
        review_queue_for(request.user, **_filters(form))
        .only(*QUEUE_ROW_FIELDS)
        .annotate(is_revision=Exists(Revision.objects.filter(output=OuterRef("output"))))
    )
    page = Paginator(reviews, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "review/queue.html",
        {
            "form": form,
            "page": page,
            "backlog": backlog_notice(),
            "query": _without_page(request.GET),
            "now": timezone.now(),
        },
    )


def _next_item_url(user, after_review) -> str:
    """The oldest open item after this one that nobody else is holding, or the queue."""
    for review in (
        review_queue_for(user).filter(created_at__gte=after_review.created_at).exclude(pk=after_review.pk)[:20]
    ):
        if not review.claimed_by_other(user):
            return reverse("review:review_item", args=[review.output_id])
    return reverse("review:review_queue")


@reviewer_required
def review_item(request, output_id):
    review = review_for_reviewer(request.user, output_id)
    output = review.output
    can_decide = False
    if review.is_open:
        try:
            review = review_claim(actor=Actor.from_request(request), output=output)
            can_decide = True
        except DomainError as exc:
            messages.warning(request, exc.message)
    versions = output_versions(output)
    history = (
        Output.objects.filter(owner=output.owner)
        .exclude(pk__in=[v.pk for v in versions])
        .select_related("job")
        .order_by("-created_at")
    )[:HISTORY]
    earlier = versions[: versions.index(output)]
    carried = version_history(earlier) if earlier else {"decisions": {}, "notes": {}}
    return render(
        request,
        "review/item.html",
        {
            "review": review,
            "output": output,
            "job": output.job,
            # The still an image-to-video output started from: reviewers judge the video against it.
            "still": output.job.input_image,
            "decisions": review.decisions.select_related("reviewer", "reason"),
            "history": history,
            "versions": versions,
            "version_number": versions.index(output) + 1,
            "earlier_versions": [
                {
                    "output": v,
                    "number": number,
                    "decisions": carried["decisions"].get(v.pk, []),
                    "notes": carried["notes"].get(v.pk, []),
                }
                for number, v in enumerate(earlier, start=1)
            ],
            "notes": notes_for_output(output),
            "form": DecisionForm(open_review=review.is_open),
            "can_decide": can_decide,
            "can_withdraw": review.state == ReviewState.APPROVED,
            "share_links": output.share_links.all(),
            "gallery_entry": getattr(output, "gallery_entry", None),
            "next_url": _next_item_url(request.user, review),
            "staff_actions": run_hooks(OUTPUT_STAFF_ACTIONS, request=request, output=output),
        },
    )


@reviewer_required
@require_POST
def review_decide_view(request, output_id):
    review = review_for_reviewer(request.user, output_id)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("review:review_item", output_id=review.output_id)
    data = form.cleaned_data
    try:
        decided = review_decide(
            actor=Actor.from_request(request),
            output=review.output,
            decision=data["decision"],
            reason=data["reason"],
            note=data["note"],
        )
    except DomainError as exc:
        messages.error(request, domain_error_text(exc))
        return redirect("review:review_item", output_id=review.output_id)
    if decided.state == ReviewState.PENDING:
        messages.success(
            request,
            gettext("First approval recorded; a second reviewer must approve output %(short_id)s.")
            % {"short_id": review.output.short_id},
        )
    else:
        messages.success(
            request,
            gettext("%(state)s: output %(short_id)s.")
            % {"state": decided.get_state_display(), "short_id": review.output.short_id},
        )
    if data["decision"] == Decision.WITHDRAW:
        return redirect("review:review_item", output_id=review.output_id)
    return redirect(_next_item_url(request.user, review))


@reviewer_required
def review_metrics_view(request):
    return render(request, "review/metrics.html", {"metrics": review_metrics()})
