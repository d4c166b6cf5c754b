"""Generation jobs and their outputs. The job table is the source of truth for state and order."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy

from accessprogram.models import AccessToken, Cohort
from generation.models.catalog import GenerationModel
from generation.models.stills import InputImage
from generation.models.styles import StylePreset


class JobStatus(models.TextChoices):
    QUEUED = "queued", gettext_lazy("Queued")
    RUNNING = "running", gettext_lazy("Running")
    SUCCEEDED = "succeeded", gettext_lazy("Succeeded")
    FAILED = "failed", gettext_lazy("Failed")
    CANCELLED = "cancelled", gettext_lazy("Cancelled")


class JobPhase(models.TextChoices):
    """Where a running job is, so a stuck or cancelled job says what it was doing."""

    WAITING = "waiting", gettext_lazy("Waiting")
    DENOISING = "denoising", gettext_lazy("Denoising")
    DECODING = "decoding", gettext_lazy("Decoding")
    MARKING = "marking", gettext_lazy("Marking")
    ENCODING = "encoding", gettext_lazy("Encoding")
    STORING = "storing", gettext_lazy("Storing")
    DONE = "done", gettext_lazy("Done")


TERMINAL_STATUSES = frozenset({JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED})
ACTIVE_STATUSES = frozenset({JobStatus.QUEUED, JobStatus.RUNNING})


class GenerationJob(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="generation_jobs")
    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="generation_jobs")
    model = models.ForeignKey(GenerationModel, on_delete=models.PROTECT, related_name="jobs")
    # The access token that submitted the job (none from the portal): a leaked token's jobs are stopped with it.
    token = models.ForeignKey(
        AccessToken, null=True, blank=True, on_delete=models.PROTECT, related_name="generation_jobs"
    )
    prompt = models.TextField()
    negative_prompt = models.TextField(blank=True)
    # The still that is the first frame, for image-to-video models.
    input_image = models.ForeignKey(InputImage, null=True, blank=True, on_delete=models.PROTECT, related_name="jobs")
    resolution = models.CharField(max_length=8)
    aspect_ratio = models.CharField(max_length=8)
    width = models.PositiveSmallIntegerField()
    height = models.PositiveSmallIntegerField()
    num_frames = models.PositiveSmallIntegerField()
    fps = models.PositiveSmallIntegerField()
    steps = models.PositiveSmallIntegerField()
    guidance = models.FloatField()
    seed = models.BigIntegerField()
    # The style preset picked, and the prompts the model was given: the tester's with the preset's added.
    style_preset = models.ForeignKey(StylePreset, null=True, blank=True, on_delete=models.PROTECT, related_name="jobs")
    final_prompt = models.TextField(blank=True)
    final_negative_prompt = models.TextField(blank=True)
    # One submission of 1, 2 or 4 variations: its jobs share a group, each with its place in it.
    variation_group = models.UUIDField(null=True, blank=True, db_index=True)
    variation_index = models.PositiveSmallIntegerField(default=1)
    variation_count = models.PositiveSmallIntegerField(default=1)
    remix_of = models.ForeignKey("Output", null=True, blank=True, on_delete=models.SET_NULL, related_name="remixes")

    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED, db_index=True)
    phase = models.CharField(max_length=10, choices=JobPhase.choices, default=JobPhase.WAITING)
    progress_step = models.PositiveSmallIntegerField(default=0)
    progress_total = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    worker = models.CharField(max_length=200, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    gpu_seconds = models.FloatField(default=0.0)
    cancel_requested_at = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["owner", "-created_at"]),
            models.Index(fields=["status", "created_at"], name="generation_queued_idx", condition=Q(status="queued")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress_step__lte=models.F("progress_total")), name="progress_in_bounds"
            )
        ]

    def __str__(self) -> str:
        return f"Job {self.short_id} ({self.get_status_display()})"

    @property
    def short_id(self) -> str:
        return self.id.hex[:8]

    @property
    def is_terminal(self) -> bool:
        return self.status in TERMINAL_STATUSES

    @property
    def duration_seconds(self) -> float:
        return round(self.num_frames / self.fps, 2)

    @property
    def model_prompt(self) -> str:
        """What the pipeline is given (rows written before presets existed hold only the tester's prompt)."""
        return self.final_prompt or self.prompt

    @property
    def model_negative_prompt(self) -> str:
        return self.final_negative_prompt if self.final_prompt else self.negative_prompt

    @property
    def submission_key(self) -> str:
        """Jobs submitted together share this key; the library shows them as one group."""
        return str(self.variation_group or self.pk)

    @property
    def progress_percent(self) -> int:
        return int(100 * self.progress_step / self.progress_total) if self.progress_total else 0


class ReviewStatus(models.TextChoices):
    PENDING = "pending", gettext_lazy("Pending review")
    APPROVED = "approved", gettext_lazy("Approved")
    REJECTED = "rejected", gettext_lazy("Rejected")
    CHANGES_REQUESTED = "changes_requested", gettext_lazy("Changes requested")
    WITHDRAWN = "withdrawn", gettext_lazy("Approval withdrawn")


class Output(models.Model):
    """One stored video. One per job at most (the database refuses a second)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    job = models.OneToOneField(GenerationJob, on_delete=models.PROTECT, related_name="output")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="outputs")
    video_key = models.CharField(max_length=255, unique=True)
    poster_key = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    size_bytes = models.BigIntegerField()
    duration_seconds = models.FloatField()
    fps = models.PositiveSmallIntegerField()
    width = models.PositiveSmallIntegerField()
    height = models.PositiveSmallIntegerField()
    frame_count = models.PositiveSmallIntegerField()
    seed = models.BigIntegerField()
    parameters = models.JSONField(help_text=gettext_lazy("Every parameter the job ran with."))
    model_name = models.CharField(max_length=80)
    model_version = models.CharField(max_length=64)
    # The invisible watermark's payload: a random 48-bit number, mapped here to the output and its owner.
    forensic_id = models.BigIntegerField(unique=True)
    review_status = models.CharField(
        max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.PENDING, db_index=True
    )
    # The owner's choices in their library: a star, and showing an approved output to the program's feed
    # (the feed also re-checks the approval and the owner's standing on every read).
    favourite = models.BooleanField(default=False)
    shown_to_program = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["owner", "-created_at"])]

    def __str__(self) -> str:
        return f"Output {self.short_id}"

    @property
    def short_id(self) -> str:
        return self.id.hex[:8]
