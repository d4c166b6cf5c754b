"""Red-team findings: red-teamers file them (or complete the drafts the prompt policy filed); staff validate or
dismiss them with a reason. Validation posts the ledger entry for the finding's severity."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from accessprogram.errors import Conflict, DomainError, InvalidFields, NotAllowed
from accessprogram.models import NotificationKind, User
from accessprogram.services.audit import audit_record
from accessprogram.services.context import Actor
from accessprogram.services.notifications import notify
from contributions.access import is_red_teamer
from contributions.models import ContributionKind, Finding, FindingStatus, LedgerEntry, SafetyCategory, Severity
from contributions.services.ledger import ledger_post, rate_line_for
from generation.models import Output

PROMPT_MAX = 2000
SEED_MAX = 2**32 - 1


@dataclass(frozen=True)
class FindingInput:
    category: str
    severity: str
    title: str
    description: str = ""
    output: Output | None = None
    prompt: str = ""
    negative_prompt: str = ""
    seed: int | None = None
    parameters: dict | None = None
    model_name: str = ""


def _checked(reporter: User, data: FindingInput) -> dict:
    errors: dict[str, list[str]] = {}
    if data.category not in SafetyCategory.values:
        errors["category"] = [gettext("Choose one of %(choices)s.") % {"choices": ", ".join(SafetyCategory.values)}]
    if data.severity not in Severity.values:
        errors["severity"] = [gettext("Choose one of %(choices)s.") % {"choices": ", ".join(Severity.values)}]
    title = (data.title or "").strip()
    if not title or len(title) > 200:
        errors["title"] = [gettext("A short title, at most 200 characters.")]
    if data.output is not None and data.output.owner_id != reporter.pk:
        errors["output"] = [gettext("You can only link your own outputs.")]
    prompt = (data.prompt or "").strip()
    fields = {
        "category": data.category,
        "severity": data.severity,
        "title": title,
        "description": (data.description or "").strip()[:10_000],
        "output": data.output,
        "prompt": prompt,
        "negative_prompt": (data.negative_prompt or "").strip(),
        "seed": data.seed,
        "parameters": data.parameters or {},
        "model_name": (data.model_name or "").strip()[:80],
    }
    output = data.output if "output" not in errors else None
    if output is not None:
        # Reproduction defaults to what the output was made with.
        job = output.job
        fields["prompt"] = fields["prompt"] or job.prompt
        fields["negative_prompt"] = fields["negative_prompt"] or job.negative_prompt
        fields["seed"] = fields["seed"] if fields["seed"] is not None else output.seed
        fields["parameters"] = fields["parameters"] or output.parameters or {}
        fields["model_name"] = fields["model_name"] or output.model_name
    if output is None and not prompt and "output" not in errors:
        errors["prompt"] = [gettext("Link one of your outputs or give the prompt that shows the problem.")]
    if len(fields["prompt"]) > PROMPT_MAX:
        errors["prompt"] = [gettext("At most %(count)s characters.") % {"count": PROMPT_MAX}]
    if fields["seed"] is not None and not 0 <= fields["seed"] <= SEED_MAX:
        errors["seed"] = [gettext("Between 0 and %(max)s.") % {"max": SEED_MAX}]
    if not isinstance(fields["parameters"], dict):
        errors["parameters"] = [gettext('A JSON object of the parameters, such as {"steps": 30}.')]
    if errors:
        raise InvalidFields(errors)
    return fields


def _require_red_teamer(user: User) -> None:
    if not is_red_teamer(user):
        raise NotAllowed(gettext("Only red-teamers file safety findings."))


@transaction.atomic
def finding_create(*, actor: Actor, reporter: User, data: FindingInput) -> Finding:
    _require_red_teamer(reporter)
    finding = Finding.objects.create(
        reporter=reporter, status=FindingStatus.SUBMITTED, submitted_at=timezone.now(), **_checked(reporter, data)
    )
    audit_record(
        actor=actor,
        action="finding.filed",
        target=finding,
        details={"category": finding.category, "severity": finding.severity},
    )
    return finding


@transaction.atomic
def finding_submit(*, actor: Actor, finding: Finding, data: FindingInput) -> Finding:
    """Complete a draft (one the prompt policy filed) and submit it for validation."""
    finding = Finding.objects.select_for_update().get(pk=finding.pk)
    _require_red_teamer(finding.reporter)
    if finding.status != FindingStatus.DRAFT:
        raise Conflict(gettext("Only a draft can be submitted; this finding already was."), code="not_a_draft")
    for field, value in _checked(finding.reporter, data).items():
        setattr(finding, field, value)
    finding.status = FindingStatus.SUBMITTED
    finding.submitted_at = timezone.now()
    finding.save()
    audit_record(actor=actor, action="finding.submitted", target=finding, details={"severity": finding.severity})
    return finding


class FindingDecision:
    VALIDATE = "validate"
    DISMISS = "dismiss"
    ALL = (VALIDATE, DISMISS)


@dataclass(frozen=True)
class FindingDecisionResult:
    finding: Finding
    ledger_entry: LedgerEntry | None
    unpriced: bool = False


@transaction.atomic
def finding_decide(
    *, actor: Actor, finding: Finding, decision: str, reason: str = "", severity: str | None = None
) -> FindingDecisionResult:
    """Validate (optionally settling the severity) or dismiss with a reason. Only submitted findings."""
    finding = Finding.objects.select_for_update().select_related("reporter").get(pk=finding.pk)
    if decision not in FindingDecision.ALL:
        raise DomainError(gettext("Choose validate or dismiss."), field="decision")
    if finding.status != FindingStatus.SUBMITTED:
        raise Conflict(
            gettext("Only submitted findings are decided; this one is %(status)s.")
            % {"status": finding.get_status_display().lower()},
            code="not_submitted",
        )
    if actor.user is not None and finding.reporter_id == actor.user.pk:
        raise NotAllowed(gettext("Nobody decides their own finding."))
    reason = (reason or "").strip()
    if decision == FindingDecision.DISMISS and not reason:
        raise DomainError(gettext("Give the reason for dismissing it; the red-teamer sees it."), field="reason")
    if severity:
        if severity not in Severity.values:
            raise DomainError(
                gettext("Choose one of %(choices)s.") % {"choices": ", ".join(Severity.values)}, field="severity"
            )
        finding.severity = severity
    finding.status = FindingStatus.VALIDATED if decision == FindingDecision.VALIDATE else FindingStatus.DISMISSED
    finding.decided_at = timezone.now()
    finding.decided_by = actor.user
    finding.decision_reason = reason
    finding.save(update_fields=["status", "severity", "decided_at", "decided_by", "decision_reason"])
    audit_record(
        actor=actor,
        action=f"finding.{finding.status}",
        target=finding,
        details={"severity": finding.severity, "reason": reason},
    )
    entry, unpriced = None, False
    if finding.status == FindingStatus.VALIDATED:
        if rate_line_for(kind=ContributionKind.FINDING, severity=finding.severity) is None:
            unpriced = True
        else:
            entry = ledger_post(
                tester=finding.reporter,
                kind=ContributionKind.FINDING,
                source=finding,
                actor=actor,
                severity=finding.severity,
                memo=f"Finding #{finding.pk}: {finding.title}",
            )
    notify(
        user=finding.reporter,
        kind=NotificationKind.TRIAGE_REPLY,
        title=gettext_noop("Finding #%(number)s: %(status)s"),
        body=gettext_noop("Reason: %(reason)s") if reason else "",
        params={"number": finding.pk, "status": FindingStatus(finding.status).label, "reason": reason},
        link=reverse("contributions:finding_detail", args=[finding.pk]),
        email_template="contributions/email/finding_decided.txt",
        email_context={"finding": finding, "entry": entry},
    )
    return FindingDecisionResult(finding=finding, ledger_entry=entry, unpriced=unpriced)
