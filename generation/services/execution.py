"""Running claimed jobs on this worker's GPU: generate, mark, encode, store, and finish each exactly once.

The GPU never waits for the CPU: a job's marks, encoding and storing run on a post-processing thread while
the next job denoises (at most one job post-processing, so at most two videos in memory). Exactly-once still
rests on the job row: every write is conditional on this attempt still owning the job.

Imported by the worker only (it pulls in the engine, and through it torch).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import tempfile
import threading
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connection, transaction
from django.db.models import F
from django.utils import timezone

from accessprogram.hooks import OUTPUT_FINISHED, run_hooks
from accessprogram.services.audit import audit_record
from accessprogram.services.context import Actor
from generation.engine.performance import PerformanceOptions
from generation.engine.render import render_output
from generation.engine.runner import (
    GenerationCancelled,
    GenerationOutOfMemory,
    LoadedPipeline,
    generate,
    load_pipeline,
    release_device_memory,
)
from generation.infrastructure.storage import delete_quietly, output_keys, store_file
from generation.models import GenerationJob, GenerationModel, JobPhase, JobStatus, Output
from generation.services.stills import still_pixels
from generation.services.transitions import job_transition

logger = logging.getLogger(__name__)

PROGRESS_INTERVAL_SECONDS = 0.5
_pipelines: dict[tuple, tuple[int, LoadedPipeline]] = {}


def performance_options_for(model: GenerationModel) -> PerformanceOptions:
    return PerformanceOptions(
        attention_backend=str(model.attention_backend),
        compile_blocks=model.compile_blocks,
        step_cache=str(model.step_cache),
        step_cache_threshold=model.step_cache_threshold,
        step_cache_ratios=list(model.step_cache_ratios or []),
    )


def pipeline_for(model: GenerationModel) -> LoadedPipeline:
    """The model's pipeline, loaded once per worker process and kept for every later job.

    One pipeline is resident per GPU worker: a switch drops the old one and returns its memory first.
    """
    path = Path(settings.GENERATION_MODELS_DIR) / model.directory
    options = performance_options_for(model)
    key = (model.pk, str(path), repr(options))
    if key not in _pipelines:
        _pipelines.clear()
        release_device_memory()
        logger.info("Loading %s from %s with %s", model, path, options.recorded())
        _pipelines[key] = (model.pk, load_pipeline(path, model.family, options))
    return _pipelines[key][1]


def loaded_model_id() -> int | None:
    """The model this worker holds, for the claim's affinity."""
    return next((model_id for model_id, _ in _pipelines.values()), None)


def output_id_for(job: GenerationJob) -> uuid.UUID:
    """The output's id follows from the job's, so every attempt marks the video with the same id."""
    return uuid.uuid5(job.pk, "output")


def forensic_id_for(job: GenerationJob) -> int:
    """A 48-bit payload nobody can derive from the job id without the server's secret."""
    digest = hmac.new(settings.SECRET_KEY.encode(), job.pk.bytes, hashlib.sha256).digest()
    return int.from_bytes(digest[:6], "big")


def _this_attempt(job: GenerationJob):
    """The job's row while this worker's attempt still owns it (the reconciler may have handed it on)."""
    return GenerationJob.objects.filter(pk=job.pk, status=JobStatus.RUNNING, attempts=job.attempts)


class _Keepalive:
    """Heartbeats from a thread of its own while the worker decodes, marks, encodes and stores: phases with no
    steps to report, which on a large video outlast any useful GENERATION_STALE_SECONDS. A worker that dies
    takes the thread with it, so the reconciler still finds its job stale."""

    def __init__(self, job: GenerationJob, interval: float) -> None:
        self.job = job
        self.interval = interval
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> _Keepalive:
        self.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._beat, name=f"keepalive-{self.job.pk}", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stopped.set()
        if self._thread is not None:
            self._thread.join()

    def _beat(self) -> None:
        try:
            while not self._stopped.wait(self.interval):
                try:
                    if not _this_attempt(self.job).update(heartbeat_at=timezone.now()):
                        return  # handed on or finished: nothing of ours to keep alive
                except DatabaseError:
                    logger.warning("Heartbeat of job %s not written; retrying", self.job.pk, exc_info=True)
        finally:
            connection.close()  # this thread's own connection


def keepalive_interval() -> float:
    return max(0.2, settings.GENERATION_STALE_SECONDS / 5)


