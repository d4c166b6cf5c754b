"""After the last denoising step the worker keeps the job's heartbeat fresh from a thread of its own while it
decodes, marks, encodes and stores, so a slow finish is never taken for a dead worker; the thread stops when
the attempt no longer owns the job, and with the attempt."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from generation.models import GenerationJob, JobStatus
from generation.services.execution import _Progress
from tests.conftest import make_job

pytestmark = pytest.mark.django_db(transaction=True)  # the keepalive thread writes through its own connection


def _running(artist, model):
    long_ago = timezone.now() - timedelta(minutes=10)
    return make_job(
        artist, model, status=JobStatus.RUNNING, attempts=1, worker="gpu0@here",
        started_at=long_ago, heartbeat_at=long_ago, progress_total=4,
    )  # fmt: skip


def _heartbeat(job):
    return GenerationJob.objects.values_list("heartbeat_at", flat=True).get(pk=job.pk)


def test_the_heartbeat_stays_fresh_after_the_last_step_until_the_attempt_ends(settings, artist, demo_generation_model):
    settings.GENERATION_STALE_SECONDS = 1  # a beat every 0.2 s
    job = _running(artist, demo_generation_model)
    progress = _Progress(job)
    progress.on_step(4, 4)  # denoising is over: from here on nothing reports steps
    first = _heartbeat(job)
    time.sleep(1.5)  # longer than GENERATION_STALE_SECONDS, as a long decode and encode would be
    assert _heartbeat(job) > first
    assert _heartbeat(job) > timezone.now() - timedelta(seconds=1), "the reconciler would not find it stale"
    progress.keepalive.stop()
    stopped = _heartbeat(job)
    time.sleep(0.5)
    assert _heartbeat(job) == stopped, "no heartbeat after the attempt ends"


def test_no_heartbeat_before_the_last_step(settings, artist, demo_generation_model):
    settings.GENERATION_STALE_SECONDS = 1
    job = _running(artist, demo_generation_model)
    progress = _Progress(job)
    progress.on_step(2, 4)
    written = _heartbeat(job)
    time.sleep(0.6)
    assert _heartbeat(job) == written, "while denoising, only the steps prove progress"
    progress.keepalive.stop()


def test_the_thread_stops_when_the_job_is_handed_on(settings, artist, demo_generation_model):
    settings.GENERATION_STALE_SECONDS = 1
    job = _running(artist, demo_generation_model)
    progress = _Progress(job)
    progress.on_step(4, 4)
    GenerationJob.objects.filter(pk=job.pk).update(attempts=2)  # the reconciler gave it to another worker
    time.sleep(0.5)
    assert not progress.keepalive._thread.is_alive()
    progress.keepalive.stop()
