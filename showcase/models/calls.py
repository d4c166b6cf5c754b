"""Showcase calls: a brief with a rubric and a deadline, testers' submissions, and the jury's scorecards."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from generation.models import Output


class CallStatus(models.TextChoices):
    OPEN = "open", gettext_lazy("Open")
    CLOSED = "closed", gettext_lazy("Closed")
    PUBLISHED = "published", gettext_lazy("Published")


class ShowcaseCall(models.Model):
    """A call for work. Open → closed (no more submissions or scores) → published (winners credited)."""

    title = models.CharField(max_length=160)
    brief = models.TextField()
    deadline = models.DateTimeField(help_text=gettext_lazy("Submissions close at this time."))
    max_submissions_per_tester = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    exclude_cohort_mates = models.BooleanField(
        default=False, help_text=gettext_lazy("Jurors may not score work by testers who share a cohort with them.")
    )
    status = models.CharField(max_length=10, choices=CallStatus.choices, default=CallStatus.OPEN, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def accepts_submissions(self) -> bool:
        return self.status == CallStatus.OPEN and timezone.now() < self.deadline


class RubricCriterion(models.Model):
    call = models.ForeignKey(ShowcaseCall, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(max_length=80)
    max_points = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(100)])
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["call", "name"], name="showcase_criterion_unique_name")]

    def __str__(self) -> str:
        return f"{self.name} (0–{self.max_points})"


class Juror(models.Model):
    """A member assigned to judge a call. They confirm their conflict declarations before scoring."""

    call = models.ForeignKey(ShowcaseCall, on_delete=models.CASCADE, related_name="juror_assignments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)
    conflicts_confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["added_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["call", "user"], name="showcase_one_juror_seat")]

    def __str__(self) -> str:
        return f"{self.user} on {self.call}"


class Submission(models.Model):
    call = models.ForeignKey(ShowcaseCall, on_delete=models.CASCADE, related_name="submissions")
    output = models.ForeignKey(Output, on_delete=models.PROTECT, related_name="showcase_submissions")
    tester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    credit_line = models.CharField(max_length=200)
    statement = models.TextField(blank=True)
    submitted_at = models.DateTimeField(default=timezone.now)
    selected_at = models.DateTimeField(null=True, blank=True)
    selected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["submitted_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["call", "output"], name="showcase_output_once_per_call")]

    def __str__(self) -> str:
        return f"{self.output} in {self.call}"

    @property
    def is_selected(self) -> bool:
        return self.selected_at is not None


class JurorConflict(models.Model):
    """A juror's declared conflict with a submission: it keeps them from scoring it."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="conflicts")
    juror = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=500)
    declared_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["submission", "juror"], name="showcase_one_conflict_per_juror")]

    def __str__(self) -> str:
        return f"{self.juror} declared a conflict with {self.submission}"


class Scorecard(models.Model):
    """One juror's scores for one submission; a juror who scores again replaces their lines."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="scorecards")
    juror = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    total = models.PositiveIntegerField()
    scored_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["submission", "juror"], name="showcase_one_scorecard")]

    def __str__(self) -> str:
        return f"{self.total} from {self.juror}"


class ScorecardLine(models.Model):
    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="lines")
    criterion = models.ForeignKey(RubricCriterion, on_delete=models.PROTECT, related_name="+")
    points = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scorecard", "criterion"], name="showcase_one_line_per_criterion"),
            models.CheckConstraint(condition=Q(points__gte=0), name="showcase_points_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.points} for criterion {self.criterion_id}"
