"""Django admin for showcase calls and licence requests: read here; every change goes through the portal's
services, so it is checked and audited."""

from __future__ import annotations

from django.contrib import admin

from accessprogram.admin import ReadOnlyAdmin
from showcase.models import JurorConflict, LicenceRequest, RubricCriterion, Scorecard, ShowcaseCall, Submission


class CriterionInline(admin.TabularInline):
    model = RubricCriterion
    extra = 0
    can_delete = False
    fields = ["name", "max_points"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ShowcaseCall)
class ShowcaseCallAdmin(ReadOnlyAdmin):
    list_display = ["title", "status", "deadline", "exclude_cohort_mates", "created_at", "published_at"]
    list_filter = ["status"]
    search_fields = ["title"]
    inlines = [CriterionInline]


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "tester", "credit_line", "submitted_at", "selected_at"]
    list_filter = ["call"]
    search_fields = ["tester__email", "credit_line"]


@admin.register(JurorConflict)
class JurorConflictAdmin(ReadOnlyAdmin):
    list_display = ["juror", "submission", "reason", "declared_at"]


@admin.register(Scorecard)
class ScorecardAdmin(ReadOnlyAdmin):
    list_display = ["submission", "juror", "total", "scored_at"]


@admin.register(LicenceRequest)
class LicenceRequestAdmin(ReadOnlyAdmin):
    list_display = ["output", "tester", "use", "term_start", "term_end", "fee_minor", "currency", "status"]
    list_filter = ["status", "currency"]
    search_fields = ["tester__email", "use"]
