"""Reviews of outputs: one open review per output, and every decision recorded as a row."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from generation.models import Output, ReviewStatus
from review.models.reasons import ReasonCode

# A review's state is the output's review status while it is the output's latest review.
ReviewState = ReviewStatus
OPEN_STATES = frozenset({ReviewState.PENDING})


class Review(models.Model):
    """One pass of an output through the queue. An appeal opens a second, flagged review."""

    output = models.ForeignKey(Output, on_delete=models.CASCADE, related_name="reviews")
    # The output's owner, kept on the row so the queue leaves out a reviewer's own outputs without a join.
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False)
    state = models.CharField(max_length=20, choices=ReviewState.choices, default=ReviewState.PENDING)
    created_at = models.DateTimeField(default=timezone.now, help_text=gettext_lazy("When it entered the queue."))
    decided_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    claimed_until = models.DateTimeField(null=True, blank=True)
    appeal_of = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="appeal")
    appeal_message = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["created_at"], name="review_pending_idx", condition=Q(state="pending")),
            models.Index(fields=["state", "decided_at"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["output"], condition=Q(state="pending"), name="one_open_review_per_output"),
            models.UniqueConstraint(
                fields=["output"], condition=Q(appeal_of__isnull=False), name="one_appeal_per_output"
            ),
        ]

    def save(self, *args, **kwargs) -> None:
        if self.owner_id is None:
            self.owner_id = self.output.owner_id
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return f"Review of output {self.output_id.hex[:8]} ({self.get_state_display()})"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def is_appeal(self) -> bool:
        return self.appeal_of_id is not None

    def claimed_by_other(self, user, now=None) -> bool:
        now = now or timezone.now()
        return (
            self.claimed_by_id is not None
            and self.claimed_by_id != user.pk
            and self.claimed_until is not None
            and self.claimed_until > now
        )


class Decision(models.TextChoices):
    APPROVE = "approve", gettext_lazy("Approve")
    REJECT = "reject", gettext_lazy("Reject")
    REQUEST_CHANGES = "request_changes", gettext_lazy("Request changes")
    WITHDRAW = "withdraw", gettext_lazy("Withdraw approval")


class ReviewDecision(models.Model):
    """A reviewer's decision on a review; a review needing two approvals has two approve rows."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="decisions")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="review_decisions")
    decision = models.CharField(max_length=20, choices=Decision.choices)
    reason = models.ForeignKey(ReasonCode, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "reviewer"], condition=Q(decision="approve"), name="one_approval_per_reviewer"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} by {self.reviewer}"
