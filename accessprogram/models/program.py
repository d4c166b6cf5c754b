"""The program, its cohorts (with their generation limits) and tester memberships."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy

from accessprogram.models.users import Role


class Program(models.Model):
    """The early-access program. One row per deployment; cohorts and NDAs hang off it."""

    name = models.CharField(max_length=120, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name

    @classmethod
    def current(cls) -> Program:
        program = cls.objects.order_by("pk").first()
        if program is None:
            program = cls.objects.create(name=settings.PROGRAM_NAME)
        return program


class Resolution(models.TextChoices):
    P256 = "256p", gettext_lazy("256p preview")
    P480 = "480p", "480p"
    P720 = "720p", "720p"
    P1080 = "1080p", "1080p"


RESOLUTION_ORDER = [Resolution.P256, Resolution.P480, Resolution.P720, Resolution.P1080]


class QuotaPeriod(models.TextChoices):
    DAY = "day", gettext_lazy("Per day")
    WEEK = "week", gettext_lazy("Per week")


class QuotaUnit(models.TextChoices):
    GPU_SECONDS = "gpu_seconds", gettext_lazy("GPU-seconds")
    VIDEO_SECONDS = "video_seconds", gettext_lazy("Seconds of video")


class Cohort(models.Model):
    """A group of testers sharing limits. Pausing a cohort stops its testers from generating."""

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="cohorts")
    name = models.CharField(max_length=80, unique=True)
    description = models.TextField(blank=True)
    is_active = models.BooleanField(default=True, help_text=gettext_lazy("Paused cohorts cannot generate."))
    quota_period = models.CharField(max_length=8, choices=QuotaPeriod.choices, default=QuotaPeriod.DAY)
    quota_unit = models.CharField(max_length=16, choices=QuotaUnit.choices, default=QuotaUnit.GPU_SECONDS)
    quota_amount = models.PositiveIntegerField(
        default=3600, help_text=gettext_lazy("Budget per tester per period, in the quota unit.")
    )
    max_active_jobs = models.PositiveSmallIntegerField(
        default=4, validators=[MinValueValidator(1)], help_text=gettext_lazy("Queued plus running jobs per tester.")
    )
    max_duration_seconds = models.PositiveSmallIntegerField(default=5, validators=[MinValueValidator(1)])
    max_resolution = models.CharField(max_length=8, choices=Resolution.choices, default=Resolution.P720)
    approvals_required = models.PositiveSmallIntegerField(
        choices=[(1, gettext_lazy("One approval")), (2, gettext_lazy("Two approvals from different reviewers"))],
        default=1,
        help_text=gettext_lazy("Approvals an output needs before it can be shared publicly."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TesterKind(models.TextChoices):
    ARTIST = Role.ARTIST.value, Role.ARTIST.label
    RED_TEAMER = Role.RED_TEAMER.value, Role.RED_TEAMER.label
    CREATIVE_PARTNER = Role.CREATIVE_PARTNER.value, Role.CREATIVE_PARTNER.label


class Membership(models.Model):
    """A tester's place in a cohort. A tester has at most one active membership."""

    class Status(models.TextChoices):
        ACTIVE = "active", gettext_lazy("Active")
        ENDED = "ended", gettext_lazy("Ended")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="memberships")
    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="memberships")
    kind = models.CharField(max_length=20, choices=TesterKind.choices)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.ACTIVE)
    joined_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(status="active"), name="one_active_membership_per_user"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.cohort} ({self.get_kind_display()})"
