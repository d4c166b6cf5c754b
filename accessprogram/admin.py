"""Django admin for program admins: reads freely, writes only through services (so every change is audited)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy

from accessprogram.errors import DomainError
from accessprogram.models import (
    AccessToken,
    AnomalyThresholds,
    AuditEvent,
    Cohort,
    Invitation,
    Membership,
    NdaAcceptance,
    NdaVersion,
    Role,
    Suspension,
    User,
)
from accessprogram.services.anomalies import anomaly_thresholds_save
from accessprogram.services.context import Actor
from accessprogram.services.invitations import invitation_revoke
from accessprogram.services.members import cohort_save, membership_end, user_set_staff_roles
from accessprogram.services.suspensions import suspension_lift
from accessprogram.services.tokens import token_revoke


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


def _run_service(modeladmin, request, queryset, service, done: str) -> None:
    actor = Actor.from_request(request)
    count = 0
    for obj in queryset:
        try:
            service(actor, obj)
            count += 1
        except DomainError as exc:
            modeladmin.message_user(request, f"{obj}: {exc.message}", messages.ERROR)
    if count:
        modeladmin.message_user(request, f"{done}: {count}.", messages.SUCCESS)


@admin.register(User)
class UserAdmin(ReadOnlyAdmin):
    """Accounts are created only by accepting an invitation; roles change through the actions below."""

    list_display = ["email", "full_name", "is_staff", "is_active", "date_joined", "last_login"]
    list_filter = ["is_staff", "is_active", "groups"]
    search_fields = ["email", "full_name"]
    actions = ["make_reviewer", "make_program_admin", "remove_staff_roles"]

    @admin.action(description=gettext_lazy("Make reviewer (staff)"))
    def make_reviewer(self, request, queryset):
        _run_service(
            self,
            request,
            queryset,
            lambda actor, user: user_set_staff_roles(actor=actor, user=user, roles={Role.REVIEWER}),
            "Now reviewers",
        )

    @admin.action(description=gettext_lazy("Make program admin (staff)"))
    def make_program_admin(self, request, queryset):
        _run_service(
            self,
            request,
            queryset,
            lambda actor, user: user_set_staff_roles(actor=actor, user=user, roles={Role.PROGRAM_ADMIN}),
            "Now program admins",
        )

    @admin.action(description=gettext_lazy("Remove staff roles"))
    def remove_staff_roles(self, request, queryset):
        _run_service(
            self,
            request,
            queryset,
            lambda actor, user: user_set_staff_roles(actor=actor, user=user, roles=set()),
            "Staff roles removed",
        )


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ["user", "cohort", "kind", "status", "joined_at", "ended_at"]
    list_filter = ["cohort", "kind", "status"]
    search_fields = ["user__email"]
    actions = ["end_membership"]

    @admin.action(description=gettext_lazy("End membership"))
    def end_membership(self, request, queryset):
        _run_service(
            self, request, queryset, lambda actor, m: membership_end(actor=actor, membership=m), "Memberships ended"
        )


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ["name", "is_active", "quota_amount", "quota_unit", "quota_period", "max_resolution"]
    exclude = ["program"]

    def save_model(self, request, obj, form, change):
        cohort_save(actor=Actor.from_request(request), cohort=obj, changed=form.changed_data)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ["email", "role", "cohort", "status", "created_at", "expires_at", "accepted_at"]
    list_filter = ["status", "role", "cohort"]
    search_fields = ["email"]
    exclude = ["token_hash"]
    actions = ["revoke"]

    @admin.action(description=gettext_lazy("Revoke"))
    def revoke(self, request, queryset):
        _run_service(
            self, request, queryset, lambda actor, inv: invitation_revoke(actor=actor, invitation=inv), "Revoked"
        )


@admin.register(NdaVersion)
class NdaVersionAdmin(ReadOnlyAdmin):
    list_display = ["title", "version", "language", "status", "published_at", "ends_on"]


@admin.register(NdaAcceptance)
class NdaAcceptanceAdmin(ReadOnlyAdmin):
    """The evidence of each acceptance, with the language of the text the tester signed."""

    list_display = ["user", "nda", "language", "accepted_at", "typed_name", "ip_address", "text_sha256"]
    list_filter = ["language", "nda"]
    list_select_related = ["user", "nda"]


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["id", "created_at", "actor_label", "action", "target_label", "ip_address"]
    list_filter = ["action"]
    search_fields = ["actor_label", "target_label", "action"]


@admin.register(AccessToken)
class AccessTokenAdmin(ReadOnlyAdmin):
    """Tokens are created by testers in the portal; admins revoke them here, and grant the download scope on the
    portal's token page (it asks for a reason)."""

    list_display = ["prefix", "name", "owner", "scopes", "created_at", "expires_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["prefix", "name", "owner__email"]
    exclude = ["secret_hash"]
    actions = ["revoke"]

    @admin.action(description=gettext_lazy("Revoke"))
    def revoke(self, request, queryset):
        _run_service(
            self,
            request,
            queryset,
            lambda actor, token: token_revoke(actor=actor, token=token),
            "Revoked",
        )


@admin.register(Suspension)
class SuspensionAdmin(ReadOnlyAdmin):
    """Suspend and lift from the staff page (/staff/suspensions/), where the scope's jobs are stopped too."""

    list_display = ["scope", "target_label", "reason", "automatic", "created_at", "lifted_at"]
    list_filter = ["scope", "automatic"]
    actions = ["lift"]

    @admin.action(description=gettext_lazy("Lift"))
    def lift(self, request, queryset):
        _run_service(self, request, queryset, lambda actor, s: suspension_lift(actor=actor, suspension=s), "Lifted")


@admin.register(AnomalyThresholds)
class AnomalyThresholdsAdmin(admin.ModelAdmin):
    list_display = ["window_seconds", "max_client_ips", "max_networks", "max_user_agents", "max_requests"]

    def save_model(self, request, obj, form, change):
        anomaly_thresholds_save(actor=Actor.from_request(request), thresholds=obj, changed=form.changed_data)

    def has_add_permission(self, request) -> bool:
        return not AnomalyThresholds.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
