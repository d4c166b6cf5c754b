"""Tracing a clip back to its output, job and tester through the invisible forensic watermark."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from accessprogram.services.audit import audit_record
from accessprogram.services.context import Actor
from generation.models import Output

# Frames decoded at most: enough votes for a confident majority, bounded time on long clips.
MAX_TRACE_FRAMES = 240


@dataclass(frozen=True)
class TraceResult:
    output: Output | None
    payload_id: int | None
    confidence: float
    frames_voted: int

    @property
    def found(self) -> bool:
        return self.output is not None

    def describe(self) -> str:
        if self.output is None:
            if self.payload_id is not None:
                return f"A mark was read ({self.payload_id:012x}) but no output carries it."
            return "No Vernissage mark was found in this clip."
        job = self.output.job
        return (
            f"Output {self.output.pk} (job {job.pk}) by {self.output.owner.email}, "
            f"created {self.output.created_at:%Y-%m-%d %H:%M} UTC; confidence {self.confidence:.2f} "
            f"over {self.frames_voted} frames."
        )


def trace_clip(*, actor: Actor, path: Path) -> TraceResult:
    """Decode the clip's mark by majority vote across frames and name its output, or nobody."""
    from generation.engine.encode import read_frames
    from generation.engine.watermark import decode_forensic

    try:
        frames = read_frames(path, max_frames=MAX_TRACE_FRAMES)
    except Exception:  # noqa: BLE001 -- any undecodable upload simply carries no mark
        result = TraceResult(None, None, 0.0, 0)
    else:
        decoded = decode_forensic(frames)
        output = (
            Output.objects.select_related("job", "owner").filter(forensic_id=decoded.payload_id).first()
            if decoded.payload_id is not None
            else None
        )
        result = TraceResult(output, decoded.payload_id, decoded.confidence, decoded.frames_voted)
    audit_record(
        actor=actor,
        action="generation.traced",
        target=result.output,
        details={"found": result.found, "confidence": round(result.confidence, 3), "frames": result.frames_voted},
    )
    return result
