"""A cancellation (a suspension cancels the same way) stops the job wherever it is: after decoding, after
marking, after encoding, before storing. A job stopped there stores nothing, and its phase says where."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from generation.models import GenerationJob, JobPhase, JobStatus, Output
from generation.services import execution
from generation.services.storage import output_keys
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
