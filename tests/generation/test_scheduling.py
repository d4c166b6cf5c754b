"""Fair scheduling and atomic claims: the job table decides the order, whatever the broker delivers."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from generation.models import GenerationJob, JobStatus
from generation.services.scheduling import generation_job_claim_next
from tests.conftest import make_job


def queue(owner, model, count: int, **fields):
    return [make_job(owner, model, prompt=f"job {i}", seed=i, **fields) for i in range(count)]


def finish(job):
    GenerationJob.objects.filter(pk=job.pk).update(status=JobStatus.SUCCEEDED, finished_at=timezone.now())


def test_a_single_job_waits_only_for_the_running_one(demo_generation_model, artist, artist2):
    # Given a tester with 100 queued jobs, one of which is already running…
    flood = queue(artist, demo_generation_model, 100)
    running = generation_job_claim_next(worker="gpu0")
    assert running.pk == flood[0].pk
    # …when another tester submits a single job,
    (single,) = queue(artist2, demo_generation_model, 1)
    finish(running)
    # then it is the very next job to run.
    assert generation_job_claim_next(worker="gpu0").pk == single.pk


def test_testers_alternate_by_least_recent_gpu_use(demo_generation_model, artist, artist2, red_teamer):
    queue(artist, demo_generation_model, 5)
    queue(artist2, demo_generation_model, 5)
    queue(red_teamer, demo_generation_model, 5)
    order = []
    for _ in range(9):
        job = generation_job_claim_next(worker="gpu0")
        order.append(job.owner_id)
        finish(job)
    assert order[:3] == [artist.pk, artist2.pk, red_teamer.pk]
    assert order[3:6] == order[:3] and order[6:9] == order[:3]


def test_a_claim_takes_a_job_once(demo_generation_model, artist):
    (job,) = queue(artist, demo_generation_model, 1)
    assert generation_job_claim_next(worker="gpu0").pk == job.pk
    assert generation_job_claim_next(worker="gpu1") is None
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING and job.worker == "gpu0" and job.attempts == 1


def test_cancelled_jobs_are_never_claimed(demo_generation_model, artist):
    (job,) = queue(artist, demo_generation_model, 1, status=JobStatus.CANCELLED)
    assert generation_job_claim_next(worker="gpu0") is None


def test_the_reconciler_requeues_a_job_whose_worker_died(demo_generation_model, artist, settings):
    from generation.services.reconcile import _recover_stale_jobs

    settings.GENERATION_STALE_SECONDS = 60
    (job,) = queue(artist, demo_generation_model, 1)
    generation_job_claim_next(worker="gpu0")
    GenerationJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(minutes=5))
    assert _recover_stale_jobs() == (1, 0, 0)
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED and job.worker == ""
    assert generation_job_claim_next(worker="gpu1").pk == job.pk


def test_the_reconciler_gives_up_after_the_attempt_limit(demo_generation_model, artist, settings):
    from generation.services.reconcile import _recover_stale_jobs

    settings.GENERATION_MAX_ATTEMPTS = 2
    (job,) = queue(artist, demo_generation_model, 1)
    for _ in range(2):
        generation_job_claim_next(worker="gpu0")
        GenerationJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(hours=1))
        _recover_stale_jobs()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "2 times" in job.error and job.finished_at


def test_a_live_job_is_left_alone(demo_generation_model, artist):
    from generation.services.reconcile import _recover_stale_jobs

    queue(artist, demo_generation_model, 1)
    generation_job_claim_next(worker="gpu0")
    assert _recover_stale_jobs() == (0, 0, 0)
