"""Red-team safety findings: filed by red-teamers (or drafted by the prompt policy), validated by staff."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy

from contributions.models.common import SafetyCategory, Severity
from generation.models import Output


class FindingStatus(models.TextChoices):
    DRAFT = "draft", gettext_lazy("Draft")
    SUBMITTED = "submitted", gettext_lazy("Submitted")
    VALIDATED = "validated", gettext_lazy("Validated")
    DISMISSED = "dismissed", gettext_lazy("Dismissed")


class Finding(models.Model):
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="findings")
    category = models.CharField(max_length=20, choices=SafetyCategory.choices)
    severity = models.CharField(max_length=10, choices=Severity.choices)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    output = models.ForeignKey(Output, null=True, blank=True, on_delete=models.SET_NULL, related_name="findings")
    # Reproduction: what to run to see it again.
    prompt = models.TextField(blank=True)
    negative_prompt = models.TextField(blank=True)
    seed = models.BigIntegerField(null=True, blank=True)
    parameters = models.JSONField(default=dict, blank=True)
    model_name = models.CharField(max_length=80, blank=True)
    status = models.CharField(max_length=10, choices=FindingStatus.choices, default=FindingStatus.SUBMITTED)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(output__isnull=False) | ~Q(prompt=""), name="finding_names_an_output_or_a_prompt"
            ),
            models.CheckConstraint(
                condition=~Q(status="dismissed") | ~Q(decision_reason=""), name="dismissed_findings_have_a_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"Finding #{self.pk}: {self.title}"
