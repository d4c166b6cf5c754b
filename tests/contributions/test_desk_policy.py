"""The prompt policy on the admin's desk: rules are created, edited and switched off through an audited
service; a pattern that does not compile or could stall the check is refused; the test box names the rule."""

from __future__ import annotations

import re
import time
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from accessprogram.models import AuditEvent
from accessprogram.services.context import Actor
from contributions.models import Finding, PolicyRule, PromptBlock
from contributions.models.policy import MATCH_BUDGET_SECONDS, pattern_cost_problem
from contributions.services.policy import (
    PromptBlocked,
    policy_rule_set_active,
    policy_rules_matching,
    prompt_policy_enforce,
    prompt_policy_match,
)

LIST = reverse("contributions:staff_policy_list")


def new_rule(client, **fields):
    return client.post(LIST, {"kind": "pattern", "category": "violence", "note": "", **fields})


def test_an_admin_creates_a_rule_and_it_is_audited(as_admin):
    response = new_rule(as_admin, pattern=r"\bbeheading\b")

    assert response.status_code == 302
    rule = PolicyRule.objects.get()
    assert (rule.kind, rule.pattern, rule.is_active) == ("pattern", r"\bbeheading\b", True)
    assert AuditEvent.objects.filter(action="policy.rule_created", target_id=str(rule.pk)).exists()
    assert prompt_policy_match("a beheading at dawn").rule_id == rule.pk


@pytest.mark.parametrize(
    ("pattern", "words"),
    [
        ("(unclosed", "Not a valid regular expression"),
        ("a|", "matches every prompt"),
        ("(a+)+$", "repeat inside a repeat"),
        ("(a|ab)*c", "Alternatives inside a repeat"),
        (r"(x)\1+", "back-reference"),
        (r"\w+\s+\w+\s+\w+\s+x", "open-ended repeats"),
        (".*.*x", "could take about"),
        ("x" * 301, "at most 300"),
        ("", "required"),
    ],
)
def test_a_bad_or_slow_pattern_is_a_form_error(as_admin, pattern, words):
    response = new_rule(as_admin, pattern=pattern)

    assert response.status_code == 400
    assert words in " ".join(response.context["form"].errors["pattern"])
    assert not PolicyRule.objects.exists()
    assert not AuditEvent.objects.filter(action="policy.rule_created").exists()


def test_every_pattern_the_guard_lets_through_searches_the_longest_prompt_within_budget(db):
    for pattern in [r".*x", r"\bnaked\s+\w+", r"a.*b.*c", r"\bkill\s+the\s+\w+", r"\w+x", r"\s*\w*z"]:
        compiled = re.compile(pattern, re.IGNORECASE)
        assert pattern_cost_problem(pattern, compiled) is None, pattern
        for char in "a ._0é":
            started = time.perf_counter()
            compiled.search(char * 2000 + "!")
            assert time.perf_counter() - started < 4 * MATCH_BUDGET_SECONDS, (pattern, char)


def test_editing_a_rule_is_audited_with_what_changed(as_admin, system):
    rule = PolicyRule.objects.create(kind="term", pattern="gore fest", category="violence")

    response = as_admin.post(
        reverse("contributions:staff_policy_edit", kwargs={"pk": rule.pk}),
        {"kind": "term", "pattern": "gore fest", "category": "hate", "note": "Moved"},
    )

    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.category == "hate"
    event = AuditEvent.objects.get(action="policy.rule_changed")
    assert set(event.details["changed"]) == {"category", "note"}


def test_switching_a_rule_off_stops_it_blocking_and_is_audited(as_admin):
    rule = PolicyRule.objects.create(kind="term", pattern="gore fest", category="violence")

    response = as_admin.post(reverse("contributions:staff_policy_active", kwargs={"pk": rule.pk}), {"active": "0"})

    assert response.status_code == 302
    assert prompt_policy_match("a gore fest") is None
    assert AuditEvent.objects.get(action="policy.rule_changed").details["active"] is False


def test_switching_to_the_state_it_has_writes_nothing(admin_user):
    rule = PolicyRule.objects.create(kind="term", pattern="gore fest", category="violence")

    policy_rule_set_active(actor=Actor(user=admin_user), rule=rule, active=True)

    assert not AuditEvent.objects.filter(action="policy.rule_changed").exists()


def test_the_test_box_names_the_blocking_rule_and_the_other_matches(as_admin):
    term = PolicyRule.objects.create(kind="term", pattern="gore fest", category="violence")
    pattern = PolicyRule.objects.create(kind="pattern", pattern=r"\bgore\b", category="other")
    off = PolicyRule.objects.create(kind="term", pattern="fest", category="hate", is_active=False)

    response = as_admin.get(LIST, {"prompt": "A GORE   fest at the opera"})

    assert response.status_code == 200
    assert response.context["blocking"] == term
    matches = {match.rule: match.blocks for match in response.context["matches"]}
    assert matches == {term: True, pattern: False, off: False}
    assert "Blocked by" in response.content.decode()
    assert not PromptBlock.objects.exists()  # testing records nothing


def test_the_test_box_says_when_nothing_blocks(as_admin):
    PolicyRule.objects.create(kind="term", pattern="gore fest", category="violence")

    response = as_admin.get(LIST, {"prompt": "a paper boat"})

    assert response.context["blocking"] is None and response.context["matches"] == []
    assert "Not blocked" in response.content.decode()


@pytest.mark.parametrize("prompt", ["", "x" * 2001])
def test_the_test_box_refuses_an_empty_or_overlong_prompt(as_admin, prompt):
    response = as_admin.get(LIST, {"prompt": prompt})

    assert response.status_code == 400 and response.context["test_form"].errors["prompt"]
    assert response.context["matches"] is None


def test_policy_rules_matching_ignores_blank_prompts(db):
    PolicyRule.objects.create(kind="term", pattern="gore fest", category="violence")
    assert policy_rules_matching("   ") == []


def test_the_demo_rule_turns_the_red_teamers_blocked_prompt_into_a_draft_finding(db):
    from accessprogram.models import User

    call_command("seed_demo", stdout=StringIO())
    red_teamer = User.objects.get(email="redteam@vernissage.test")

    with pytest.raises(PromptBlocked) as blocked:
        prompt_policy_enforce(actor=Actor(user=red_teamer), user=red_teamer, prompt="A deepfake of a news anchor")

    finding = Finding.objects.get(reporter=red_teamer)
    assert finding.status == "draft" and finding.prompt == "A deepfake of a news anchor"
    assert blocked.value.block.finding == finding and not blocked.value.block.is_strike
