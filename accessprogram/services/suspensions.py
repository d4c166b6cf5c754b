"""Kill switches: suspend a token, a tester, a cohort or the whole program, and lift the suspension.

Every check reads the database (no cache), so a suspension holds on the very next request in every web
process and worker. Creating one also stops that scope's jobs: queued ones are cancelled at once and
running ones are asked to stop, which the worker sees at its next denoising step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, gettext_noop

from accessprogram.errors import Conflict, DomainError, NotAllowed
from accessprogram.hooks import JOBS_COUNT, JOBS_STOP, StoppedJobs, run_hooks
from accessprogram.infrastructure.email_notices import program_admin_emails, send_notice
from accessprogram.infrastructure.redis_counters import counters
from accessprogram.localization import lazy_message
from accessprogram.models import (
    AccessToken,
    Cohort,
    Membership,
    NotificationKind,
    Program,
    Suspension,
    SuspensionScope,
    User,
)
from accessprogram.models.suspensions import SCOPE_FIELDS
from accessprogram.services.audit import audit_record
from accessprogram.services.context import Actor
from accessprogram.services.notifications import notify_each
from accessprogram.services.watch_events import token_windows

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


def _covering(*, user: Any, cohort: Any = None, token: Any = None) -> Q:
    """The one rule of a suspension's reach, as a filter on Suspension: the tester's own, their cohort's, that
    cohort's program's, and the token's. `cohort` is the cohort the work belongs to (a job's); without it,
    the tester's active membership. Each argument is a value or an OuterRef."""
    if cohort is None:
        active = Membership.Status.ACTIVE
        in_cohort = Q(scope=SuspensionScope.COHORT, cohort__memberships__user=user, cohort__memberships__status=active)
        in_program = Q(
            scope=SuspensionScope.PROGRAM,
            program__cohorts__memberships__user=user,
            program__cohorts__memberships__status=active,
        )
    else:
        in_cohort = Q(scope=SuspensionScope.COHORT, cohort=cohort)
        in_program = Q(scope=SuspensionScope.PROGRAM, program__cohorts=cohort)
    scopes = Q(scope=SuspensionScope.TESTER, user=user) | in_cohort | in_program
    if token is not None:
        scopes |= Q(scope=SuspensionScope.TOKEN, token=token)
    return scopes


def suspension_reach(
    *, user: str, cohort: str | None = None, token: str | None = None, suspensions: QuerySet | None = None
) -> Q:
    """The rows a suspension reaches, as a filter on any model: `user`, `cohort` and `token` are the lookups
    from that model to its tester, its cohort (omit it for the tester's active membership) and its token.
    `suspensions` defaults to every active one. Middleware, scheduling, cancellation and public pages all
    read this one rule."""
    suspensions = _active() if suspensions is None else suspensions
    covering = _covering(
        user=OuterRef(user),
        cohort=OuterRef(cohort) if cohort else None,
        token=OuterRef(token) if token else None,
    )
    return Q(Exists(suspensions.filter(covering)))


def suspension_active_for(user, *, token: AccessToken | None = None) -> Suspension | None:
    """The suspension that stops this user (and this token, if given) now, or None. One query."""
    if user is None or not user.is_authenticated:
        return None
    scopes = _covering(user=user.pk, token=token.pk if token is not None else None)
    return _active().filter(scopes).distinct().order_by("created_at").first()


def is_suspended(user) -> bool:
    """True when the user, their cohort or the program is suspended (public pages answer 404 for them)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return _active().filter(_covering(user=user.pk)).exists()


def suspension_blocking_job(job) -> Suspension | None:
    """The suspension that forbids running this job: of its token, owner, cohort or program."""
    scopes = _covering(user=job.owner_id, cohort=job.cohort_id, token=job.token_id)
    return _active().filter(scopes).distinct().order_by("created_at").first()


def _jobs_in_scope(suspension: Suspension) -> Q:
    """The jobs this suspension stops, as a Q over a job's `owner`, `cohort` and `token`."""
    return suspension_reach(
        user="owner", cohort="cohort", token="token", suspensions=Suspension.objects.filter(pk=suspension.pk)
    )


def jobs_stop(*, actor: Actor, reach: Q, reason: str) -> StoppedJobs:
    """Ask the generation layer, through its hook, to stop every job in `reach`."""
    results = run_hooks(JOBS_STOP, actor=actor, reach=reach, reason=reason)
    return StoppedJobs(cancelled=sum(r.cancelled for r in results), stopping=sum(r.stopping for r in results))


def suspension_resolve_target(*, scope: str, target: str | None, typed: bool = False) -> Any:
    """The token (id), tester (e-mail or id), cohort (name or id) or program (name, id or empty) meant.

    `typed` is the portal's stricter reading: every scope names its target, and the whole program only by
    its exact name, typed out, so that no empty field or slip of a menu suspends every tester."""
    if scope not in SuspensionScope.values:
        raise DomainError(
            gettext("Unknown scope “%(scope)s”; choose one of %(choices)s.")
            % {"scope": scope, "choices": ", ".join(SuspensionScope.values)},
            field="scope",
        )
    value = (target or "").strip()
    if scope == SuspensionScope.PROGRAM and typed:
        program = Program.current()
        if value != program.name:
            raise DomainError(
                gettext("To suspend every tester, type the program's name, “%(name)s”, exactly as the target.")
                % {"name": program.name},
                field="target",
            )
        return program
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


