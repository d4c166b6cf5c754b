"""Kill switches: suspend a token, a tester, a cohort or the whole program, and lift the suspension.

Every check reads the database (no cache), so a suspension holds on the very next request in every web
process and worker. Creating one also stops that scope's jobs: queued ones are cancelled at once and
running ones are asked to stop, which the worker sees at its next denoising step.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, gettext_noop

from accessprogram.errors import Conflict, DomainError, NotAllowed
from accessprogram.localization import lazy_message
from accessprogram.models import AccessToken, Cohort, Membership, Program, Suspension, SuspensionScope, User
from accessprogram.models.suspensions import SCOPE_FIELDS
from accessprogram.services.audit import audit_record
from accessprogram.services.context import Actor
from accessprogram.services.notices import program_admin_emails, send_notice
from generation.models import GenerationJob
from generation.services.submit import generation_jobs_cancel

SUSPENDED_MESSAGES = {
    SuspensionScope.TOKEN: gettext_lazy("This token is suspended; its owner has been told why."),
    SuspensionScope.TESTER: gettext_lazy("Your access to the program is suspended."),
    SuspensionScope.COHORT: gettext_lazy("Your cohort's access to the program is suspended."),
    SuspensionScope.PROGRAM: gettext_lazy("The program is suspended for every tester."),
}
TARGET_MODELS = {
    SuspensionScope.TOKEN: AccessToken,
    SuspensionScope.TESTER: User,
    SuspensionScope.COHORT: Cohort,
    SuspensionScope.PROGRAM: Program,
}


def _active() -> QuerySet[Suspension]:
    return Suspension.objects.filter(lifted_at__isnull=True)


def _user_scopes(user_id: int) -> Q:
    """Suspensions of the tester, of the cohort of their active membership, or of that cohort's program."""
    cohorts = Membership.objects.filter(user_id=user_id, status=Membership.Status.ACTIVE).values("cohort_id")
    programs = Cohort.objects.filter(pk__in=cohorts).values("program_id")
    return (
        Q(scope=SuspensionScope.TESTER, user_id=user_id)
        | Q(scope=SuspensionScope.COHORT, cohort_id__in=cohorts)
        | Q(scope=SuspensionScope.PROGRAM, program_id__in=programs)
    )


def suspension_active_for(user, *, token: AccessToken | None = None) -> Suspension | None:
    """The suspension that stops this user (and this token, if given) now, or None. One query."""
    if user is None or not user.is_authenticated:
        return None
    scopes = _user_scopes(user.pk)
    if token is not None:
        scopes |= Q(scope=SuspensionScope.TOKEN, token_id=token.pk)
    return _active().filter(scopes).order_by("created_at").first()