class _Progress:
    """Throttled progress, heartbeat and cancellation checks against the job row."""

    def __init__(self, job: GenerationJob) -> None:
        self.job = job
        self.last_write = 0.0
        self.keepalive = _Keepalive(job, keepalive_interval())

    def on_step(self, step: int, total: int) -> None:
        now = time.monotonic()
        if step < total and now - self.last_write < PROGRESS_INTERVAL_SECONDS:
            return
        self.last_write = now
        done = step >= total
        _this_attempt(self.job).update(
            progress_step=min(step, total),
            progress_total=total,
            heartbeat_at=timezone.now(),
            phase=JobPhase.DECODING if done else JobPhase.DENOISING,
        )
        if done:
            self.keepalive.start()  # denoising is over; decoding and the rest report no steps

    def should_cancel(self) -> bool:
        row = _this_attempt(self.job).values("cancel_requested_at").first()
        return row is None or row["cancel_requested_at"] is not None

    def checkpoint(self, phase: str) -> None:
        """Between two phases after denoising: stop here if cancelled (or handed on), else record the phase."""
        if self.should_cancel():
            raise GenerationCancelled(f"cancelled before {phase}")
        _this_attempt(self.job).update(phase=phase)


def _finish(job: GenerationJob, status: str, *, error: str = "", gpu_seconds: float = 0.0) -> bool:
    with transaction.atomic():
        finished = job_transition(
            _this_attempt(job),
            source=JobStatus.RUNNING,
            to=status,
            error=error[:2000],
            finished_at=timezone.now(),
            gpu_seconds=gpu_seconds,
            phase=JobPhase.DONE if status == JobStatus.SUCCEEDED else F("phase"),
        )
        if finished:
            audit_record(
                actor=Actor.system(),
                action=f"generation.{status}",
                target=job,
                details={"error": error[:500]} if error else {"gpu_seconds": round(gpu_seconds, 2)},
            )
    return bool(finished)


def generation_job_fail(job: GenerationJob, *, error: str) -> bool:
    return _finish(job, JobStatus.FAILED, error=error)


