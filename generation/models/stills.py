"""Stills that testers upload as the first frame of an image-to-video job, kept in private storage."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class InputImage(models.Model):
    """One uploaded still, re-encoded from its pixels alone (no EXIF, GPS, ICC profile or text chunks)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="input_images")
    key = models.CharField(max_length=255, unique=True)
    content_type = models.CharField(max_length=32)
    # Of the stored, re-encoded file: what the job, the record and the reviewers see.
    sha256 = models.CharField(max_length=64)
    size_bytes = models.PositiveIntegerField()
    width = models.PositiveSmallIntegerField()
    height = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Still {self.id.hex[:8]} ({self.width}x{self.height})"

    @property
    def record(self) -> dict:
        """What an output's record says about the still it started from."""
        return {"id": str(self.id), "sha256": self.sha256, "width": self.width, "height": self.height}
