"""Django admin for review: reason codes and settings are edited here; reviews and links are read here."""

from __future__ import annotations

from django.contrib import admin

from accessprogram.admin import ReadOnlyAdmin
from accessprogram.services.context import Actor
from review.models import GalleryEntry, ReasonCode, Review, ReviewSettings, ShareLink
from review.services.settings import review_setting_save


class AuditedAdmin(admin.ModelAdmin):
    def save_model(self, request, obj, form, change):
        review_setting_save(actor=Actor.from_request(request), obj=obj, changed=form.changed_data)


@admin.register(ReasonCode)
class ReasonCodeAdmin(AuditedAdmin):
    list_display = ["label", "code", "is_active", "position"]
    list_editable = ["is_active", "position"]

    def has_delete_permission(self, request, obj=None) -> bool:
        # Past decisions name their reason; retire a code with "active" instead.
        return False


@admin.register(ReviewSettings)
class ReviewSettingsAdmin(AuditedAdmin):
    list_display = ["__str__", "backlog_threshold", "claim_minutes"]

    def has_add_permission(self, request) -> bool:
        return not ReviewSettings.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "state", "created_at", "decided_at", "claimed_by"]
    list_filter = ["state"]


@admin.register(ShareLink)
class ShareLinkAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "created_at", "expires_at", "revoked_at"]
    exclude = ["passphrase_hash", "slug"]


@admin.register(GalleryEntry)
class GalleryEntryAdmin(ReadOnlyAdmin):
    list_display = ["credit_line", "output", "added_at"]
