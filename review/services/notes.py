"""Time-coded notes: reviewers and the output's owner pin a note to a frame or a range, with an optional drawing."""

from __future__ import annotations

import json
import math
import re

from django.db import transaction
from django.utils.translation import gettext

from accessprogram.errors import InvalidFields, NotAllowed
from accessprogram.services.audit import audit_record
from accessprogram.services.context import Actor
from generation.models import Output
from review.models import Note

BODY_MAX = 2000
STROKES_MAX = 50
POINTS_PER_STROKE_MAX = 500
POINTS_MAX = 4000
DRAWING_BYTES_MAX = 64 * 1024
COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


def note_may_write(user, output: Output) -> bool:
    """Reviewers and the output's owner (the tester answering) write notes; nobody else."""
    return user is not None and user.is_authenticated and (user.is_reviewer or user.pk == output.owner_id)


def _unit(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and 0 <= value <= 1


def _drawing_errors(drawing) -> list[str]:
    """Why a drawing is refused, or nothing: strokes of normalised [x, y] points, each with a colour, bounded."""
    if not isinstance(drawing, list):
        return [gettext("A drawing is a list of strokes.")]
    if len(drawing) > STROKES_MAX:
        return [gettext("At most %(max)s strokes in a drawing.") % {"max": STROKES_MAX}]
    total = 0
    for stroke in drawing:
        if not isinstance(stroke, dict) or set(stroke) != {"color", "points"}:
            return [gettext("Each stroke has a colour and its points, nothing else.")]
        if not isinstance(stroke["color"], str) or not COLOUR.fullmatch(stroke["color"]):
            return [gettext("A stroke's colour is written #rrggbb.")]
        points = stroke["points"]
        if not isinstance(points, list) or not 1 <= len(points) <= POINTS_PER_STROKE_MAX:
            return [gettext("A stroke has 1 to %(max)s points.") % {"max": POINTS_PER_STROKE_MAX}]
        total += len(points)
        if total > POINTS_MAX:
            return [gettext("At most %(max)s points in a drawing.") % {"max": POINTS_MAX}]
        for point in points:
            if not isinstance(point, list) or len(point) != 2 or not all(_unit(v) for v in point):
                return [gettext("Each point is [x, y] with both between 0 and 1.")]
    if len(json.dumps(drawing)) > DRAWING_BYTES_MAX:
        return [gettext("The drawing is too large.")]
    return []


def _frame(value, field: str, output: Output, errors: dict[str, list[str]]) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        errors[field] = [gettext("A frame is a whole number.")]
        return None
    try:
        frame = int(value)
    except ValueError:
        errors[field] = [gettext("A frame is a whole number.")]
        return None
    if not 0 <= frame < output.frame_count:
        errors[field] = [
            gettext("Choose a frame from 0 to %(last)s.") % {"last": output.frame_count - 1},
        ]
        return None
    return frame


@transaction.atomic
def note_create(
    *,
    actor: Actor,
    output: Output,
    body: str,
    frame_in: int | str | None = None,
    frame_out: int | str | None = None,
    drawing: list | None = None,
    reply_to: int | str | None = None,
) -> Note:
    """Pin a note to a frame (or the range frame_in–frame_out). A reply joins its thread and keeps its frames."""
    user = actor.user
    if not note_may_write(user, output):
        raise NotAllowed(gettext("Only reviewers and the output's owner can add notes."))
    errors: dict[str, list[str]] = {}
    body = (body or "").strip() if isinstance(body, str) else ""
    if not body:
        errors["body"] = [gettext("Write the note.")]
    elif len(body) > BODY_MAX:
        errors["body"] = [gettext("Keep the note under %(max)s characters.") % {"max": BODY_MAX}]
    parent = None
    if reply_to not in (None, ""):
        parent = Note.objects.filter(output=output, pk=reply_to if str(reply_to).isdigit() else None).first()
        if parent is None:
            errors["reply_to"] = [gettext("No such note on this output.")]
        elif parent.reply_to_id is not None:
            parent = parent.reply_to
    start = _frame(frame_in, "frame_in", output, errors)
    end = _frame(frame_out, "frame_out", output, errors)
    if parent is not None:
        start, end = parent.frame_in, parent.frame_out
    elif start is None and "frame_in" not in errors:
        errors["frame_in"] = [gettext("Pin the note to a frame.")]
    if start is not None and end is not None and end < start:
        errors["frame_out"] = [gettext("The out point comes after the in point.")]
    drawing = [] if drawing is None else drawing
    drawing_errors = _drawing_errors(drawing)
    if drawing_errors:
        errors["drawing"] = drawing_errors
    if errors:
        raise InvalidFields(errors)
    note = Note.objects.create(
        output=output, author=user, body=body, frame_in=start, frame_out=end, drawing=drawing, reply_to=parent
    )
    audit_record(
        actor=actor,
        action="review.note_added",
        target=output,
        details={"note": note.pk, "frame_in": start, "frame_out": end, "strokes": len(drawing)},
    )
    return note
