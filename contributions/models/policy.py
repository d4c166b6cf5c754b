"""The prompt policy: terms and patterns admins maintain, and every prompt it blocked."""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext, gettext_lazy

from contributions.models.common import SafetyCategory


class RuleKind(models.TextChoices):
    TERM = "term", "Term (whole words, any case)"
    PATTERN = "pattern", "Regular expression (any case)"


class PolicyRule(models.Model):
    kind = models.CharField(max_length=10, choices=RuleKind.choices, default=RuleKind.TERM)
    pattern = models.CharField(max_length=500)
    category = models.CharField(max_length=20, choices=SafetyCategory.choices)
    is_active = models.BooleanField(default=True)
    note = models.CharField(max_length=300, blank=True, help_text=gettext_lazy("Why the rule exists (staff only)."))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["category", "pattern"]
        constraints = [models.UniqueConstraint(fields=["kind", "pattern"], name="one_policy_rule_per_pattern")]

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.pattern}"

    def clean(self) -> None:
        self.pattern = (self.pattern or "").strip()
        if not self.pattern:
            raise ValidationError({"pattern": gettext("Give a term or a pattern.")})
        if self.kind == RuleKind.PATTERN:
            try:
                compiled = re.compile(self.pattern, re.IGNORECASE)
            except re.error as exc:
                raise ValidationError(
                    {"pattern": gettext("Not a valid regular expression: %(exc)s.") % {"exc": exc}}
                ) from exc
            if compiled.search(""):
                raise ValidationError({"pattern": gettext("This pattern matches every prompt, even an empty one.")})


class PromptBlock(models.Model):
    """A prompt the policy refused. A red-teamer's block files a draft finding instead of counting as a strike."""

    tester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="prompt_blocks")
    prompt = models.TextField()
    rule = models.ForeignKey(PolicyRule, null=True, on_delete=models.SET_NULL, related_name="blocks")
    category = models.CharField(max_length=20, choices=SafetyCategory.choices)
    is_strike = models.BooleanField(default=True)
    finding = models.OneToOneField(
        "contributions.Finding", null=True, blank=True, on_delete=models.SET_NULL, related_name="prompt_block"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["tester", "-created_at"])]

    def __str__(self) -> str:
        return f"Blocked prompt by {self.tester} ({self.get_category_display()})"
