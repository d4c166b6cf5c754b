"""The prompt policy: terms and patterns admins maintain, and every prompt it blocked."""

from __future__ import annotations

import math
import re
import re._parser as re_parser
import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext, gettext_lazy

from contributions.models.common import SafetyCategory


class RuleKind(models.TextChoices):
    TERM = "term", "Term (whole words, any case)"
    PATTERN = "pattern", "Regular expression (any case)"


class PolicyRule(models.Model):
    kind = models.CharField(max_length=10, choices=RuleKind.choices, default=RuleKind.TERM)
    pattern = models.CharField(max_length=500)
    category = models.CharField(max_length=20, choices=SafetyCategory.choices)
    is_active = models.BooleanField(default=True)
    note = models.CharField(max_length=300, blank=True, help_text=gettext_lazy("Why the rule exists (staff only)."))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["category", "pattern"]
        constraints = [models.UniqueConstraint(fields=["kind", "pattern"], name="one_policy_rule_per_pattern")]

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.pattern}"

    def clean(self) -> None:
        self.pattern = (self.pattern or "").strip()
        if not self.pattern:
            raise ValidationError({"pattern": gettext("Give a term or a pattern.")})
        if self.kind == RuleKind.PATTERN:
            try:
                compiled = re.compile(self.pattern, re.IGNORECASE)
            except re.error as exc:
                raise ValidationError(
                    {"pattern": gettext("Not a valid regular expression: %(exc)s.") % {"exc": exc}}
                ) from exc
            if compiled.search(""):
                raise ValidationError({"pattern": gettext("This pattern matches every prompt, even an empty one.")})
            problem = pattern_cost_problem(self.pattern, compiled)
            if problem:
                raise ValidationError({"pattern": problem})


# What bounds a pattern's matching time. Python's `re` has no timeout, so a pattern is refused when it is saved
# if its shape can backtrack without end, or if it is measurably slow on the longest prompt a tester can send.
PATTERN_MAX = 300
MATCH_MAX = 2000  # generation's PROMPT_MAX: longer prompts are refused before the policy sees them
MATCH_BUDGET_SECONDS = 0.2
_WIDE_REPEAT = 20  # a repeat allowing more than this many is "wide" ({0,20} is narrow, +, * and {3,} are wide)
_MAX_WIDE_REPEATS = 3
_REPEATS = {re_parser.MAX_REPEAT, re_parser.MIN_REPEAT, re_parser.POSSESSIVE_REPEAT}


def _shape_problem(items, inside_repeat: bool) -> tuple[str | None, int]:
    """Refuse the shapes that backtrack exponentially; count the wide repeats (each can multiply the work)."""
    wide = 0
    for op, av in items:
        children: list = []
        if op in _REPEATS:
            low, high, body = av
            if inside_repeat and high > 1:
                return gettext("A repeat inside a repeat, such as (a+)+, can take forever to match."), wide
            if high > _WIDE_REPEAT:
                wide += 1
            problem, inner = _shape_problem(body, inside_repeat or high > 1)
            if problem:
                return problem, wide
            wide += inner
            continue
        if op == re_parser.BRANCH:
            if inside_repeat:
                return gettext("Alternatives inside a repeat, such as (a|ab)*, can take forever to match."), wide
            children = av[1]
        elif op == re_parser.SUBPATTERN:
            children = [av[3]]
        elif op in (re_parser.ASSERT, re_parser.ASSERT_NOT):
            children = [av[1]]
        elif op == re_parser.GROUPREF_EXISTS:
            children = [branch for branch in av[1:] if branch]
        elif op == re_parser.ATOMIC_GROUP:
            children = [av]
        elif op == re_parser.GROUPREF and inside_repeat:
            return gettext("A back-reference inside a repeat can take forever to match."), wide
        for child in children:
            problem, inner = _shape_problem(child, inside_repeat)
            if problem:
                return problem, wide
            wide += inner
    return None, wide


def _probe_seconds(compiled: re.Pattern, length: int) -> float:
    """The slowest search over a prompt of `length` copies of one character (what makes overlapping repeats
    such as .*.* backtrack most), for a few characters a prompt is made of; each timed three times, the best kept."""
    worst = 0.0
    for char in "a ._0é":
        text = char * length + "!"
        best = None
        for _ in range(3):
            started = time.perf_counter()
            compiled.search(text)
            elapsed = time.perf_counter() - started
            best = elapsed if best is None else min(best, elapsed)
        worst = max(worst, best)
    return worst


def _estimated_search_seconds(compiled: re.Pattern, wide: int) -> float:
    """How long a search of the longest prompt could take, from searches of a fortieth and a tenth of it.

    The growth between the two probes gives the degree (at least 1, a search is a loop over the text; at most
    1 + the wide repeats, each of which can nest another). The longer probe runs only when the shorter one says
    that even the steepest growth keeps it under a second.
    """
    short, long = MATCH_MAX // 40, MATCH_MAX // 10
    steepest = 1 + wide
    short_seconds = _probe_seconds(compiled, short)
    if short_seconds * (long / short) ** steepest > 1.0:
        return short_seconds * (MATCH_MAX / short) ** steepest
    long_seconds = _probe_seconds(compiled, long)
    floor = 20e-6  # below this a timing is noise
    growth = math.log(max(long_seconds, floor) / max(short_seconds, floor)) / math.log(long / short)
    degree = min(max(growth, 1.0), steepest)
    return long_seconds * (MATCH_MAX / long) ** degree


def pattern_cost_problem(pattern: str, compiled: re.Pattern) -> str | None:
    """Why a regular expression could make the policy check slow, or None: too long, a shape that backtracks
    without end, more than three wide repeats, or an estimated search slower than the budget on a worst-case prompt."""
    if len(pattern) > PATTERN_MAX:
        return gettext("A pattern has at most %(max)s characters.") % {"max": PATTERN_MAX}
    problem, wide = _shape_problem(re_parser.parse(pattern, re.IGNORECASE), inside_repeat=False)
    if problem:
        return problem
    if wide > _MAX_WIDE_REPEATS:
        return gettext(
            "At most %(max)s open-ended repeats (+, * or {n,}) per pattern; bound the others, such as \\s{1,5}."
        ) % {"max": _MAX_WIDE_REPEATS}
    seconds = _estimated_search_seconds(compiled, wide)
    if seconds > MATCH_BUDGET_SECONDS:
        return gettext(
            "This pattern could take about %(ms)s ms to search a long prompt (the limit is %(limit)s ms); make "
            "its repeats narrower or anchor them to words."
        ) % {"ms": round(seconds * 1000), "limit": round(MATCH_BUDGET_SECONDS * 1000)}
    return None


class PromptBlock(models.Model):
    """A prompt the policy refused. A red-teamer's block files a draft finding instead of counting as a strike."""

    tester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="prompt_blocks")
    prompt = models.TextField()
    rule = models.ForeignKey(PolicyRule, null=True, on_delete=models.SET_NULL, related_name="blocks")
    category = models.CharField(max_length=20, choices=SafetyCategory.choices)
    is_strike = models.BooleanField(default=True)
    finding = models.OneToOneField(
        "contributions.Finding", null=True, blank=True, on_delete=models.SET_NULL, related_name="prompt_block"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["tester", "-created_at"])]

    def __str__(self) -> str:
        return f"Blocked prompt by {self.tester} ({self.get_category_display()})"
