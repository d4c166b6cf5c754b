"""Reads for every showcase view and API: calls, submissions (for jurors and owners) and licence requests."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import Avg, Count, F, Prefetch, Q, prefetch_related_objects
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext

from generation.models import ReviewStatus
from review.access import public_gallery
from showcase.models import CallStatus, Juror, LicenceRequest, LicenceStatus, ShowcaseCall, Submission


def calls_for_user(user):
    """Every member sees the program's calls: they are open invitations, not anyone's private work."""
    if not (user.is_program_staff or user.is_tester):
        return ShowcaseCall.objects.none()
    return ShowcaseCall.objects.prefetch_related("criteria")


def call_for_user(user, call_id) -> ShowcaseCall:
    try:
        return calls_for_user(user).get(pk=call_id)
    except (ShowcaseCall.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(gettext("No such showcase call.")) from exc


def call_for_juror(user, call_id) -> ShowcaseCall:
    call = call_for_user(user, call_id)
    if not Juror.objects.filter(call=call, user=user).exists():
        raise Http404(gettext("You are not on this call's jury."))
    return call


def submission_for_juror(user, submission_id) -> Submission:
    try:
        return Submission.objects.select_related("call", "output", "output__job").get(
            pk=submission_id, call__juror_assignments__user=user
        )
    except (Submission.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(gettext("No such submission.")) from exc


def submission_for_viewer(user, submission_id) -> Submission:
    """A submission whose video this user may watch: a juror of its call, its owner, or staff; approved only."""
    viewers = Q(call__juror_assignments__user=user) | Q(tester=user)
    submissions = Submission.objects.select_related("output")
    if not user.is_program_staff:
        submissions = submissions.filter(viewers)
    try:
        submission = submissions.filter(output__review_status=ReviewStatus.APPROVED).distinct().get(pk=submission_id)
    except (Submission.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(gettext("No such submission.")) from exc
    return submission


def submission_for_admin(user, submission_id) -> Submission:
    if not user.is_program_admin:
        raise Http404(gettext("No such submission."))
    try:
        return Submission.objects.select_related("call", "output").get(pk=submission_id)
    except (Submission.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(gettext("No such submission.")) from exc


def ranked_submissions(call: ShowcaseCall):
    """The call's submissions by mean score (unscored last), then by the earliest submitted."""
    return (
        call.submissions.select_related("output", "tester")
        .annotate(mean_score=Avg("scorecards__total"), scorecard_count=Count("scorecards", distinct=True))
        .order_by(F("mean_score").desc(nulls_last=True), "submitted_at", "pk")
    )


def published_winners(call: ShowcaseCall) -> list[Submission]:
    """The winners of a published call that the public may see right now (the gallery's own rule)."""
    if call.status != CallStatus.PUBLISHED:
        return []
    winners = list(call.submissions.filter(selected_at__isnull=False).select_related("output", "output__job__model"))
    shown = public_gallery().filter(output_id__in=[winner.output_id for winner in winners])
    entries = {entry.output_id: entry for entry in shown}
    visible = []
    for winner in winners:
        entry = entries.get(winner.output_id)
        if entry is not None:
            winner.gallery_entry = entry
            visible.append(winner)
    return visible


def licences_for_user(user):
    licences = LicenceRequest.objects.select_related("output", "tester", "requested_by")
    if user.is_program_admin:
        return licences
    return licences.filter(tester=user)


def licence_for_user(user, licence_id) -> LicenceRequest:
    try:
        return licences_for_user(user).get(pk=licence_id)
    except (LicenceRequest.DoesNotExist, ValueError, TypeError, ValidationError) as exc:
        raise Http404(gettext("No such licence request.")) from exc


def licence_for_owner(user, licence_id) -> LicenceRequest:
    try:
        return LicenceRequest.objects.select_related("output").get(pk=licence_id, tester=user)
    except (LicenceRequest.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(gettext("No such licence request.")) from exc


def licences_in_force(today: date | None = None):
    """Accepted licences whose term covers today: every public use of their output shows the credit."""
    today = today or timezone.localdate()
    return LicenceRequest.objects.filter(status=LicenceStatus.ACCEPTED, term_start__lte=today, term_end__gte=today)


def public_credits(*, outputs) -> dict:
    """The `public_credits` hook: “Licensed to … for <use>, credit: <name>” for each licence in force, per output."""
    outputs = list(outputs)
    prefetch_licences_in_force(outputs)
    return {output.pk: [licence.public_credit for licence in output.licences_in_force] for output in outputs}


def prefetch_licences_in_force(outputs) -> None:
    """Attach `licences_in_force` to each output in one query (the gallery shows a page of them)."""
    prefetch_related_objects(
        list(outputs),
        Prefetch(
            "licence_requests",
            queryset=licences_in_force().order_by("term_start", "pk"),
            to_attr="licences_in_force",
        ),
    )
