"""A staff request to trace a clip: decoded by a worker, never by a web process (decoding needs torch)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy

from generation.models.jobs import Output


class TraceRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", gettext_lazy("Decoding")
        DONE = "done", gettext_lazy("Done")
        FAILED = "failed", gettext_lazy("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    clip_key = models.CharField(max_length=255)
    clip_name = models.CharField(max_length=255)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    output = models.ForeignKey(Output, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    payload_id = models.BigIntegerField(null=True, blank=True)
    confidence = models.FloatField(default=0.0)
    frames_voted = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Trace of {self.clip_name}"
