"""Quota accounting: each tester's budget per period, in GPU-seconds or seconds of video."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta

from django.db.models import F, FloatField, Sum
from django.db.models.functions import Cast
from django.utils import timezone

from accessprogram.models import Cohort, QuotaPeriod, QuotaUnit
from generation.models import GenerationJob, JobStatus


@dataclass(frozen=True)
class QuotaStatus:
    unit: str
    period: str
    limit: int
    used: float
    remaining: float
    resets_at: datetime

    def as_dict(self) -> dict:
        return asdict(self)


def period_bounds(period: str, now: datetime | None = None) -> tuple[datetime, datetime]:
    """The current period [start, end) in UTC: a calendar day, or a week starting on Monday."""
    now = now or timezone.now()
    start = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    if period == QuotaPeriod.WEEK:
        start -= timedelta(days=start.weekday())
        return start, start + timedelta(days=7)
    return start, start + timedelta(days=1)


def quota_used(*, user, cohort: Cohort, since: datetime) -> float:
    jobs = GenerationJob.objects.filter(owner=user, created_at__gte=since).exclude(status=JobStatus.CANCELLED)
    if cohort.quota_unit == QuotaUnit.VIDEO_SECONDS:
        # Video seconds are committed at submission: a queued job counts against the budget.
        expr = Cast(F("num_frames"), FloatField()) / Cast(F("fps"), FloatField())
        total = jobs.exclude(status=JobStatus.FAILED).aggregate(total=Sum(expr))["total"]
    else:
        total = jobs.aggregate(total=Sum("gpu_seconds"))["total"]
    return round(float(total or 0.0), 2)


def quota_for(user, cohort: Cohort) -> QuotaStatus:
    start, end = period_bounds(cohort.quota_period)
    used = quota_used(user=user, cohort=cohort, since=start)
    return QuotaStatus(
        unit=cohort.quota_unit,
        period=cohort.quota_period,
        limit=cohort.quota_amount,
        used=used,
        remaining=round(max(0.0, cohort.quota_amount - used), 2),
        resets_at=end,
    )


def quota_status(user) -> dict | None:
    """The signed-in tester's quota, as the program's `me/` endpoint reports it."""
    membership = user.tester_membership
    return quota_for(user, membership.cohort).as_dict() if membership else None


def quota_summary(*, user) -> dict:
    """The `member_summary` hook: `me/` shows what the tester has left."""
    return {"quota": quota_status(user)}
