"""A cancellation (a suspension cancels the same way) stops the job wherever it is: after decoding, after
marking, after encoding, before storing. A job stopped there stores nothing, and its phase says where."""

from __future__ import annotations

import time

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from generation.engine.runner import GenerationCancelled, generate
from generation.infrastructure.storage import output_keys
from generation.models import GenerationJob, GenerationModel, JobPhase, JobStatus, Output
from generation.services import execution
from tests.conftest import make_job

pytestmark = pytest.mark.django_db(transaction=True)


def _running(artist, model):
    return make_job(
        artist, model, status=JobStatus.RUNNING, attempts=1, worker="gpu0", started_at=timezone.now(),
        heartbeat_at=timezone.now(), num_frames=5, steps=2, progress_total=2,
    )  # fmt: skip


@pytest.mark.parametrize("cancel_at", ["marking", "encoding", "storing"])
def test_a_cancellation_after_denoising_stores_nothing(
    cancel_at, artist, demo_generation_model, models_dir_setting, monkeypatch
):
    job = _running(artist, demo_generation_model)
    checkpoint = execution._Progress.checkpoint

    def cancel_on_reaching(progress, phase):
        if phase == cancel_at:
            GenerationJob.objects.filter(pk=job.pk).update(cancel_requested_at=timezone.now())
        return checkpoint(progress, phase)

    monkeypatch.setattr(execution._Progress, "checkpoint", cancel_on_reaching)
    execution.generation_job_execute(job)

    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED
    phases = [JobPhase.DECODING, JobPhase.MARKING, JobPhase.ENCODING, JobPhase.STORING]
    expected_phase = phases[phases.index(cancel_at) - 1]
    assert job.phase == expected_phase, "the phase names the last one the job completed"
    assert not Output.objects.filter(job=job).exists()
    for key in output_keys(job.pk):
        assert not default_storage.exists(key)


def test_a_finished_job_records_its_phases_and_its_speed_options(artist, demo_generation_model, models_dir_setting):
    job = _running(artist, demo_generation_model)
    execution.generation_job_execute(job)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.phase == JobPhase.DONE
    assert job.output.parameters["performance"] == {
        "attention_backend": "",
        "compile_blocks": False,
        "step_cache": "",
        "step_cache_threshold": None,
    }


def test_the_next_job_denoises_while_the_previous_one_is_stored(
    artist, demo_generation_model, models_dir_setting, monkeypatch
):
    """With overlap, execute returns after the GPU part; the store of job k ends after job k+1 began."""
    first, second = _running(artist, demo_generation_model), _running(artist, demo_generation_model)
    events: list[str] = []
    store = execution._store_output

    def slow_store(job, frames, gpu_seconds, *, progress=None):
        events.append(f"store {job.pk} begins")
        store(job, frames, gpu_seconds, progress=progress)
        events.append(f"store {job.pk} ends")

    monkeypatch.setattr(execution, "_store_output", slow_store)
    execution.generation_job_execute(first, overlap=True)
    events.append(f"generate {second.pk} returns")
    execution.generation_job_execute(second, overlap=True)
    execution.post_processor.drain()

    assert events.index(f"store {first.pk} begins") < events.index(f"generate {second.pk} returns")
    assert events.index(f"store {first.pk} ends") < events.index(f"store {second.pk} begins"), "one at a time"
    for job in (first, second):
        job.refresh_from_db()
        assert job.status == JobStatus.SUCCEEDED and Output.objects.filter(job=job).count() == 1


def test_a_model_switch_frees_the_old_model_first_and_is_not_charged_to_the_job(
    artist, demo_generation_model, models_dir_setting, monkeypatch
):
    execution.pipeline_for(demo_generation_model)
    other = GenerationModel.objects.create(name="Wan other", family="wan", directory="demo-wan", version="other-1")
    resident_when_freed = []
    monkeypatch.setattr(
        execution, "release_device_memory", lambda: resident_when_freed.append(len(execution._pipelines))
    )
    load = execution.load_pipeline

    def slow_load(*args):
        time.sleep(2.0)
        return load(*args)

    monkeypatch.setattr(execution, "load_pipeline", slow_load)
    job = make_job(
        artist, other, status=JobStatus.RUNNING, attempts=1, worker="gpu0", started_at=timezone.now(),
        heartbeat_at=timezone.now(), num_frames=5, steps=2, progress_total=2,
    )  # fmt: skip
    execution.generation_job_execute(job)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert resident_when_freed == [0], "the old pipeline is dropped before its memory is released"
    assert execution.loaded_model_id() == other.pk
    assert job.gpu_seconds < (job.finished_at - job.started_at).total_seconds() - 2.0, "the load is not charged"


def test_a_cancelled_run_resets_the_step_cache(demo_generation_model, models_dir_setting, monkeypatch):
    """diffusers resets a cache only at the normal end of a call; a cancelled run must not leave stale state."""
    demo_generation_model.step_cache = "first_block"
    demo_generation_model.save()
    loaded = execution.pipeline_for(demo_generation_model)
    resets = []
    monkeypatch.setattr(loaded.pipeline.transformer, "_reset_stateful_cache", lambda **kw: resets.append(True))
    steps_seen = []
    with pytest.raises(GenerationCancelled):
        generate(
            loaded, prompt="p", negative_prompt="", width=256, height=256, num_frames=5, steps=3, guidance=5.0,
            seed=1, on_step=lambda done, total: steps_seen.append(done), should_cancel=lambda: bool(steps_seen),
        )  # fmt: skip
    assert resets == [True] and loaded.pipeline.transformer.is_cache_enabled
