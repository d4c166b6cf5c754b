"""Generation models that admins register: a diffusers pipeline directory and its bounds."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from accessprogram.models import Cohort


class PipelineFamily(models.TextChoices):
    WAN = "wan", "Wan 2.1 / 2.2"
    LTX = "ltx", "LTX-Video"


class GenerationModel(models.Model):
    name = models.CharField(max_length=80, unique=True)
    family = models.CharField(max_length=8, choices=PipelineFamily.choices, default=PipelineFamily.WAN)
    directory = models.CharField(
        max_length=255, help_text="The diffusers pipeline directory, relative to GENERATION_MODELS_DIR."
    )
    version = models.CharField(max_length=64, help_text="Shown on outputs and in provenance, e.g. 2.1-1.3B.")
    is_active = models.BooleanField(default=True)
    allowed_cohorts = models.ManyToManyField(Cohort, related_name="allowed_models", blank=True)
    default_steps = models.PositiveSmallIntegerField(default=30, validators=[MinValueValidator(1)])
    max_steps = models.PositiveSmallIntegerField(default=50, validators=[MinValueValidator(1), MaxValueValidator(200)])
    default_guidance = models.FloatField(default=5.0, validators=[MinValueValidator(0.0)])
    max_guidance = models.FloatField(default=15.0, validators=[MinValueValidator(0.0)])
    fps = models.PositiveSmallIntegerField(default=16, validators=[MinValueValidator(1), MaxValueValidator(60)])
    max_frames = models.PositiveSmallIntegerField(default=81, validators=[MinValueValidator(1)])
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} {self.version}"
