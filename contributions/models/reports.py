"""Feedback and bug reports from testers, their screenshots, and staff triage with replies."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy

from contributions.models.common import Severity
from generation.models import Output


class ReportType(models.TextChoices):
    BUG = "bug", gettext_lazy("Bug")
    FEEDBACK = "feedback", gettext_lazy("Feedback")
    FEATURE = "feature", gettext_lazy("Feature request")


class ReportStatus(models.TextChoices):
    NEW = "new", gettext_lazy("New")
    TRIAGED = "triaged", gettext_lazy("Triaged")
    FIXED = "fixed", gettext_lazy("Fixed")
    WONT_FIX = "wont_fix", gettext_lazy("Won't fix")
    DUPLICATE = "duplicate", gettext_lazy("Duplicate")


# Where triage may move a report from each status; the last three are final.
REPORT_TRANSITIONS = {
    ReportStatus.NEW: {ReportStatus.TRIAGED, ReportStatus.FIXED, ReportStatus.WONT_FIX, ReportStatus.DUPLICATE},
    ReportStatus.TRIAGED: {ReportStatus.FIXED, ReportStatus.WONT_FIX, ReportStatus.DUPLICATE},
    ReportStatus.FIXED: set(),
    ReportStatus.WONT_FIX: set(),
    ReportStatus.DUPLICATE: set(),
}
# A bug moved to one of these is accepted, and earns its ledger entry (once).
ACCEPTED_STATUSES = frozenset({ReportStatus.TRIAGED, ReportStatus.FIXED})


class Report(models.Model):
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reports")
    type = models.CharField(max_length=10, choices=ReportType.choices)
    severity = models.CharField(max_length=10, choices=Severity.choices)
    title = models.CharField(max_length=200)
    text = models.TextField()
    page_url = models.CharField(
        max_length=500, blank=True, help_text=gettext_lazy("The page the report was filed from.")
    )
    output = models.ForeignKey(Output, null=True, blank=True, on_delete=models.SET_NULL, related_name="reports")
    status = models.CharField(max_length=10, choices=ReportStatus.choices, default=ReportStatus.NEW)
    duplicate_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="duplicates")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=(Q(status="duplicate") & Q(duplicate_of__isnull=False))
                | (~Q(status="duplicate") & Q(duplicate_of__isnull=True)),
                name="duplicates_name_their_original",
            ),
            models.CheckConstraint(condition=~Q(duplicate_of=models.F("pk")), name="report_not_duplicate_of_itself"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"


class ReportScreenshot(models.Model):
    """An image attached to a report, kept in private storage and served only to the reporter and staff."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="screenshots")
    key = models.CharField(max_length=255, unique=True)
    content_type = models.CharField(max_length=20)
    size_bytes = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    original_name = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"Screenshot {self.pk} of report #{self.report_id}"


class ReportReply(models.Model):
    """A message on a report (staff replies, and status changes with a note), shown to the reporter."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(blank=True)
    status_from = models.CharField(max_length=10, choices=ReportStatus.choices, blank=True)
    status_to = models.CharField(max_length=10, choices=ReportStatus.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name_plural = "report replies"

    def __str__(self) -> str:
        return f"Reply on report #{self.report_id} by {self.author}"