def is_suspended(user) -> bool:
    """True when the user, their cohort or the program is suspended (public pages answer 404 for them)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return _active().filter(_user_scopes(user.pk)).exists()


def suspension_blocking_job(job) -> Suspension | None:
    """The suspension that forbids running this job: of its token, owner, cohort or program."""
    scopes = (
        Q(scope=SuspensionScope.TESTER, user_id=job.owner_id)
        | Q(scope=SuspensionScope.COHORT, cohort_id=job.cohort_id)
        | Q(scope=SuspensionScope.PROGRAM, program_id__in=Cohort.objects.filter(pk=job.cohort_id).values("program_id"))
    )
    if job.token_id is not None:
        scopes |= Q(scope=SuspensionScope.TOKEN, token_id=job.token_id)
    return _active().filter(scopes).order_by("created_at").first()


def _jobs_in_scope(suspension: Suspension) -> QuerySet[GenerationJob]:
    return GenerationJob.objects.filter(
        **{
            SuspensionScope.TOKEN: {"token_id": suspension.token_id},
            SuspensionScope.TESTER: {"owner_id": suspension.user_id},
            SuspensionScope.COHORT: {"cohort_id": suspension.cohort_id},
            SuspensionScope.PROGRAM: {"cohort__program_id": suspension.program_id},
        }[SuspensionScope(suspension.scope)]
    )


def suspension_resolve_target(*, scope: str, target: str | None) -> Any:
    """The token (id), tester (e-mail or id), cohort (name or id) or program (name, id or empty) meant."""
    if scope not in SuspensionScope.values:
        raise DomainError(
            gettext("Unknown scope “%(scope)s”; choose one of %(choices)s.")
            % {"scope": scope, "choices": ", ".join(SuspensionScope.values)},
            field="scope",
        )
    value = (target or "").strip()
    if scope == SuspensionScope.PROGRAM and value in ("", "current"):
        return Program.current()
    if not value:
        raise DomainError(gettext("Name what to suspend."), field="target")
    natural = {
        SuspensionScope.TOKEN: None,
        SuspensionScope.TESTER: "email__iexact",
        SuspensionScope.COHORT: "name__iexact",
        SuspensionScope.PROGRAM: "name__iexact",
    }[SuspensionScope(scope)]
    model = TARGET_MODELS[SuspensionScope(scope)]
    lookups = ([{"pk": int(value)}] if value.isdigit() else []) + ([{natural: value}] if natural else [])
    for lookup in lookups:
        found = model.objects.filter(**lookup).first()
        if found is not None:
            return found
    missing = {
        "token": gettext("No token id “%(value)s”."),
        "tester": gettext("No tester e-mail “%(value)s”."),
        "cohort": gettext("No cohort name “%(value)s”."),
        "program": gettext("No program name “%(value)s”."),
    }[scope]
    raise DomainError(missing % {"value": value}, field="target")


def _check_admin(actor: Actor, refusal: str) -> None:
    """Program admins, or the system (anomaly detection, leak reports, management commands); `refusal` tells
    anyone else what they may not do."""
    if actor.user is not None and not actor.user.is_program_admin:
        raise NotAllowed(refusal)


def _check_target(actor: Actor, scope: str, target: Any) -> None:
    model = TARGET_MODELS[SuspensionScope(scope)]
    if not isinstance(target, model):
        raise DomainError(
            gettext("A %(scope)s suspension needs a %(target)s.")
            % {"scope": scope, "target": model._meta.verbose_name},
            field="target",
        )
    if scope == SuspensionScope.TESTER:
        if actor.user is not None and actor.user.pk == target.pk:
            raise DomainError(gettext("You cannot suspend yourself."), field="target")
        if target.is_program_staff:
            raise DomainError(gettext("Staff are not suspended: change their roles instead."), field="target")


@transaction.atomic
def suspension_create(
    *,
    actor: Actor,
    scope: str,
    target: Any,
    reason: str,
    automatic: bool = False,
    evidence: dict | None = None,
) -> Suspension:
    """Suspend one scope now and stop its jobs; Conflict if it is already suspended."""
    _check_admin(actor, gettext("Only program admins can suspend access."))
    reason = (reason or "").strip()
    if scope not in SuspensionScope.values:
        raise DomainError(gettext("Unknown scope “%(scope)s”.") % {"scope": scope}, field="scope")
    if not reason:
        raise DomainError(gettext("Give the reason; the audit log and the people affected see it."), field="reason")
    _check_target(actor, scope, target)
    suspension = Suspension(
        scope=scope,
        reason=reason[:2000],
        automatic=automatic,
        evidence=evidence or {},
        created_by=actor.user,
        **{SCOPE_FIELDS[SuspensionScope(scope)]: target},
    )
    try:
        with transaction.atomic():
            suspension.save()
    except IntegrityError:
        raise Conflict(
            gettext("%(target_label)s is already suspended.") % {"target_label": suspension.target_label},
            code="already_suspended",
        ) from None
    stopped = generation_jobs_cancel(
        actor=actor,
        jobs=_jobs_in_scope(suspension),
        reason=f"Stopped: {suspension.get_scope_display().lower()} suspended.",
    )
    audit_record(
        actor=actor,
        action="suspension.created",
        target=suspension,
        details={
            "scope": scope,
            "target": suspension.target_label,
            "reason": suspension.reason,
            "automatic": automatic,
            "evidence": suspension.evidence,
            "queued_jobs_cancelled": stopped.cancelled,
            "running_jobs_stopping": stopped.stopping,
        },
    )
    _notify_created(suspension, stopped_jobs=stopped.cancelled + stopped.stopping)
    return suspension


def _notify_created(suspension: Suspension, *, stopped_jobs: int) -> None:
    """The owner learns their token or access was suspended, and why; admins learn of automatic ones."""
    if suspension.scope == SuspensionScope.TOKEN:
        owner = suspension.token.owner
    elif suspension.scope == SuspensionScope.TESTER:
        owner = suspension.user
    else:
        owner = None
    context = {"suspension": suspension, "stopped_jobs": stopped_jobs}
    subject = lazy_message(gettext_noop("Suspended: %(target)s"), target=suspension.target_label)
    if owner is not None:
        send_notice(
            subject=subject, template="accessprogram/email/suspended.txt", recipients=[owner.email], context=context
        )
    if suspension.automatic:
        send_notice(
            subject=subject,
            template="accessprogram/email/suspended.txt",
            recipients=program_admin_emails(),
            context={**context, "for_admins": True},
        )


@transaction.atomic
def suspension_lift(*, actor: Actor, suspension: Suspension, reason: str = "") -> Suspension:
    _check_admin(actor, gettext("Only program admins can lift a suspension."))
    suspension = Suspension.objects.select_for_update().get(pk=suspension.pk)
    if suspension.lifted_at is not None:
        raise Conflict(gettext("This suspension was already lifted."), code="already_lifted")
    suspension.lifted_at = timezone.now()
    suspension.lifted_by = actor.user
    suspension.save(update_fields=["lifted_at", "lifted_by"])
    if suspension.scope == SuspensionScope.TOKEN:
        from accessprogram.services.anomalies import anomaly_forget  # anomalies builds on this module

        # Lifting is a judgement that the token's recent use was fine: start its windows afresh.
        transaction.on_commit(lambda: anomaly_forget(suspension.token))
    audit_record(
        actor=actor,
        action="suspension.lifted",
        target=suspension,
        details={"scope": suspension.scope, "target": suspension.target_label, "reason": reason.strip()},
    )
    return suspension


def suspension_active_of(*, scope: str, target: Any) -> Suspension:
    """The active suspension of exactly this target (for `resume`), or DomainError."""
    found = _active().filter(scope=scope, **{SCOPE_FIELDS[SuspensionScope(scope)]: target}).first()
    if found is None:
        raise DomainError(gettext("%(target)s is not suspended.") % {"target": target}, field="target")
    return found