class PostProcessor:
    """One thread that marks, encodes and stores finished videos while the GPU denoises the next job.

    `submit` waits for the previous video first, so at most one job is post-processed at a time and at most
    two videos are held in memory. A worker that dies takes the thread with it; the job's heartbeat stops
    and the reconciler hands the job on, as for a death during denoising.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def submit(self, job: GenerationJob, frames, gpu_seconds: float, progress: _Progress) -> None:
        with self._lock:
            self.drain()
            self._thread = threading.Thread(
                target=_post_process, args=(job, frames, gpu_seconds, progress), name=f"post-{job.pk}", daemon=True
            )
            self._thread.start()

    def drain(self) -> None:
        """Wait for the video being post-processed, if any (before the next one, and at worker shutdown)."""
        if self._thread is not None:
            self._thread.join()
            self._thread = None


post_processor = PostProcessor()


def _post_process(job: GenerationJob, frames, gpu_seconds: float, progress: _Progress) -> None:
    try:
        _store_output(job, frames, gpu_seconds, progress=progress)
    except GenerationCancelled:
        _finish(job, JobStatus.CANCELLED, error="Cancelled while finishing.", gpu_seconds=gpu_seconds)
    except (OperationalError, InterfaceError):
        # The database is away: leave the job running; its heartbeat stops and the reconciler hands it on.
        logger.exception("Job %s could not be stored", job.pk)
    except Exception as exc:
        logger.exception("Job %s failed after denoising", job.pk)
        generation_job_fail(job, error=f"The generation failed: {exc}")
    finally:
        progress.keepalive.stop()
        connection.close()  # this thread's own connection


def generation_job_execute(job: GenerationJob, *, overlap: bool = False) -> None:
    """Run a job this worker has claimed, ending it in exactly one terminal state.

    With `overlap`, this returns once the GPU work is done and the rest runs on the post-processing thread
    (the worker's path); without it, it returns when the job has ended.
    """
    progress = _Progress(job)
    handed_over = False
    try:
        with _Keepalive(job, keepalive_interval()):
            loaded = pipeline_for(job.model)  # only when the job wants another model; never charged to the tester
        finished = _generate(job, progress, loaded)
        if finished is None:
            return
        frames, gpu_seconds = finished
        if overlap:
            post_processor.submit(job, frames, gpu_seconds, progress)
            handed_over = True
            return
        try:
            _store_output(job, frames, gpu_seconds, progress=progress)
        except GenerationCancelled:
            _finish(job, JobStatus.CANCELLED, error="Cancelled while finishing.", gpu_seconds=gpu_seconds)
    finally:
        if not handed_over:
            progress.keepalive.stop()


def _generate(job: GenerationJob, progress: _Progress, loaded: LoadedPipeline):
    """Denoise and decode; (frames, GPU seconds), or None when the job ended here (cancelled, out of memory)."""
    started = time.monotonic()
    try:
        result = generate(
            loaded,
            prompt=job.model_prompt,
            negative_prompt=job.model_negative_prompt,
            width=job.width,
            height=job.height,
            num_frames=job.num_frames,
            steps=job.steps,
            guidance=job.guidance,
            seed=job.seed,
            on_step=progress.on_step,
            should_cancel=progress.should_cancel,
            image=still_pixels(job.input_image) if job.input_image_id else None,
        )
    except GenerationCancelled:
        _finish(job, JobStatus.CANCELLED, error="Cancelled while running.", gpu_seconds=time.monotonic() - started)
        return None
    except GenerationOutOfMemory as exc:
        _finish(job, JobStatus.FAILED, error=str(exc), gpu_seconds=time.monotonic() - started)
        return None
    return result.frames, time.monotonic() - started


def _store_output(job: GenerationJob, frames, gpu_seconds: float, *, progress: _Progress | None = None) -> None:
    """Mark, encode and store; a cancellation seen between two of these phases stores nothing."""
    progress = progress or _Progress(job)
    output_id = output_id_for(job)
    forensic_id = forensic_id_for(job)
    video_key, poster_key = output_keys(job.pk)
    with tempfile.TemporaryDirectory(prefix="vernissage-") as workdir:
        rendered = render_output(
            frames,
            job.fps,
            output_short_id=output_id.hex[:8],
            payload_id=forensic_id,
            workdir=Path(workdir),
            checkpoint=progress.checkpoint,
            forensic_mark=settings.FORENSIC_MARK,
        )
        progress.checkpoint(JobPhase.STORING)
        try:
            store_file(video_key, rendered.video_path)
            store_file(poster_key, rendered.poster_path)
            _record_output(job, rendered.meta, output_id, forensic_id, gpu_seconds)
        except Exception:
            # Nothing was recorded (storage or database failed, a row was refused): keep no file without its row.
            _discard_unowned(job, video_key, poster_key)
            raise


def _discard_unowned(job: GenerationJob, *keys: str) -> None:
    try:
        owned = Output.objects.filter(job_id=job.pk).exists()
    except DatabaseError:
        return  # the database is away; the reconciler removes them when it hands the job on
    if not owned:
        delete_quietly(*keys)


def _record_output(job: GenerationJob, meta, output_id: uuid.UUID, forensic_id: int, gpu_seconds: float) -> None:
    video_key, poster_key = output_keys(job.pk)
    with transaction.atomic():
        locked = _this_attempt(job).select_for_update().first()
        if locked is None:
            # Cancelled, or handed to another attempt, while encoding: keep nothing unless an output row owns it.
            _discard_unowned(job, video_key, poster_key)
            return
        output = Output.objects.create(
            id=output_id,
            job=locked,
            owner_id=locked.owner_id,
            video_key=video_key,
            poster_key=poster_key,
            sha256=meta.sha256,
            size_bytes=meta.size_bytes,
            duration_seconds=meta.duration_seconds,
            fps=meta.fps,
            width=meta.width,
            height=meta.height,
            frame_count=meta.frame_count,
            seed=locked.seed,
            parameters={
                "performance": performance_options_for(job.model).recorded(),
                "prompt": locked.prompt,
                "negative_prompt": locked.negative_prompt,
                "final_prompt": locked.model_prompt,
                "final_negative_prompt": locked.model_negative_prompt,
                "style_preset": locked.style_preset.name if locked.style_preset_id else None,
                "resolution": locked.resolution,
                "aspect_ratio": locked.aspect_ratio,
                "width": locked.width,
                "height": locked.height,
                "num_frames": locked.num_frames,
                "fps": locked.fps,
                "steps": locked.steps,
                "guidance": locked.guidance,
                "seed": locked.seed,
                # The still the video starts from is part of its record.
                "input_image": job.input_image.record if job.input_image_id else None,
            },
            model_name=job.model.name,
            model_version=job.model.version,
            forensic_id=forensic_id,
        )
        run_hooks(OUTPUT_FINISHED, actor=Actor.system(), output=output)
        _finish(job, JobStatus.SUCCEEDED, gpu_seconds=gpu_seconds)
