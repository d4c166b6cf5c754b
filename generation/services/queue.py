"""Where a job stands in the queue and when it should start and end: one read for the page, the card and the API.

The position follows the scheduler (`generation.services.scheduling`): the next job goes to the tester whose
GPU use is least recent, so serving one of a tester's jobs sends their next one behind everyone else's. The
queue is replayed that way; model affinity can still reorder it, which is why the pages say "about".

Times come from measured service: the median seconds per frame of the last succeeded jobs of the same model
and resolution, divided among the live GPU workers of the fleet.
"""

from __future__ import annotations

import heapq
import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import Max, Q
from django.utils import timezone

from generation.models import GenerationJob, GpuWorker, JobStatus, WorkerState

# How many recent succeeded jobs of one model and resolution the median is taken over.
HISTORY_JOBS = 20
# Without any history: seconds per frame at 480p (a guess, replaced by measurement after the first job).
DEFAULT_SECONDS_PER_FRAME = 2.0
REFERENCE_PIXELS = 848 * 480
# The profile (medians and live workers) is shared by every poll for this long.
PROFILE_CACHE_SECONDS = 15
_PROFILE_CACHE_KEY = "generation:service-profile"


def clock() -> datetime:
    """Now; one place, so the tests can move time."""
    return timezone.now()


@dataclass(frozen=True)
class ServiceProfile:
    """Measured speed: median seconds per frame per (model, resolution), per model, and live workers."""

    per_bucket: dict[tuple[int, str], float]
    per_model_pixel: dict[int, float]
    live_workers: int

    def job_seconds(self, *, model_id: int, resolution: str, width: int, height: int, num_frames: int) -> float:
        per_frame = self.per_bucket.get((model_id, resolution))
        if per_frame is None:
            per_pixel = self.per_model_pixel.get(model_id, DEFAULT_SECONDS_PER_FRAME / REFERENCE_PIXELS)
            per_frame = per_pixel * width * height
        return per_frame * num_frames

    @property
    def measured(self) -> bool:
        return bool(self.per_bucket)


@dataclass(frozen=True)
class QueueEstimate:
    """A job's place (1 = next to start; None once it runs) and its expected start and finish."""

    position: int | None
    ahead: int
    estimated_start: datetime | None
    estimated_finish: datetime | None
    live_workers: int


def _measure_profile() -> ServiceProfile:
    succeeded = (
        GenerationJob.objects.filter(status=JobStatus.SUCCEEDED, started_at__isnull=False, finished_at__isnull=False)
        .order_by("-finished_at")
        .values_list("model_id", "resolution", "width", "height", "num_frames", "started_at", "finished_at")[
            : HISTORY_JOBS * 20
        ]
    )
    per_bucket: dict[tuple[int, str], list[float]] = defaultdict(list)
    per_model: dict[int, list[float]] = defaultdict(list)
    for model_id, resolution, width, height, frames, started, finished in succeeded:
        seconds = (finished - started).total_seconds()
        if seconds <= 0 or frames <= 0:
            continue
        if len(per_bucket[model_id, resolution]) < HISTORY_JOBS:
            per_bucket[model_id, resolution].append(seconds / frames)
        if len(per_model[model_id]) < HISTORY_JOBS:
            per_model[model_id].append(seconds / frames / max(width * height, 1))
    fresh_after = clock() - timedelta(seconds=settings.GENERATION_STALE_SECONDS)
    live = GpuWorker.objects.filter(Q(heartbeat_at__gte=fresh_after) & ~Q(state=WorkerState.STOPPED)).count()
    return ServiceProfile(
        per_bucket={key: statistics.median(values) for key, values in per_bucket.items()},
        per_model_pixel={key: statistics.median(values) for key, values in per_model.items()},
        live_workers=live,
    )


def service_profile() -> ServiceProfile:
    """The measured profile, shared by every web process for a few seconds."""
    return cache.get_or_set(_PROFILE_CACHE_KEY, _measure_profile, PROFILE_CACHE_SECONDS)


