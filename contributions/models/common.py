"""Choices shared by reports, findings, the prompt policy and the rate card."""

from __future__ import annotations

from django.db import models


class Severity(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    CRITICAL = "critical", "Critical"


class SafetyCategory(models.TextChoices):
    SEXUAL = "sexual", "Sexual content"
    MINORS = "minors", "Minors"
    VIOLENCE = "violence", "Violence and gore"
    SELF_HARM = "self_harm", "Self-harm"
    HATE = "hate", "Hate and harassment"
    LIKENESS = "likeness", "Real people's likeness"
    COPYRIGHT = "copyright", "Copyright and trademarks"
    MISINFORMATION = "misinformation", "Misinformation"
    PRIVACY = "privacy", "Privacy"
    BYPASS = "bypass", "Policy bypass"
    OTHER = "other", "Other"
