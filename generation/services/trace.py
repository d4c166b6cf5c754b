"""Tracing a clip back to its output, job and tester through the invisible forensic watermark."""

from __future__ import annotations

import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from accessprogram.models import Resolution
from accessprogram.services.audit import audit_record
from accessprogram.services.context import Actor
from generation.engine.families import FAMILIES
from generation.infrastructure.queue import send_run_trace_request
from generation.models import Output, TraceRequest
from generation.services.presets import ASPECT_RATIOS, frame_size

# Frames decoded at most: the marks add them up, so more frames only add confidence; this bounds the time
# and memory a long clip costs (reading 48 1080p frames takes a few seconds, and the tiled mark reads them
# one by one when their average shows nothing; the legacy decoder, tried last, reads a bounded sample).
MAX_TRACE_FRAMES = 48


@dataclass(frozen=True)
class TraceResult:
    output: Output | None
    payload_id: int | None
    confidence: float
    frames_voted: int
    seconds: float = 0.0  # reading the clip and decoding its mark

    @property
    def found(self) -> bool:
        return self.output is not None

    def describe(self) -> str:
        if self.output is None:
            if self.payload_id is not None:
                return f"A mark was read ({self.payload_id:012x}) but no output carries it."
            return "No Vernissage mark was found in this clip."
        job = self.output.job
        via = f" through token {job.token.prefix}… “{job.token.name}”" if job.token_id else " from the portal"
        return (
            f"Output {self.output.pk} (job {job.pk}) by {self.output.owner.email}{via}, "
            f"created {self.output.created_at:%Y-%m-%d %H:%M} UTC; confidence {self.confidence:.2f} "
            f"over {self.frames_voted} frames."
        )

    def as_json(self) -> dict:
        """What `trace_video --json` prints: who the clip names (all null when nobody), and how sure and fast."""
        output = self.output
        job = output.job if output else None
        token = job.token if job and job.token_id else None
        return {
            "found": self.found,
            "output": str(output.pk) if output else None,
            "job": str(job.pk) if job else None,
            "tester": output.owner.email if output else None,
            "token": {"prefix": token.prefix, "name": token.name} if token else None,
            "confidence": round(self.confidence, 4),
            "seconds": round(self.seconds, 3),
        }


def candidate_original_sizes() -> list[tuple[int, int]]:
    """The sizes an output marked before the tiled mark may have had: every registered output's, and the presets'.

    Only the grid mark of those outputs needs them; the tiled mark is read from the clip alone.
    """
    registered = Output.objects.order_by().values_list("width", "height").distinct()
    return sorted(set(preset_sizes()) | set(registered))


def preset_sizes() -> list[tuple[int, int]]:
    """Every frame size the presets produce."""
    sizes = {
        (size.width, size.height)
        for family in FAMILIES
        for resolution in Resolution.values
        for aspect in ASPECT_RATIOS
        for size in [frame_size(resolution, aspect, family)]
    }
    return sorted(sizes)


def trace_clip(*, actor: Actor, path: Path) -> TraceResult:
    """Decode the clip's forensic mark and name its output, or nobody: the one path of the page and the command."""
    # PyAV, numpy and OpenCV are worker packages (requirements/worker.txt); web processes import this module.
    from generation.engine.encode import read_frames
    from generation.engine.watermark import decode_forensic

    started = time.perf_counter()
    try:
        frames = read_frames(path, max_frames=MAX_TRACE_FRAMES)
    except Exception:  # noqa: BLE001 -- any undecodable upload simply carries no mark
        result = TraceResult(None, None, 0.0, 0, time.perf_counter() - started)
    else:
        decoded = decode_forensic(frames, original_sizes=candidate_original_sizes())
        output = (
            Output.objects.select_related("job", "owner").filter(forensic_id=decoded.payload_id).first()
            if decoded.payload_id is not None
            else None
        )
        result = TraceResult(
            output, decoded.payload_id, decoded.confidence, decoded.frames_voted, time.perf_counter() - started
        )
    audit_record(
        actor=actor,
        action="generation.traced",
        target=result.output,
        details={"found": result.found, "confidence": round(result.confidence, 3), "frames": result.frames_voted},
    )
    return result


@transaction.atomic
def trace_request_create(*, actor: Actor, upload: UploadedFile) -> TraceRequest:
    """Keep the uploaded clip privately and hand its decoding to a worker."""
    request = TraceRequest(requested_by=actor.user, clip_name=Path(upload.name or "clip").name[:200])
    request.clip_key = f"traces/{request.pk}/clip{Path(request.clip_name).suffix[:10]}"
    default_storage.save(request.clip_key, upload)
    request.save()
    audit_record(actor=actor, action="generation.trace_requested", target=request, details={"clip": request.clip_name})
    transaction.on_commit(lambda: send_run_trace_request(str(request.pk)))
    return request


def trace_request_run(request: TraceRequest) -> TraceRequest:
    """Decode a pending request's clip (in a worker) and record who it names, or that it names nobody."""
    if request.status != TraceRequest.Status.PENDING:
        return request
    actor = Actor(user=request.requested_by)
    with tempfile.TemporaryDirectory(prefix="vernissage-trace-") as workdir:
        local = Path(workdir) / Path(request.clip_key).name
        with default_storage.open(request.clip_key, "rb") as stored, local.open("wb") as copy:
            shutil.copyfileobj(stored, copy)
        result = trace_clip(actor=actor, path=local)
    request.status = TraceRequest.Status.DONE
    request.output = result.output
    request.payload_id = result.payload_id if result.found else None
    request.confidence = result.confidence
    request.frames_voted = result.frames_voted
    request.finished_at = timezone.now()
    request.save(update_fields=["status", "output", "payload_id", "confidence", "frames_voted", "finished_at"])
    default_storage.delete(request.clip_key)
    return request
