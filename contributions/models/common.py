"""Choices shared by reports, findings, the prompt policy and the rate card."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy


class Severity(models.TextChoices):
    LOW = "low", gettext_lazy("Low")
    MEDIUM = "medium", gettext_lazy("Medium")
    HIGH = "high", gettext_lazy("High")
    CRITICAL = "critical", gettext_lazy("Critical")


class SafetyCategory(models.TextChoices):
    SEXUAL = "sexual", gettext_lazy("Sexual content")
    MINORS = "minors", gettext_lazy("Minors")
    VIOLENCE = "violence", gettext_lazy("Violence and gore")
    SELF_HARM = "self_harm", gettext_lazy("Self-harm")
    HATE = "hate", gettext_lazy("Hate and harassment")
    LIKENESS = "likeness", gettext_lazy("Real people's likeness")
    COPYRIGHT = "copyright", gettext_lazy("Copyright and trademarks")
    MISINFORMATION = "misinformation", gettext_lazy("Misinformation")
    PRIVACY = "privacy", gettext_lazy("Privacy")
    BYPASS = "bypass", gettext_lazy("Policy bypass")
    OTHER = "other", gettext_lazy("Other")
