"""Real GPU-path fixtures: the demo model built once, and real Celery worker processes on Redis."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import redis
from django.conf import settings

from generation.models import GenerationJob, JobStatus
from support.processes import CeleryProcess, wait_until


@pytest.fixture(scope="session")
def demo_models_dir(tmp_path_factory) -> Path:
    """GENERATION_MODELS_DIR holding the demo models under `demo-wan` and `demo-wan-i2v`, built once per session."""
    from generation.engine.demo_model import build_demo_image_model, build_demo_model, image_to_video_path

    models_dir = tmp_path_factory.mktemp("models")
    build_demo_model(models_dir / "demo-wan")
    build_demo_image_model(image_to_video_path(models_dir / "demo-wan"))
    return models_dir


@pytest.fixture
def models_dir_setting(settings, demo_models_dir):
    settings.GENERATION_MODELS_DIR = demo_models_dir
    return demo_models_dir


class WorkerProcess(CeleryProcess):
    """A `celery worker` process on the GPU queue, as production runs one per GPU."""

    def __init__(self, *, models_dir: Path, database_name: str, name: str) -> None:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODE": "test",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database_name}",
            "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
            "GENERATION_MODELS_DIR": str(models_dir),
        }
        queues = f"{settings.GENERATION_QUEUE},celery"
        args = ["worker", "-Q", queues, "--pool", "solo", "--concurrency", "1", "--without-gossip",
                "--without-mingle", "--without-heartbeat", "-l", "info", "-n", f"{name}@%h"]  # fmt: skip
        log_path = Path(os.environ["PRIVATE_MEDIA_ROOT"]) / f"{name}.log"
        log_path.write_bytes(b"")
        super().__init__(args, log_path=log_path, env=env)

    def stop(self, timeout: float = 20) -> None:
        super().stop(timeout)


def flush_broker() -> None:
    redis.Redis.from_url(settings.CELERY_BROKER_URL).flushdb()


@pytest.fixture
def start_worker(transactional_db, demo_models_dir, settings):
    """Start real worker processes against the test database; all are stopped after the test."""
    settings.GENERATION_MODELS_DIR = demo_models_dir
    flush_broker()
    workers: list[WorkerProcess] = []

    def start(name: str = "gpu0") -> WorkerProcess:
        worker = WorkerProcess(
            models_dir=demo_models_dir, database_name=settings.DATABASES["default"]["NAME"], name=name
        )
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()
    flush_broker()


def wait_for(predicate, *, timeout: float, interval: float = 0.2, message: str = "condition"):
    """wait_until, failing the test (an AssertionError) when the time runs out."""
    try:
        return wait_until(predicate, timeout=timeout, interval=interval, what=message)
    except TimeoutError as exc:
        raise AssertionError(str(exc)) from None


def wait_for_terminal(job_ids, *, timeout: float = 120.0, worker: WorkerProcess | None = None):
    def all_done():
        return (
            GenerationJob.objects.filter(pk__in=job_ids, status__in=[JobStatus.QUEUED, JobStatus.RUNNING]).count() == 0
        )

    try:
        wait_for(all_done, timeout=timeout, message="jobs to finish")
    except AssertionError:
        if worker is not None:
            print(worker.output())
        raise
    return list(GenerationJob.objects.filter(pk__in=job_ids))
