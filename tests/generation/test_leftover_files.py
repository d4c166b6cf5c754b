"""No stored file outlives an attempt that did not record its output: found by bench/bench_faults.py.

A failure after the video was stored (a refused row, the database going away) used to leave the files with
no output row; so did a worker that died while storing, once its job was handed on, failed or cancelled.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.utils import timezone

from generation.infrastructure.storage import output_keys
from generation.models import GenerationJob, JobStatus, Output
from generation.services.reconcile import generation_jobs_reconcile
from tests.conftest import make_job

pytestmark = pytest.mark.django_db


def _stored(job) -> list[str]:
    return [key for key in output_keys(job.pk) if default_storage.exists(key)]


@pytest.mark.parametrize(("attempts", "ends"), [(1, JobStatus.QUEUED), (3, JobStatus.FAILED)])
def test_the_reconciler_removes_what_a_lost_attempt_stored(settings, artist, demo_generation_model, attempts, ends):
    settings.GENERATION_STALE_SECONDS = 60
    silent_since = timezone.now() - timedelta(minutes=5)
    job = make_job(
        artist, demo_generation_model, status=JobStatus.RUNNING, attempts=attempts, worker="gpu0@lost",
        started_at=silent_since, heartbeat_at=silent_since, progress_step=4,
    )  # fmt: skip
    for key in output_keys(job.pk):  # the dead attempt got as far as half a video
        default_storage.save(key, ContentFile(b"\x00\x00\x00\x18ftypmp42"))

    generation_jobs_reconcile()

    job.refresh_from_db()
    assert job.status == ends
    assert _stored(job) == []


def test_an_output_row_the_database_refuses_leaves_no_file(models_dir_setting, demo_generation_model, as_artist):
    from generation.tasks import run_next_job

    body = {"prompt": "a paper boat", "resolution": "256p", "aspect_ratio": "1:1", "num_frames": 9, "steps": 2}
    response = as_artist.post("/api/v1/generations/", body, content_type="application/json")
    assert response.status_code == 201, response.content
    job = GenerationJob.objects.get(pk=response.json()["id"])
    # The real database refuses the output row (rolled back with the test's transaction).
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION refuse_output() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'output rows refused'; END $$"
        )
        cursor.execute(
            f"CREATE TRIGGER refuse_output BEFORE INSERT ON {Output._meta.db_table} "
            "FOR EACH ROW EXECUTE FUNCTION refuse_output()"
        )

    run_next_job.apply()

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "output rows refused" in job.error
    assert not Output.objects.filter(job=job).exists()
    assert _stored(job) == []
