"""GPU workers as the fleet page and the metrics see them: one row per worker, written by the worker itself."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from generation.models.catalog import GenerationModel
from generation.models.jobs import GenerationJob


class WorkerState(models.TextChoices):
    LOADING = "loading", _("Loading a model")
    WARMING = "warming", _("Warming up")
    IDLE = "idle", _("Idle")
    BUSY = "busy", _("Generating")
    STOPPED = "stopped", _("Stopped")


class GpuWorker(models.Model):
    """A GPU worker's last heartbeat: what it holds and does, so a slow load never looks like a dead worker."""

    name = models.CharField(max_length=200, unique=True)
    state = models.CharField(max_length=8, choices=WorkerState.choices, default=WorkerState.LOADING)
    loaded_model = models.ForeignKey(
        GenerationModel, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    current_job = models.ForeignKey(GenerationJob, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    device = models.CharField(max_length=120, blank=True)
    gpu_memory_used_bytes = models.BigIntegerField(null=True, blank=True)
    gpu_memory_total_bytes = models.BigIntegerField(null=True, blank=True)
    gpu_utilisation_percent = models.FloatField(null=True, blank=True)
    load_seconds = models.FloatField(default=0.0)
    started_at = models.DateTimeField()
    heartbeat_at = models.DateTimeField()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
