"""The jury's page: declare conflicts, confirm them, and score each submission against the rubric.

The POST-only views find the juror's seat before checking the method, so nobody else learns the call exists."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext

from accessprogram.access import member_required
from accessprogram.errors import DomainError
from accessprogram.services.context import Actor
from accessprogram.views.common import add_domain_error
from showcase.access import call_for_juror, submission_for_juror
from showcase.forms import ConflictForm, ScoreForm
from showcase.models import Juror, JurorConflict, Scorecard
from showcase.services.calls import (
    scoring_block_reason,
    showcase_conflict_declare,
    showcase_conflicts_confirm,
    showcase_score,
)


def _jury_page(request, call, *, bound: dict | None = None, status: int = 200):
    """Every submission with why the juror may not score it, or a score form (pre-filled with their scores)."""
    user = request.user
    criteria = list(call.criteria.all())
    seat = Juror.objects.get(call=call, user=user)
    conflicts = set(
        JurorConflict.objects.filter(submission__call=call, juror=user).values_list("submission_id", flat=True)
    )
    scorecards = {
        card.submission_id: card
        for card in Scorecard.objects.filter(submission__call=call, juror=user).prefetch_related("lines")
    }
    rows = []
    for submission in call.submissions.select_related("output", "output__job"):
        card = scorecards.get(submission.pk)
        initial = {f"c{line.criterion_id}": line.points for line in card.lines.all()} if card else None
        rows.append(
            {
                "submission": submission,
                "blocked": scoring_block_reason(call=call, juror=user, submission=submission, conflicts=conflicts),
                "scorecard": card,
                "score_form": (bound or {}).get(("score", submission.pk))
                or ScoreForm(criteria=criteria, initial=initial, prefix=f"s{submission.pk}"),
                "conflict_form": (bound or {}).get(("conflict", submission.pk))
                or ConflictForm(prefix=f"k{submission.pk}"),
            }
        )
    return render(
        request,
        "showcase/jury.html",
        {"call": call, "seat": seat, "criteria": criteria, "rows": rows},
        status=status,
    )


@member_required
def showcase_jury(request, pk: int):
    return _jury_page(request, call_for_juror(request.user, pk))


@member_required
def showcase_jury_confirm(request, pk: int):
    call = call_for_juror(request.user, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        showcase_conflicts_confirm(actor=Actor.from_request(request), call=call)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, gettext("Thank you. Scoring is open to you."))
    return redirect("showcase:showcase_jury", pk=call.pk)


@member_required
def showcase_conflict_view(request, pk: int):
    submission = submission_for_juror(request.user, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = ConflictForm(request.POST, prefix=f"k{submission.pk}")
    if form.is_valid():
        try:
            showcase_conflict_declare(
                actor=Actor.from_request(request), submission=submission, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            status = add_domain_error(form, exc)
            return _jury_page(request, submission.call, bound={("conflict", submission.pk): form}, status=status)
        messages.success(request, gettext("Conflict declared. You will not score this submission."))
        return redirect("showcase:showcase_jury", pk=submission.call_id)
    return _jury_page(request, submission.call, bound={("conflict", submission.pk): form}, status=400)


@member_required
def showcase_score_view(request, pk: int):
    submission = submission_for_juror(request.user, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = ScoreForm(request.POST, criteria=submission.call.criteria.all(), prefix=f"s{submission.pk}")
    if form.is_valid():
        try:
            showcase_score(actor=Actor.from_request(request), submission=submission, points=form.points())
        except DomainError as exc:
            status = add_domain_error(form, exc)
            return _jury_page(request, submission.call, bound={("score", submission.pk): form}, status=status)
        messages.success(request, gettext("Score saved."))
        return redirect("showcase:showcase_jury", pk=submission.call_id)
    return _jury_page(request, submission.call, bound={("score", submission.pk): form}, status=400)
