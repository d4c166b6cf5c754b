"""Figures about the review queue: a tester's place in it, time to decision, and the staff metrics."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, F, Q
from django.utils import timezone

from review.models import Decision, Review, ReviewDecision, ReviewSettings, ReviewState

WINDOW = timedelta(days=30)
# The most recent decisions that the medians are taken over: enough to be stable, cheap to read.
SAMPLE = 1000


def queue_position(review: Review) -> int | None:
    """1 for the next output a reviewer will take; None when the review is not waiting."""
    if review.state != ReviewState.PENDING:
        return None
    ahead = Review.objects.filter(state=ReviewState.PENDING).filter(
        Q(created_at__lt=review.created_at) | Q(created_at=review.created_at, pk__lt=review.pk)
    )
    return ahead.count() + 1


def _decision_seconds(since) -> list[float]:
    durations = (
        Review.objects.filter(decided_at__isnull=False, decided_at__gte=since)
        .order_by("-decided_at")
        .annotate(waited=F("decided_at") - F("created_at"))
        .values_list("waited", flat=True)[:SAMPLE]
    )
    return sorted(d.total_seconds() for d in durations)


def _percentile(sorted_values: list[float], fraction: float) -> float | None:
    if not sorted_values:
        return None
    index = min(len(sorted_values) - 1, max(0, round(fraction * (len(sorted_values) - 1))))
    return sorted_values[index]


def median_time_to_decision() -> timedelta | None:
    seconds = _decision_seconds(timezone.now() - WINDOW)
    return timedelta(seconds=statistics.median(seconds)) if seconds else None


@dataclass(frozen=True)
class ReviewMetrics:
    backlog: int
    backlog_threshold: int
    oldest_waiting: timedelta | None
    median_to_decision: timedelta | None
    p95_to_decision: timedelta | None
    decisions_per_reviewer: list[dict]
    approval_rate_per_cohort: list[dict]

    @property
    def over_threshold(self) -> bool:
        return self.backlog > self.backlog_threshold


def backlog_notice() -> tuple[int, int] | None:
    """(backlog, threshold) when more outputs wait than admins allow, else None."""
    threshold = ReviewSettings.current().backlog_threshold
    backlog = Review.objects.filter(state=ReviewState.PENDING).count()
    return (backlog, threshold) if backlog > threshold else None


def review_metrics() -> ReviewMetrics:
    now = timezone.now()
    since = now - WINDOW
    pending = Review.objects.filter(state=ReviewState.PENDING)
    oldest = pending.order_by("created_at").values_list("created_at", flat=True).first()
    seconds = _decision_seconds(since)
    per_reviewer = list(
        ReviewDecision.objects.filter(created_at__gte=since)
        .values("reviewer__email")
        .annotate(
            total=Count("pk"),
            approvals=Count("pk", filter=Q(decision=Decision.APPROVE)),
            rejections=Count("pk", filter=Q(decision=Decision.REJECT)),
            changes=Count("pk", filter=Q(decision=Decision.REQUEST_CHANGES)),
            withdrawals=Count("pk", filter=Q(decision=Decision.WITHDRAW)),
        )
        .order_by("-total", "reviewer__email")
    )
    decided = (
        Review.objects.filter(decided_at__gte=since)
        .values("output__job__cohort__name")
        .annotate(
            decided=Count("pk"),
            approved=Count("pk", filter=Q(state__in=[ReviewState.APPROVED, ReviewState.WITHDRAWN])),
        )
        .order_by("output__job__cohort__name")
    )
    per_cohort = [
        {"cohort": row["output__job__cohort__name"], "decided": row["decided"], "approved": row["approved"]}
        for row in decided
    ]
    return ReviewMetrics(
        backlog=pending.count(),
        backlog_threshold=ReviewSettings.current().backlog_threshold,
        oldest_waiting=now - oldest if oldest else None,
        median_to_decision=timedelta(seconds=statistics.median(seconds)) if seconds else None,
        p95_to_decision=timedelta(seconds=_percentile(seconds, 0.95)) if seconds else None,
        decisions_per_reviewer=per_reviewer,
        approval_rate_per_cohort=per_cohort,
    )
