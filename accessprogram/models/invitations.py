"""Single-use invitations: the only way into the program."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from accessprogram.models.program import Cohort
from accessprogram.models.users import Role


class Invitation(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", gettext_lazy("Pending")
        ACCEPTED = "accepted", gettext_lazy("Accepted")
        EXPIRED = "expired", gettext_lazy("Expired")
        REVOKED = "revoked", gettext_lazy("Revoked")

    email = models.EmailField()
    role = models.CharField(max_length=20, choices=Role.choices)
    cohort = models.ForeignKey(Cohort, null=True, blank=True, on_delete=models.PROTECT, related_name="invitations")
    # Only the SHA-256 of the link's secret is stored; the secret itself exists in the e-mail alone.
    token_hash = models.CharField(max_length=64, unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    sent_count = models.PositiveSmallIntegerField(default=0)
    last_sent_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["email", "cohort"],
                condition=Q(status="pending"),
                name="one_pending_invitation_per_email_and_cohort",
            ),
            models.UniqueConstraint(
                fields=["email"],
                condition=Q(status="pending", cohort__isnull=True),
                name="one_pending_staff_invitation_per_email",
            ),
            models.CheckConstraint(
                condition=Q(cohort__isnull=False) | Q(role__in=["admin", "reviewer"]),
                name="tester_invitation_has_cohort",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} ({self.get_role_display()})"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def effective_status(self) -> str:
        if self.status == self.Status.PENDING and self.is_expired:
            return self.Status.EXPIRED
        return self.status

    def get_effective_status_display(self) -> str:
        return self.Status(self.effective_status).label
