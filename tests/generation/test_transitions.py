"""A job's status changes only along the table in generation.services.transitions, each a guarded update."""

from __future__ import annotations

import pytest

from generation.models import GenerationJob, JobStatus
from generation.services.transitions import ALLOWED, job_transition
from tests.conftest import make_job


def test_no_move_leaves_a_finished_job():
    for status in (JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED):
        assert not ALLOWED[status]


def test_it_refuses_a_move_not_in_the_table():
    with pytest.raises(ValueError):
        job_transition(GenerationJob.objects.none(), source=JobStatus.QUEUED, to=JobStatus.SUCCEEDED)


@pytest.mark.django_db
def test_a_move_changes_only_jobs_still_in_its_source(artist, demo_generation_model):
    queued_job = make_job(artist, demo_generation_model)
    jobs = GenerationJob.objects.filter(pk=queued_job.pk)
    assert job_transition(jobs, source=JobStatus.QUEUED, to=JobStatus.CANCELLED, error="x") == 1
    # A racing claim finds the job no longer queued and moves nothing.
    assert job_transition(jobs, source=JobStatus.QUEUED, to=JobStatus.RUNNING) == 0
    queued_job.refresh_from_db()
    assert (queued_job.status, queued_job.error) == (JobStatus.CANCELLED, "x")