@dataclass(frozen=True)
class SuspensionReach:
    """What a suspension would stop, counted now."""

    testers: int  # testers locked out of the portal and the API
    tokens: int  # live access tokens that stop working
    queued: int  # queued jobs, cancelled at once
    running: int  # running jobs, stopped at their next step


def suspension_reach_count(*, actor: Actor, scope: str, target: Any) -> SuspensionReach:
    """Count what suspending `target` would stop, before anyone confirms it; Conflict if it is suspended already.

    The count applies the one rule (`suspension_reach`) to a trial suspension that is rolled back at once,
    so what the confirmation says is what `suspension_create` then does."""
    _check_admin(actor, gettext("Only program admins can suspend access."))
    if scope not in SuspensionScope.values:
        raise DomainError(gettext("Unknown scope “%(scope)s”.") % {"scope": scope}, field="scope")
    _check_target(actor, scope, target)
    with transaction.atomic():
        trial = Suspension(scope=scope, reason="trial", **{SCOPE_FIELDS[SuspensionScope(scope)]: target})
        _save_new(trial)
        only = Suspension.objects.filter(pk=trial.pk)
        testers = User.objects.filter(suspension_reach(user="pk", suspensions=only)).count()
        tokens = (
            AccessToken.objects.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())
            .filter(suspension_reach(user="owner", token="pk", suspensions=only))
            .count()
        )
        jobs = run_hooks(JOBS_COUNT, reach=_jobs_in_scope(trial))
        transaction.set_rollback(True)
    return SuspensionReach(
        testers=testers,
        tokens=tokens,
        queued=sum(j.cancelled for j in jobs),
        running=sum(j.stopping for j in jobs),
    )


def _save_new(suspension: Suspension) -> None:
    """Insert a suspension; Conflict when its target already has an active one."""
    try:
        with transaction.atomic():
            suspension.save()
    except IntegrityError:
        raise Conflict(
            gettext("%(target_label)s is already suspended.") % {"target_label": suspension.target_label},
            code="already_suspended",
        ) from None


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
    _save_new(suspension)
    stopped = jobs_stop(
        actor=actor,
        reach=_jobs_in_scope(suspension),
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


def _people_affected(suspension: Suspension) -> QuerySet[User]:
    """The testers a suspension stops: a token's owner, the tester, or every active member of the cohort/program."""
    if suspension.scope == SuspensionScope.TOKEN:
        return User.objects.filter(pk=suspension.token.owner_id)
    if suspension.scope == SuspensionScope.TESTER:
        return User.objects.filter(pk=suspension.user_id)
    members = Membership.objects.filter(status=Membership.Status.ACTIVE)
    if suspension.scope == SuspensionScope.COHORT:
        members = members.filter(cohort_id=suspension.cohort_id)
    else:
        members = members.filter(cohort__program_id=suspension.program_id)
    return User.objects.filter(pk__in=members.values("user_id"))


def _notify_created(suspension: Suspension, *, stopped_jobs: int) -> None:
    """The people affected learn their token or access was suspended, and why; admins learn of automatic ones."""
    context = {"suspension": suspension, "stopped_jobs": stopped_jobs}
    notify_each(
        users=_people_affected(suspension),
        kind=NotificationKind.SUSPENSION,
        title=gettext_noop("Suspended: %(target)s"),
        body=gettext_noop("Why: %(reason)s"),
        params={"target": suspension.target_label, "reason": suspension.reason},
        link=reverse("accessprogram:access_suspended") if suspension.scope != SuspensionScope.TOKEN else "",
        email_template="accessprogram/email/suspended.txt",
        email_context=context,
    )
    if suspension.automatic:
        send_notice(
            subject=lazy_message(gettext_noop("Suspended: %(target)s"), target=suspension.target_label),
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
        # Lifting is a judgement that the token's recent use was fine: start its windows afresh.
        transaction.on_commit(lambda: counters().forget(token_windows(suspension.token_id)))
    audit_record(
        actor=actor,
        action="suspension.lifted",
        target=suspension,
        details={"scope": suspension.scope, "target": suspension.target_label, "reason": reason.strip()},
    )
    notify_each(
        users=_people_affected(suspension),
        kind=NotificationKind.SUSPENSION,
        title=gettext_noop("Suspension lifted: %(target)s"),
        body=(
            gettext_noop("The token works again.")
            if suspension.scope == SuspensionScope.TOKEN
            else gettext_noop("Access is restored; you can use the portal again.")
        ),
        params={"target": suspension.target_label},
        link=reverse("accessprogram:dashboard"),
    )
    return suspension


def suspension_active_of(*, scope: str, target: Any) -> Suspension:
    """The active suspension of exactly this target (for `resume`), or DomainError."""
    found = _active().filter(scope=scope, **{SCOPE_FIELDS[SuspensionScope(scope)]: target}).first()
    if found is None:
        raise DomainError(gettext("%(target)s is not suspended.") % {"target": target}, field="target")
    return found
