"""A reviewer's own figures for the dashboard: what waits, what they decided, how long it takes them."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from review.models import Review, ReviewDecision, ReviewState, Revision
from review.services.metrics import SAMPLE, WINDOW


@dataclass(frozen=True)
class ReviewerDashboard:
    claimed_by_me: int
    unclaimed: int
    decisions_today: int
    my_median: timedelta | None
    open_appeals: int
    revisions_waiting: int
    changes_awaiting_tester: int


def _start_of_today(now: datetime) -> datetime:
    local = timezone.localtime(now)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def reviewer_dashboard(user, *, now: datetime | None = None) -> ReviewerDashboard:
    now = now or timezone.now()
    waiting = Review.objects.filter(state=ReviewState.PENDING).exclude(owner=user)
    held = Q(claimed_by__isnull=False, claimed_until__gt=now)
    mine = waiting.filter(held, claimed_by=user).count()
    unclaimed = waiting.exclude(held).count()
    decided = ReviewDecision.objects.filter(reviewer=user)
    today = decided.filter(created_at__gte=_start_of_today(now), created_at__lte=now).count()
    waited = (
        decided.filter(created_at__gte=now - WINDOW, created_at__lte=now)
        .order_by("-created_at")
        .annotate(waited=F("created_at") - F("review__created_at"))
        .values_list("waited", flat=True)[:SAMPLE]
    )
    seconds = [w.total_seconds() for w in waited]
    answered = Revision.objects.filter(original_review=OuterRef("pk"))
    latest_of_output = Review.objects.filter(output=OuterRef("output")).order_by("-created_at", "-pk").values("pk")[:1]
    return ReviewerDashboard(
        claimed_by_me=mine,
        unclaimed=unclaimed,
        decisions_today=today,
        my_median=timedelta(seconds=statistics.median(seconds)) if seconds else None,
        open_appeals=waiting.filter(appeal_of__isnull=False).count(),
        revisions_waiting=waiting.filter(Exists(Revision.objects.filter(output=OuterRef("output")))).count(),
        changes_awaiting_tester=Review.objects.filter(state=ReviewState.CHANGES_REQUESTED, pk=latest_of_output)
        .exclude(Exists(answered))
        .count(),
    )
