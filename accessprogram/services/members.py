"""Cohorts, memberships and staff roles: every change is audited."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from accessprogram.errors import DomainError
from accessprogram.models import Cohort, Membership, Program, Role, User
from accessprogram.models.users import ROLE_GROUPS
from accessprogram.services.audit import audit_record, audited_save
from accessprogram.services.context import Actor

COHORT_FIELDS = (
    "name",
    "description",
    "is_active",
    "quota_period",
    "quota_unit",
    "quota_amount",
    "max_active_jobs",
    "max_duration_seconds",
    "max_resolution",
    "approvals_required",
)


@transaction.atomic
def cohort_save(*, actor: Actor, cohort: Cohort, changed: list[str] | None = None) -> Cohort:
    """Create or update a cohort (already validated by its form) and audit what changed."""
    if cohort.pk is None and not cohort.program_id:
        cohort.program = Program.current()
    if Cohort.objects.exclude(pk=cohort.pk).filter(name__iexact=cohort.name).exists():
        raise DomainError(gettext("A cohort named “%(name)s” already exists.") % {"name": cohort.name}, field="name")
    return audited_save(
        actor=actor,
        obj=cohort,
        actions=("cohort.created", "cohort.updated"),
        details=lambda created: {f: getattr(cohort, f) for f in (COHORT_FIELDS if created else changed or [])},
    )


@transaction.atomic
def membership_end(*, actor: Actor, membership: Membership) -> Membership:
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.status == Membership.Status.ENDED:
        return membership
    membership.status = Membership.Status.ENDED
    membership.ended_at = timezone.now()
    membership.save(update_fields=["status", "ended_at"])
    audit_record(actor=actor, action="membership.ended", target=membership, details={"user": membership.user.email})
    return membership


@transaction.atomic
def user_set_staff_roles(*, actor: Actor, user: User, roles: set[Role]) -> User:
    """Give a user exactly these staff roles (none removes staff access)."""
    if actor.user is not None and actor.user.pk == user.pk and Role.PROGRAM_ADMIN not in roles:
        raise DomainError(gettext("You cannot remove your own admin role."), field="roles")
    unknown = roles - set(ROLE_GROUPS)
    if unknown:
        raise DomainError(gettext("Only admin and reviewer are staff roles."), field="roles")
    before = {role.value for role, name in ROLE_GROUPS.items() if user.groups.filter(name=name).exists()}
    user.groups.remove(*Group.objects.filter(name__in=ROLE_GROUPS.values()))
    user.groups.add(*Group.objects.filter(name__in=[ROLE_GROUPS[r] for r in roles]))
    user.is_staff = bool(roles) or user.is_superuser
    user.save(update_fields=["is_staff"])
    user.__dict__.pop("_role_cache", None)
    audit_record(
        actor=actor,
        action="user.roles_changed",
        target=user,
        details={"before": sorted(before), "after": sorted(r.value for r in roles)},
    )
    return user