def _serving_order(queued: list[dict], last_start: dict[int, datetime | None]) -> list:
    """The queued job ids in the order the scheduler would claim them, if nothing else were submitted."""
    by_owner: dict[int, list[dict]] = defaultdict(list)
    for row in sorted(queued, key=lambda row: row["created_at"]):
        by_owner[row["owner_id"]].append(row)
    # (never ran first, then least recent start, then oldest job): the scheduler's ORDER BY, per owner.
    heap = [
        (
            last_start.get(owner) is not None,
            last_start.get(owner) or rows[0]["created_at"],
            rows[0]["created_at"],
            owner,
        )
        for owner, rows in by_owner.items()
    ]
    heapq.heapify(heap)
    order, served = [], 0
    horizon = max([*(t for t in last_start.values() if t), *(r["created_at"] for r in queued)], default=clock())
    while heap:
        _never, _last, _oldest, owner = heapq.heappop(heap)
        row = by_owner[owner].pop(0)
        order.append(row)
        served += 1
        if by_owner[owner]:
            # Served now: this owner's GPU use is the most recent of all, so their next job waits its turn.
            started = horizon + timedelta(microseconds=served)
            heapq.heappush(heap, (True, started, by_owner[owner][0]["created_at"], owner))
    return order


def queue_estimates(jobs) -> dict:
    """For each of `jobs` (one tester's, any states), its `QueueEstimate`, keyed by job id.

    Two queries when any of them is queued or running (the active jobs, with each owner's last start), plus
    the cached service profile; none otherwise.
    """
    jobs = [job for job in jobs if job.status in (JobStatus.QUEUED, JobStatus.RUNNING)]
    if not jobs:
        return {}
    now = clock()
    profile = service_profile()
    workers = max(profile.live_workers, 1)
    active = list(
        GenerationJob.objects.filter(status__in=(JobStatus.QUEUED, JobStatus.RUNNING)).values(
            "pk", "owner_id", "model_id", "resolution", "width", "height", "num_frames", "status", "created_at",
            "started_at",
        )
    )  # fmt: skip
    queued = [row for row in active if row["status"] == JobStatus.QUEUED]
    owners = {row["owner_id"] for row in queued}
    last_start = dict(
        GenerationJob.objects.filter(owner_id__in=owners, started_at__isnull=False)
        .order_by()
        .values_list("owner_id")
        .annotate(last=Max("started_at"))
        .values_list("owner_id", "last")
    )

    def seconds(row) -> float:
        return profile.job_seconds(
            model_id=row["model_id"],
            resolution=row["resolution"],
            width=row["width"],
            height=row["height"],
            num_frames=row["num_frames"],
        )

    # What the workers still owe the jobs they are running, then each queued job in serving order.
    backlog = 0.0
    finishes: dict = {}
    for row in active:
        if row["status"] == JobStatus.RUNNING:
            elapsed = (now - (row["started_at"] or now)).total_seconds()
            left = max(seconds(row) - elapsed, 0.0)
            backlog += left
            finishes[row["pk"]] = now + timedelta(seconds=left)
    estimates = {}
    for place, row in enumerate(_serving_order(queued, last_start), start=1):
        start = now + timedelta(seconds=backlog / workers)
        estimates[row["pk"]] = QueueEstimate(
            position=place,
            ahead=place - 1,
            estimated_start=start,
            estimated_finish=start + timedelta(seconds=seconds(row)),
            live_workers=profile.live_workers,
        )
        backlog += seconds(row)
    answer = {}
    for job in jobs:
        if job.pk in estimates:
            answer[job.pk] = estimates[job.pk]
        elif job.status == JobStatus.RUNNING:
            answer[job.pk] = QueueEstimate(
                position=None,
                ahead=0,
                estimated_start=job.started_at,
                estimated_finish=finishes.get(job.pk, now),
                live_workers=profile.live_workers,
            )
    return answer


def queue_estimate(job: GenerationJob) -> QueueEstimate | None:
    return queue_estimates([job]).get(job.pk)
