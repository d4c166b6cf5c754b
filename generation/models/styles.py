"""Style presets that admins define: a named prompt suffix, a negative prompt and default settings."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from accessprogram.models import Resolution
from generation.models.catalog import GenerationModel

# The aspect ratios a job may have; generation.services.presets turns them into frame sizes.
ASPECT_RATIOS = ("16:9", "9:16", "1:1")


class StylePreset(models.Model):
    name = models.CharField(_("name"), max_length=80, unique=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    prompt_suffix = models.TextField(
        _("prompt suffix"), blank=True, help_text=_("Added after the tester's prompt, separated by a comma.")
    )
    negative_prompt = models.TextField(
        _("negative prompt"), blank=True, help_text=_("Added to the tester's negative prompt.")
    )
    # Defaults for the settings a submission leaves out; blank: the model's or the composer's own.
    resolution = models.CharField(_("resolution"), max_length=8, choices=Resolution.choices, blank=True)
    aspect_ratio = models.CharField(
        _("aspect ratio"), max_length=8, choices=[(a, a) for a in ASPECT_RATIOS], blank=True
    )
    duration_seconds = models.FloatField(
        _("duration (seconds)"), null=True, blank=True, validators=[MinValueValidator(0.1), MaxValueValidator(600)]
    )
    steps = models.PositiveSmallIntegerField(
        _("steps"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    guidance = models.FloatField(
        _("guidance"), null=True, blank=True, validators=[MinValueValidator(0.0), MaxValueValidator(100)]
    )
    generation_models = models.ManyToManyField(
        GenerationModel,
        related_name="style_presets",
        blank=True,
        verbose_name=_("models"),
        help_text=_("The models it applies to; none: every model."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0, help_text=_("Lower comes first."))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("style preset")
        verbose_name_plural = _("style presets")

    def __str__(self) -> str:
        return self.name

    @property
    def defaults(self) -> dict:
        """The settings it fills in, for the composer's picker (only those it sets)."""
        values = {
            "resolution": self.resolution,
            "aspect_ratio": self.aspect_ratio,
            "duration_seconds": self.duration_seconds,
            "steps": self.steps,
            "guidance": self.guidance,
        }
        return {field: value for field, value in values.items() if value not in ("", None)}
