"""Public sharing of approved outputs: revocable share links and the public gallery."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from generation.models import Output


class ShareLink(models.Model):
    output = models.ForeignKey(Output, on_delete=models.CASCADE, related_name="share_links")
    # secrets.token_urlsafe: ~128 bits, the only thing standing between the public and the link.
    slug = models.CharField(max_length=40, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Django's password hash of the optional passphrase; empty when the link needs none.
    passphrase_hash = models.CharField(max_length=256, blank=True)
    credit_line = models.CharField(max_length=200, blank=True)
    show_prompt = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Share link {self.slug[:6]}… for output {self.output_id.hex[:8]}"

    @property
    def has_passphrase(self) -> bool:
        return bool(self.passphrase_hash)

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def is_live(self) -> bool:
        return not self.is_revoked and not self.is_expired


class GalleryEntry(models.Model):
    """An owner's opt-in to show an approved output in the public gallery, with their credit line."""

    output = models.OneToOneField(Output, on_delete=models.CASCADE, related_name="gallery_entry")
    slug = models.CharField(max_length=40, unique=True)
    credit_line = models.CharField(max_length=200)
    show_prompt = models.BooleanField(default=False)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-added_at"]
        verbose_name_plural = "gallery entries"
        # The gallery pages newest first: walking this index, the visibility check stops after one page.
        indexes = [models.Index(fields=["-added_at", "-id"], name="gallery_newest_idx")]

    def __str__(self) -> str:
        return f"Gallery: {self.credit_line}"
