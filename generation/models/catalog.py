"""Generation models that admins register: a diffusers pipeline directory and its bounds."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from accessprogram.models import Cohort
from generation.engine.families import get_family


class PipelineFamily(models.TextChoices):
    WAN = "wan", "Wan 2.1 / 2.2"
    LTX = "ltx", "LTX-Video"
    WAN_IMAGE_TO_VIDEO = "wan-i2v", "Wan 2.1 image to video"
    LTX_IMAGE_TO_VIDEO = "ltx-i2v", "LTX-Video image to video"


class AttentionBackend(models.TextChoices):
    """diffusers attention backends a worker may use (`set_attention_backend`); each needs its kernel installed."""

    DEFAULT = "", _("diffusers default (PyTorch SDPA)")
    NATIVE_CUDNN = "_native_cudnn", _("PyTorch SDPA, cuDNN kernel")
    FLASH = "flash", _("FlashAttention 2")
    FLASH_3 = "_flash_3", _("FlashAttention 3 (Hopper)")
    SAGE = "sage", _("SageAttention")


class StepCache(models.TextChoices):
    """Step caches that skip transformer work on steps close to the previous one (`enable_cache`)."""

    NONE = "", _("None")
    FIRST_BLOCK = "first_block", _("First-block cache")
    TAYLORSEER = "taylorseer", _("TaylorSeer")
    MAGCACHE = "magcache", _("MagCache (needs the model's published ratios)")


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
    # Performance options: off until a measurement on this model's GPU says they pay (bench/bench_gpu.py).
    attention_backend = models.CharField(
        max_length=24, choices=AttentionBackend.choices, default=AttentionBackend.DEFAULT, blank=True
    )
    compile_blocks = models.BooleanField(
        default=False,
        help_text=_("Compile the transformer's repeated blocks with torch.compile (paid once, at worker start)."),
    )
    step_cache = models.CharField(max_length=16, choices=StepCache.choices, default=StepCache.NONE, blank=True)
    step_cache_threshold = models.FloatField(
        default=0.05,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
        help_text=_("Higher skips more steps: faster, with a larger quality cost."),
    )
    step_cache_ratios = models.JSONField(
        default=list,
        blank=True,
        help_text=_("MagCache only: the magnitude ratios published for this checkpoint, as a JSON list."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} {self.version}"

    def clean(self) -> None:
        errors = {}
        if self.default_steps is not None and self.max_steps is not None and self.default_steps > self.max_steps:
            errors["default_steps"] = _("The default cannot be above the most steps allowed.")
        if (
            self.default_guidance is not None
            and self.max_guidance is not None
            and self.default_guidance > self.max_guidance
        ):
            errors["default_guidance"] = _("The default cannot be above the highest guidance allowed.")
        if errors:
            raise ValidationError(errors)
        if self.step_cache == StepCache.MAGCACHE and not _is_number_list(self.step_cache_ratios):
            raise ValidationError(
                {"step_cache_ratios": _("MagCache needs the checkpoint's published magnitude ratios (numbers).")}
            )

    @property
    def accepts_image(self) -> bool:
        """An image-to-video model: every job on it starts from a still, and only these take one."""
        return get_family(self.family).takes_image

    @property
    def performance_options(self) -> dict:
        """What the worker applies to this model's pipeline, recorded on every output it makes."""
        return {
            "attention_backend": self.attention_backend,
            "compile_blocks": self.compile_blocks,
            "step_cache": self.step_cache,
            "step_cache_threshold": self.step_cache_threshold if self.step_cache else None,
        }


def _is_number_list(value) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(item, int | float) for item in value)
