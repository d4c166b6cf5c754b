"""The prompt policy: match a prompt against the admins' terms and patterns before a job is queued.

Rules are compiled once per policy version (one small aggregate query tells whether they changed), so the
check costs a query and a few regex searches per submission.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Sum
from django.utils.translation import gettext

from accessprogram.errors import InvalidFields
from accessprogram.models import Role, User
from accessprogram.services.audit import audit_record, audited_save
from accessprogram.services.context import Actor
from contributions.models import Finding, FindingStatus, PolicyRule, PromptBlock, RuleKind, SafetyCategory, Severity
from contributions.models.policy import MATCH_MAX


@dataclass(frozen=True)
class CompiledRule:
    rule_id: int
    category: str
    regex: re.Pattern


class PromptBlocked(InvalidFields):
    """A prompt the policy refuses: a 400 with the message on the `prompt` field."""

    code = "prompt_blocked"

    def __init__(self, message: str, *, category: str, block: PromptBlock) -> None:
        super().__init__({"prompt": [message]})
        self.message = message
        self.category = category
        self.block = block


@dataclass(frozen=True)
class CompiledPolicy:
    """Every active term in one alternation (one pass over the prompt; the named group names the rule), and
    each pattern on its own (an admin's pattern may use numbered groups and backreferences)."""

    terms: re.Pattern | None
    term_rules: dict[str, tuple[int, str]]
    patterns: list[CompiledRule]


_lock = threading.Lock()
_compiled: tuple[tuple, CompiledPolicy] = ((), CompiledPolicy(None, {}, []))


def _policy_version() -> tuple:
    """Changes whenever a rule is added, edited, switched on or off, or deleted."""
    state = PolicyRule.objects.aggregate(n=Count("pk"), latest=Max("updated_at"), ids=Sum("pk"))
    return (state["n"], state["latest"], state["ids"])


def _term_source(pattern: str) -> str:
    # A term matches whole words in any case, with any run of spaces between its words.
    return r"\s+".join(re.escape(word) for word in pattern.split())


def compile_rule(kind: str, pattern: str) -> re.Pattern:
    if kind == RuleKind.TERM:
        return re.compile(r"(?<!\w)" + _term_source(pattern) + r"(?!\w)", re.IGNORECASE)
    return re.compile(pattern, re.IGNORECASE)


def _compile_active() -> CompiledPolicy:
    rows = list(PolicyRule.objects.filter(is_active=True).values_list("pk", "kind", "pattern", "category"))
    terms = [(pk, pattern, category) for pk, kind, pattern, category in rows if kind == RuleKind.TERM]
    combined = None
    if terms:
        alternation = "|".join(f"(?P<r{pk}>{_term_source(pattern)})" for pk, pattern, _ in terms)
        combined = re.compile(r"(?<!\w)(?:" + alternation + r")(?!\w)", re.IGNORECASE)
    patterns = []
    for pk, kind, pattern, category in rows:
        if kind == RuleKind.TERM:
            continue
        try:
            patterns.append(CompiledRule(pk, category, compile_rule(kind, pattern)))
        except re.error:
            # The admin form refuses a bad pattern; a row written some other way is skipped, not fatal.
            continue
    return CompiledPolicy(combined, {f"r{pk}": (pk, category) for pk, _, category in terms}, patterns)


def active_policy() -> CompiledPolicy:
    global _compiled
    version = _policy_version()
    with _lock:
        if _compiled[0] != version:
            _compiled = (version, _compile_active())
        return _compiled[1]


def prompt_policy_match(prompt: str) -> CompiledRule | None:
    """The first active rule the prompt breaks (terms before patterns), or None."""
    if not prompt:
        return None
    prompt = prompt[:MATCH_MAX]  # longer prompts are refused anyway; this bounds the time a pattern can take
    policy = active_policy()
    if policy.terms is not None:
        match = policy.terms.search(prompt)
        if match is not None:
            rule_id, category = policy.term_rules[match.lastgroup]
            return CompiledRule(rule_id, category, policy.terms)
    for rule in policy.patterns:
        if rule.regex.search(prompt):
            return rule
    return None


def _files_findings(user: User) -> bool:
    """Red-team cohorts are marked by their members' kind: a red-teamer's blocks become draft findings."""
    membership = user.tester_membership
    return membership is not None and membership.kind == Role.RED_TEAMER


def prompt_policy_enforce(*, actor: Actor, user: User, prompt: str) -> None:
    """Raise PromptBlocked (after recording the block) when the prompt breaks the policy."""
    if user.tester_membership is None:
        return  # Not a tester: the submission is refused before anything is queued.
    rule = prompt_policy_match((prompt or "").strip())
    if rule is None:
        return
    category = SafetyCategory(rule.category)
    with transaction.atomic():
        finding = None
        if _files_findings(user):
            finding = Finding.objects.create(
                reporter=user,
                category=category,
                severity=Severity.MEDIUM,
                title=f"Blocked prompt ({category.label})",
                description="Filed automatically when the prompt policy blocked this prompt.",
                prompt=prompt.strip(),
                status=FindingStatus.DRAFT,
            )
        block = PromptBlock.objects.create(
            tester=user,
            prompt=prompt.strip(),
            rule_id=rule.rule_id,
            category=category,
            is_strike=finding is None,
            finding=finding,
        )
        audit_record(
            actor=actor,
            action="policy.prompt_blocked",
            target=block,
            details={"rule": rule.rule_id, "category": category.value, "finding": finding.pk if finding else None},
        )
    if finding is not None:
        message = gettext(
            "This prompt is blocked by the program's policy (%(category)s). It was not queued; "
            "a draft finding (#%(number)s) was filed for you to complete and submit."
        ) % {"category": category.label, "number": finding.pk}
    else:
        message = gettext("This prompt is blocked by the program's policy (%(category)s). It was not queued.") % {
            "category": category.label
        }
    raise PromptBlocked(message, category=category.value, block=block)


@dataclass(frozen=True)
class RuleMatch:
    rule: PolicyRule
    blocks: bool  # the rule the policy would name when refusing the prompt


def policy_rules_matching(prompt: str) -> list[RuleMatch]:
    """Every rule, active or not, that the prompt matches, marking the one that would block it (the staff test box)."""
    prompt = (prompt or "").strip()[:MATCH_MAX]
    if not prompt:
        return []
    blocking = prompt_policy_match(prompt)
    matches = []
    for rule in PolicyRule.objects.all():
        try:
            matched = compile_rule(rule.kind, rule.pattern).search(prompt) is not None
        except re.error:
            continue
        if matched:
            matches.append(RuleMatch(rule, blocking is not None and blocking.rule_id == rule.pk))
    return matches


@transaction.atomic
def policy_rule_save(*, actor: Actor, rule: PolicyRule, changed: list[str]) -> PolicyRule:
    """Create or change a rule; a pattern that does not compile or could make the check slow is refused."""
    try:
        rule.full_clean()
    except ValidationError as exc:
        raise InvalidFields(exc.message_dict) from exc
    return audited_save(
        actor=actor,
        obj=rule,
        actions=("policy.rule_created", "policy.rule_changed"),
        details=lambda created: {
            "changed": changed,
            "kind": rule.kind,
            "category": rule.category,
            "active": rule.is_active,
        },
    )


@transaction.atomic
def policy_rule_set_active(*, actor: Actor, rule: PolicyRule, active: bool) -> PolicyRule:
    """Switch a rule on or off; a disabled rule blocks nothing but stays on the blocks it made."""
    rule = PolicyRule.objects.select_for_update().get(pk=rule.pk)
    if rule.is_active == active:
        return rule
    rule.is_active = active
    return policy_rule_save(actor=actor, rule=rule, changed=["is_active"])


@transaction.atomic
def policy_rule_delete(*, actor: Actor, rule: PolicyRule) -> None:
    audit_record(
        actor=actor, action="policy.rule_deleted", target=rule, details={"pattern": rule.pattern, "kind": rule.kind}
    )
    rule.delete()
