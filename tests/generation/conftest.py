"""Real GPU-path fixtures: the demo model built once, and real Celery worker processes on Redis."""

from __future__ import annotations

import os
import signal
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
        self.name = name
        super().__init__(args, log_path=log_path, env=env)

    def stop(self, timeout: float = 20) -> None:
        super().stop(timeout)


def flush_broker() -> None:
    redis.Redis.from_url(settings.CELERY_BROKER_URL).flushdb()


class IdleWorkers:
    """A warm worker process kept from one test for the next test, which starts a worker too.

    Starting a worker (Django, Celery, torch, loading and warming the demo model) and stopping it costs some ten
    seconds of the two CI cores; most worker tests need a warm worker, not a new one. One worker, the default
    `gpu0`, is kept: only while it is alive, the test passed, no job is queued or running and no trace is
    pending (it may finish the jobs a test leaves, for a while: LEFTOVER_WAIT_SECONDS), and the next test starts
    a worker too; before any other test runs it is stopped, so no worker outlives the worker tests.

    The next test starts from an empty database and broker, as with a new worker. The kept worker is paused
    (SIGSTOP) when that test begins, so it takes nothing until the test starts it (SIGCONT): jobs submitted
    before wait in the queue, as they would for a worker not yet started; it then loads the test's model with
    its first job, as any worker does when a job asks for another model. A test of a worker's start (its
    loading and warming) asks `start_worker(fresh=True)`."""

    NAME = "gpu0"

    def __init__(self) -> None:
        self.worker: WorkerProcess | None = None
        self.paused = False
        self.next_test_starts_one = False

    def pause(self) -> None:
        """Called as a test begins, after the previous test's rows are gone: nothing runs in the kept worker."""
        if self.worker is None:
            return
        if self.worker.process.poll() is not None:
            self.stop_all()
            return
        os.killpg(self.worker.process.pid, signal.SIGSTOP)
        self.paused = True

    def take(self, name: str, *, fresh: bool) -> WorkerProcess | None:
        """The kept worker, running again, if it is `name` and alive; a kept worker of another name is stopped
        (it would take the test's jobs beside the one it starts)."""
        if self.worker is None:
            return None
        if fresh or self.worker.name != name or self.worker.process.poll() is not None:
            self.stop_all()
            return None
        worker, self.worker = self.worker, None
        self._resume(worker)
        return worker

    def keep(self, worker: WorkerProcess) -> None:
        self.stop_all()
        self.worker = worker

    def stop_all(self) -> None:
        worker, self.worker = self.worker, None
        if worker is not None:
            self._resume(worker)
            stop_workers([worker])

    def _resume(self, worker: WorkerProcess) -> None:
        if self.paused:
            self.paused = False
            if worker.process.poll() is None:
                os.killpg(worker.process.pid, signal.SIGCONT)


idle_workers = IdleWorkers()
# How long the end of a test waits for the jobs it left to finish before it gives up keeping its worker.
LEFTOVER_WAIT_SECONDS = 20


def stop_workers(workers: list[WorkerProcess]) -> None:
    """SIGTERM every one first, then wait: their warm shutdowns overlap."""
    for worker in workers:
        worker.terminate()
    for worker in workers:
        worker.stop()


def worker_may_serve_another_test() -> bool:
    from generation.models import TraceRequest

    return not (
        GenerationJob.objects.filter(status__in=[JobStatus.QUEUED, JobStatus.RUNNING]).exists()
        or TraceRequest.objects.filter(status=TraceRequest.Status.PENDING).exists()
    )


@pytest.fixture
def start_worker(transactional_db, demo_models_dir, settings, request):
    """Real worker processes against the test database, all stopped after the test but a warm `gpu0` kept for
    the next test when that one starts a worker too (IdleWorkers).

    `start_worker(name)` gives the test a worker by that name with an empty broker: the kept one if it is that
    name, else a new process. `fresh=True` always starts a new process, for tests of a worker's start."""
    from generation.models import GpuWorker

    settings.GENERATION_MODELS_DIR = demo_models_dir
    # The kept worker's fleet row, if its pulse beat after the previous test's rows were emptied; deleted before
    # the pause, which could otherwise catch the pulse holding that row's lock.
    GpuWorker.objects.all().delete()
    idle_workers.pause()
    flush_broker()
    failed_before = request.session.testsfailed
    workers: list[WorkerProcess] = []

    def start(name: str = IdleWorkers.NAME, *, fresh: bool = False) -> WorkerProcess:
        worker = idle_workers.take(name, fresh=fresh)
        if worker is None:
            worker = WorkerProcess(
                models_dir=demo_models_dir, database_name=settings.DATABASES["default"]["NAME"], name=name
            )
        workers.append(worker)
        return worker

    yield start
    keep = None
    if idle_workers.next_test_starts_one and request.session.testsfailed == failed_before:
        keep = next((w for w in workers if w.name == IdleWorkers.NAME and w.process.poll() is None), None)
    if keep is not None and not worker_may_serve_another_test():
        # A job the test left behind (a last submission it did not wait for): a warm shutdown would finish it
        # too, so let the worker finish it and keep the worker; one still unfinished after a while stops it.
        try:
            wait_until(worker_may_serve_another_test, timeout=LEFTOVER_WAIT_SECONDS, interval=0.2)
        except TimeoutError:
            keep = None
    stop_workers([worker for worker in workers if worker is not keep])
    if keep is not None:
        idle_workers.keep(keep)
    else:
        idle_workers.stop_all()
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
