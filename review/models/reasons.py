"""Reason codes reviewers pick when they reject an output; admins edit the list."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy


class ReasonCode(models.Model):
    code = models.SlugField(max_length=40, unique=True)
    label = models.CharField(max_length=80)
    description = models.TextField(blank=True, help_text=gettext_lazy("Shown to testers beside the reviewer's note."))
    is_active = models.BooleanField(default=True, help_text=gettext_lazy("Retired codes stay on past decisions."))
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "label"]

    def __str__(self) -> str:
        return self.label


class ReviewSettings(models.Model):
    """Program-wide review settings, one row (admins edit it in the Django admin)."""

    backlog_threshold = models.PositiveIntegerField(
        default=100, help_text=gettext_lazy("Reviewers see a notice when more outputs than this wait for review.")
    )
    claim_minutes = models.PositiveSmallIntegerField(
        default=5, help_text=gettext_lazy("How long opening an item locks it for one reviewer.")
    )

    class Meta:
        verbose_name_plural = "review settings"

    def __str__(self) -> str:
        return "Review settings"

    @classmethod
    def current(cls) -> ReviewSettings:
        settings, _ = cls.objects.get_or_create(pk=1)
        return settings
