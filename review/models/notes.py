"""Time-coded notes on an output (a frame or an in/out range, an optional drawing) and revisions of outputs."""

from __future__ import annotations

import json

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from generation.models import GenerationJob, Output
from review.models.reviews import Review


class Note(models.Model):
    """A reviewer's or the owner's note pinned to a frame or a range; replies point at the thread's first note."""

    output = models.ForeignKey(Output, on_delete=models.CASCADE, related_name="review_notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    frame_in = models.PositiveIntegerField()
    frame_out = models.PositiveIntegerField(null=True, blank=True)
    # Strokes drawn on the frame: [{"color": "#rrggbb", "points": [[x, y], …]}, …], x and y in [0, 1].
    drawing = models.JSONField(default=list, blank=True)
    reply_to = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["frame_in", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(frame_out__isnull=True) | Q(frame_out__gte=F("frame_in")), name="note_range_in_order"
            )
        ]

    @property
    def drawing_json(self) -> str:
        return json.dumps(self.drawing, separators=(",", ":"))

    def __str__(self) -> str:
        return f"Note on output {self.output_id.hex[:8]} at frame {self.frame_in}"


class Revision(models.Model):
    """The tester's answer to "request changes": a new job submitted as a revision of the reviewed output.

    `output` is filled when the new job's output is stored and enters the queue.
    """

    original_output = models.ForeignKey(Output, on_delete=models.PROTECT, related_name="revisions")
    original_review = models.OneToOneField(Review, on_delete=models.PROTECT, related_name="revision")
    job = models.OneToOneField(GenerationJob, on_delete=models.PROTECT, related_name="revision_of")
    output = models.OneToOneField(Output, null=True, blank=True, on_delete=models.SET_NULL, related_name="revision_of")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Revision of output {self.original_output_id.hex[:8]}"
