"""A queued job's place follows the fair-share scheduler, and its start and finish come from measured service
times per model and size, shared among the live workers (the clock is moved; nothing else is faked)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from generation.models import GenerationJob, GpuWorker, JobStatus, WorkerState
from generation.services import queue
from generation.services.queue import DEFAULT_SECONDS_PER_FRAME, REFERENCE_PIXELS, queue_estimates
from generation.services.scheduling import generation_job_claim_next
from tests.conftest import make_job

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


@pytest.fixture
def frozen(monkeypatch):
    monkeypatch.setattr(queue, "clock", lambda: NOW)
    return NOW


def at(job: GenerationJob, **times) -> GenerationJob:
    """Set a job's times (auto_now_add cannot be given at creation)."""
    GenerationJob.objects.filter(pk=job.pk).update(**times)
    job.refresh_from_db()
    return job


def served(owner, model, *, run_seconds: float, ended_ago: float, now: datetime, **fields) -> GenerationJob:
    finished = now - timedelta(seconds=ended_ago)
    job = make_job(owner, model, status=JobStatus.SUCCEEDED, progress_step=4, **fields)
    return at(job, started_at=finished - timedelta(seconds=run_seconds), finished_at=finished)


def after(moment: datetime) -> float:
    return (moment - NOW).total_seconds()


def live_worker(name: str, now: datetime) -> GpuWorker:
    return GpuWorker.objects.create(name=name, state=WorkerState.BUSY, started_at=now, heartbeat_at=now)


def test_the_position_is_the_order_the_scheduler_really_serves(artist, artist2, demo_generation_model):
    # Given the artist queued three jobs before the second artist queued one (neither has run yet)
    now = timezone.now()
    mine = [
        at(make_job(artist, demo_generation_model), created_at=now - timedelta(seconds=30 - 10 * n)) for n in range(3)
    ]
    theirs = at(make_job(artist2, demo_generation_model), created_at=now - timedelta(seconds=5))

    # When the places are computed, and then the scheduler claims every job one after the other
    estimates = queue_estimates([*mine, theirs])
    predicted = sorted(estimates, key=lambda pk: estimates[pk].position)
    claimed = []
    while (job := generation_job_claim_next(worker="gpu0")) is not None:
        claimed.append(job.pk)

    # Then the second artist's single job goes second, not last, and the prediction is the real order
    assert [estimates[job.pk].position for job in (*mine, theirs)] == [1, 3, 4, 2]
    assert predicted == claimed
    assert estimates[theirs.pk].ahead == 1


def test_the_estimate_is_the_median_of_recent_runs_for_that_model_and_size(
    frozen, artist, artist2, demo_generation_model
):
    # Given 256p jobs of this model that ran 10, 12 and 100 s (median 12 s for 17 frames), one live worker
    for run_seconds in (10, 12, 100):
        served(artist2, demo_generation_model, run_seconds=run_seconds, ended_ago=600, now=frozen)
    live_worker("gpu0", frozen)
    # and a job running for 4 s, and another tester's job queued before the artist's
    running = at(
        make_job(artist2, demo_generation_model, status=JobStatus.RUNNING), started_at=frozen - timedelta(seconds=4)
    )
    ahead = at(make_job(artist2, demo_generation_model), created_at=frozen - timedelta(seconds=60))
    mine = at(make_job(artist, demo_generation_model), created_at=frozen - timedelta(seconds=30))

    estimates = queue_estimates([mine, running])

    # Then the artist's job (never ran: it goes before the second artist's, who just ran) waits for what the
    # running job has left (12 - 4 = 8 s), and takes 12 s
    assert estimates[mine.pk].position == 1
    assert after(estimates[mine.pk].estimated_start) == pytest.approx(8)
    assert after(estimates[mine.pk].estimated_finish) == pytest.approx(20)
    assert estimates[running.pk].position is None
    assert after(estimates[running.pk].estimated_finish) == pytest.approx(8)
    # A second live worker halves the wait of the job behind it
    queue.cache.clear()
    live_worker("gpu1", frozen)
    behind = queue_estimates([ahead])[ahead.pk]
    assert behind.position == 2
    assert after(behind.estimated_start) == pytest.approx((8 + 12) / 2)


def test_other_sizes_scale_by_pixels_and_no_history_falls_back_to_a_default(
    frozen, artist, artist2, demo_generation_model
):
    queued = make_job(artist, demo_generation_model, resolution="480p", width=848, height=480, num_frames=17)

    guessed = queue_estimates([queued])[queued.pk]

    default = DEFAULT_SECONDS_PER_FRAME * 848 * 480 / REFERENCE_PIXELS * 17
    assert (guessed.estimated_finish - guessed.estimated_start).total_seconds() == pytest.approx(default)
    assert guessed.live_workers == 0

    # Once 256p jobs were measured (8.5 s for 17 frames), a 480p job is estimated by its pixels
    queue.cache.clear()
    served(artist2, demo_generation_model, run_seconds=8.5, ended_ago=60, now=frozen)
    scaled = queue_estimates([queued])[queued.pk]
    expected = 8.5 * (848 * 480) / (256 * 256)
    assert (scaled.estimated_finish - scaled.estimated_start).total_seconds() == pytest.approx(expected)


def test_a_stale_or_stopped_worker_is_not_counted_as_live(frozen, artist, demo_generation_model):
    GpuWorker.objects.create(
        name="gone", state=WorkerState.IDLE, started_at=frozen, heartbeat_at=frozen - timedelta(hours=1)
    )
    GpuWorker.objects.create(name="stopped", state=WorkerState.STOPPED, started_at=frozen, heartbeat_at=frozen)
    job = make_job(artist, demo_generation_model)

    assert queue_estimates([job])[job.pk].live_workers == 0


def test_finished_jobs_have_no_estimate_and_cost_no_query(artist, demo_generation_model, django_assert_num_queries):
    done = make_job(artist, demo_generation_model, status=JobStatus.SUCCEEDED, progress_step=4)
    with django_assert_num_queries(0):
        assert queue_estimates([done]) == {}
