"""Personal access tokens: many named, scoped, expiring credentials per tester, stored only as a hash."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy, pgettext_lazy


class TokenScope(models.TextChoices):
    GENERATE = "generate", gettext_lazy("Generate (submit and cancel generations)")
    READ = "read", gettext_lazy("Read (generations, outputs' metadata, your account)")
    DOWNLOAD = "download", gettext_lazy("Download (video bytes; granted by an admin only)")


# What a tester may choose for themselves; `download` is granted per token by an admin.
SELF_SERVICE_SCOPES = (TokenScope.GENERATE, TokenScope.READ)


class AccessToken(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", gettext_lazy("Active")
        EXPIRED = "expired", pgettext_lazy("access token", "Expired")
        REVOKED = "revoked", pgettext_lazy("access token", "Revoked")
        SUSPENDED = "suspended", gettext_lazy("Suspended")

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="access_tokens")
    name = models.CharField(max_length=80)
    # The token's first characters, kept so the owner can tell tokens apart; never enough to use one.
    prefix = models.CharField(max_length=16)
    # SHA-256 of the whole token. The token itself is shown once, at creation, and stored nowhere.
    secret_hash = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    last_used_ip = models.GenericIPAddressField(null=True, blank=True)
    last_used_user_agent = models.CharField(max_length=500, blank=True)
    download_granted_at = models.DateTimeField(null=True, blank=True)
    download_granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=500, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["owner", "-created_at"]),
            models.Index(fields=["owner"], name="accesstoken_open_idx", condition=Q(revoked_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def status(self) -> str:
        """Revoked, expired, suspended (when annotated with `is_suspended`) or active."""
        if self.revoked_at is not None:
            return self.Status.REVOKED
        if self.is_expired:
            return self.Status.EXPIRED
        if getattr(self, "is_suspended", False):
            return self.Status.SUSPENDED
        return self.Status.ACTIVE

    def get_status_display(self) -> str:
        return self.Status(self.status).label
