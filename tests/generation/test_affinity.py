"""Model affinity: a worker keeps to the model it holds, and a job for another model waits a bounded time."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from generation.models import GenerationJob, GenerationModel
from generation.services.scheduling import generation_job_claim_next
from tests.conftest import make_job


def _other_model(model) -> GenerationModel:
    return GenerationModel.objects.create(name="Wan other", family="wan", directory="demo-wan", version="other-1")


def _queued_at(owner, model, minutes_ago: float, prompt: str):
    job = make_job(owner, model, prompt=prompt)
    GenerationJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(minutes=minutes_ago))
    return job


def test_a_worker_prefers_jobs_for_the_model_it_holds(demo_generation_model, artist, artist2):
    other = _other_model(demo_generation_model)
    _queued_at(artist, other, 3, "older, other model")
    held = _queued_at(artist2, demo_generation_model, 1, "newer, held model")
    claimed = generation_job_claim_next(worker="gpu0", loaded_model_id=demo_generation_model.pk)
    assert claimed.pk == held.pk


def test_without_a_held_model_the_fairest_job_goes_first(demo_generation_model, artist, artist2):
    other = _other_model(demo_generation_model)
    older = _queued_at(artist, other, 3, "older")
    _queued_at(artist2, demo_generation_model, 1, "newer")
    assert generation_job_claim_next(worker="gpu0").pk == older.pk


def test_another_models_job_waits_at_most_the_bound(demo_generation_model, artist, artist2, settings):
    settings.GENERATION_AFFINITY_MAX_WAIT_SECONDS = 600
    other = _other_model(demo_generation_model)
    overdue = _queued_at(artist, other, 11, "waited past the bound")
    for minutes in (9, 8, 7):
        _queued_at(artist2, demo_generation_model, minutes, f"held {minutes}")
    claimed = generation_job_claim_next(worker="gpu0", loaded_model_id=demo_generation_model.pk)
    assert claimed.pk == overdue.pk, "past the bound, the other model's job goes before every affine job"


def test_within_the_bound_a_stream_of_affine_jobs_goes_first(demo_generation_model, artist, artist2, settings):
    settings.GENERATION_AFFINITY_MAX_WAIT_SECONDS = 600
    other = _other_model(demo_generation_model)
    waiting = _queued_at(artist, other, 9, "within the bound")
    affine = [_queued_at(artist2, demo_generation_model, m, f"held {m}") for m in (5, 4)]
    claimed = [generation_job_claim_next(worker="gpu0", loaded_model_id=demo_generation_model.pk) for _ in affine]
    assert [job.pk for job in claimed] == [job.pk for job in affine]
    GenerationJob.objects.filter(pk=waiting.pk).update(created_at=timezone.now() - timedelta(minutes=10, seconds=1))
    make_job(artist2, demo_generation_model, prompt="a later affine job")
    assert generation_job_claim_next(worker="gpu0", loaded_model_id=demo_generation_model.pk).pk == waiting.pk
