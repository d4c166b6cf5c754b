"""Django admin for contributions: the prompt policy, rate cards and surveys are edited here (every change
audited); reports, findings and the ledger are read here and moved on by actions and staff pages."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext, gettext_lazy

from accessprogram.admin import ReadOnlyAdmin, _run_service
from accessprogram.services.context import Actor
from contributions.models import (
    Finding,
    LedgerEntry,
    LedgerStatus,
    PolicyRule,
    PromptBlock,
    RateCard,
    RateCardLine,
    Report,
    SessionRecord,
    Survey,
    SurveyQuestion,
)
from contributions.services.ledger import (
    ledger_entry_advance,
    next_rate_card_version,
    rate_card_draft_from,
    rate_card_publish,
)
from contributions.services.policy import policy_rule_delete, policy_rule_save
from contributions.services.surveys import survey_save


@admin.register(PolicyRule)
class PolicyRuleAdmin(admin.ModelAdmin):
    list_display = ["pattern", "kind", "category", "is_active", "updated_at"]
    list_filter = ["category", "kind", "is_active"]
    search_fields = ["pattern", "note"]

    def save_model(self, request, obj, form, change):
        policy_rule_save(actor=Actor.from_request(request), rule=obj, changed=form.changed_data)

    def delete_model(self, request, obj):
        policy_rule_delete(actor=Actor.from_request(request), rule=obj)

    def delete_queryset(self, request, queryset):
        for rule in queryset:
            policy_rule_delete(actor=Actor.from_request(request), rule=rule)


@admin.register(PromptBlock)
class PromptBlockAdmin(ReadOnlyAdmin):
    list_display = ["tester", "category", "is_strike", "finding", "created_at"]
    list_filter = ["category", "is_strike"]
    search_fields = ["tester__email", "prompt"]


class LockableInline(admin.TabularInline):
    """An inline whose rows can be added, changed and deleted only while `_editable(parent)` holds."""

    def _editable(self, obj) -> bool:
        raise NotImplementedError

    def has_add_permission(self, request, obj=None) -> bool:
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self._editable(obj) and super().has_delete_permission(request, obj)


class RateCardLineInline(LockableInline):
    model = RateCardLine
    extra = 0

    def _editable(self, obj) -> bool:
        return obj is None or not obj.is_published


@admin.register(RateCard)
class RateCardAdmin(admin.ModelAdmin):
    """Draft a version, add its lines, then publish it (action). A published card is read-only; to change the
    rates, make a new draft from it."""

    list_display = ["__str__", "note", "created_at", "published_at", "published_by"]
    readonly_fields = ["version", "published_at", "published_by"]
    inlines = [RateCardLineInline]
    actions = ["publish", "new_draft_from"]

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.is_published:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.is_published:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if obj.pk is None:
            obj.version = next_rate_card_version()
        super().save_model(request, obj, form, change)

    @admin.action(description=gettext_lazy("Publish the selected draft"))
    def publish(self, request, queryset):
        _run_service(
            self, request, queryset, lambda actor, card: rate_card_publish(actor=actor, card=card), "Published"
        )

    @admin.action(description=gettext_lazy("New draft from the selected card"))
    def new_draft_from(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, gettext("Select one card to copy."), messages.ERROR)
            return
        draft = rate_card_draft_from(actor=Actor.from_request(request), card=queryset.get())
        self.message_user(request, f"Drafted version {draft.version}.", messages.SUCCESS)


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    """Entries come from actions only; here they move forward, pending -> approved -> paid."""

    list_display = ["pk", "tester", "kind", "severity", "quantity", "amount_display", "status", "created_at"]
    list_filter = ["status", "kind", "currency"]
    search_fields = ["tester__email", "memo"]
    actions = ["approve", "mark_paid"]

    @admin.action(description=gettext_lazy("Approve the selected pending entries"))
    def approve(self, request, queryset):
        _run_service(
            self,
            request,
            queryset,
            lambda actor, entry: ledger_entry_advance(actor=actor, entry=entry, to_status=LedgerStatus.APPROVED),
            "Approved",
        )

    @admin.action(description=gettext_lazy("Mark the selected approved entries paid"))
    def mark_paid(self, request, queryset):
        _run_service(
            self,
            request,
            queryset,
            lambda actor, entry: ledger_entry_advance(actor=actor, entry=entry, to_status=LedgerStatus.PAID),
            "Marked paid",
        )


@admin.register(SessionRecord)
class SessionRecordAdmin(ReadOnlyAdmin):
    list_display = ["tester", "held_on", "hours", "recorded_by", "created_at"]


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "type", "severity", "status", "reporter", "created_at"]
    list_filter = ["status", "type", "severity"]
    search_fields = ["title", "text", "reporter__email"]


@admin.register(Finding)
class FindingAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "category", "severity", "status", "reporter", "created_at"]
    list_filter = ["status", "category", "severity"]
    search_fields = ["title", "prompt", "reporter__email"]


class SurveyQuestionInline(LockableInline):
    model = SurveyQuestion
    extra = 1

    def _editable(self, obj) -> bool:
        # Questions are fixed once someone has answered, so every response answers the same questions.
        return obj is None or not obj.responses.exists()


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ["title", "cohort", "is_open", "created_at"]
    list_filter = ["is_open", "cohort"]
    inlines = [SurveyQuestionInline]

    def save_model(self, request, obj, form, change):
        survey_save(actor=Actor.from_request(request), survey=obj, changed=form.changed_data)

    def has_delete_permission(self, request, obj=None) -> bool:
        return obj is None or not obj.responses.exists()
