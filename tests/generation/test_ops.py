"""Health checks, the worker health command and the Prometheus metrics, read from the database."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from generation.models import GenerationJob, GpuWorker, JobStatus, WorkerState
from tests.conftest import client_for, make_job


def test_liveness_and_readiness_answer_anyone(db):
    assert Client().get("/healthz").json() == {"status": "ok"}
    ready = Client().get("/readyz")
    assert ready.status_code == 200 and ready.json()["checks"] == {"database": True, "broker": True}


def test_readiness_fails_when_the_broker_is_away(db, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:9/0"  # nothing listens there
    response = Client().get("/readyz")
    assert response.status_code == 503 and response.json()["checks"]["broker"] is False


def test_metrics_need_staff_or_the_scraper_token(db, artist, admin_user, settings):
    settings.METRICS_TOKEN = "s3cret-scrape"
    assert Client().get("/metrics").status_code == 404
    assert client_for(artist).get("/metrics").status_code == 404
    assert Client().get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 404
    assert Client().get("/metrics", headers={"Authorization": "Bearer s3cret-scrape"}).status_code == 200
    assert client_for(admin_user).get("/metrics").status_code == 200


def test_metrics_report_queue_outcomes_times_and_workers(db, artist, admin_user, demo_generation_model):
    now = timezone.now()
    make_job(artist, demo_generation_model)
    make_job(artist, demo_generation_model)
    done = make_job(artist, demo_generation_model, status=JobStatus.SUCCEEDED, gpu_seconds=42.5)
    GenerationJob.objects.filter(pk=done.pk).update(
        created_at=now - timedelta(seconds=100), started_at=now - timedelta(seconds=70), finished_at=now
    )
    GpuWorker.objects.create(
        name="gpu0@host", state=WorkerState.IDLE, device="NVIDIA H100", gpu_memory_used_bytes=10,
        gpu_memory_total_bytes=80, gpu_utilisation_percent=97.0, started_at=now, heartbeat_at=now,
    )  # fmt: skip
    body = client_for(admin_user).get("/metrics").content.decode()
    assert 'vernissage_queue_depth{model="Wan demo"} 2.0' in body
    assert 'vernissage_jobs_total{outcome="succeeded"} 1.0' in body
    assert "vernissage_gpu_seconds_total 42.5" in body
    assert 'vernissage_job_wait_seconds_bucket{le="30.0"} 1.0' in body
    assert 'vernissage_job_service_seconds_bucket{le="60.0"} 0.0' in body
    assert 'vernissage_job_service_seconds_bucket{le="120.0"} 1.0' in body
    assert 'vernissage_worker_gpu_utilisation_percent{device="NVIDIA H100",worker="gpu0@host"} 97.0' in body


def test_the_worker_health_check_follows_the_heartbeat(db, settings):
    now = timezone.now()
    GpuWorker.objects.create(name="gpu0@host", state=WorkerState.LOADING, started_at=now, heartbeat_at=now)
    call_command("worker_health", "gpu0@host")
    GpuWorker.objects.update(heartbeat_at=now - timedelta(seconds=settings.GENERATION_STALE_SECONDS + 1))
    with pytest.raises(CommandError):
        call_command("worker_health", "gpu0@host")
    with pytest.raises(CommandError):
        call_command("worker_health", "gpu9@nowhere")
