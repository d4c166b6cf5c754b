"""The prompt policy: checked before a job is queued (portal and API), recorded, and for red-teamers a draft
finding instead of a strike."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accessprogram.models import AuditEvent
from contributions.models import Finding, PolicyRule, PromptBlock
from contributions.services.policy import prompt_policy_match
from generation.models import GenerationJob
from tests.conftest import client_for

API = "/api/v1/generations/"


def submit(client, prompt):
    body = {"prompt": prompt, "resolution": "256p", "aspect_ratio": "1:1", "num_frames": 17, "steps": 4}
    return client.post(API, body, content_type="application/json")


@pytest.fixture
def rules(db):
    return [
        PolicyRule.objects.create(kind="term", pattern="gore fest", category="violence"),
        PolicyRule.objects.create(kind="pattern", pattern=r"\bnaked\s+\w+", category="sexual"),
        PolicyRule.objects.create(kind="term", pattern="retired", category="other", is_active=False),
    ]


@pytest.mark.parametrize(
    ("prompt", "category"),
    [
        ("a GORE   FEST at the opera", "violence"),
        ("naked mole rats dancing", "sexual"),
        ("a gore festival poster", None),  # whole words only
        ("a retired sailor", None),  # inactive rule
        ("a paper boat", None),
    ],
)
def test_it_matches_terms_as_whole_words_and_patterns_in_any_case(rules, prompt, category):
    rule = prompt_policy_match(prompt)
    assert (rule.category if rule else None) == category


def test_the_api_refuses_a_blocked_prompt_naming_the_category_and_records_it(
    rules, demo_generation_model, artist, as_artist
):
    response = submit(as_artist, "a gore fest in the rain")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "prompt_blocked"
    assert "Violence and gore" in body["errors"]["prompt"][0] and "not queued" in body["errors"]["prompt"][0]
    assert not GenerationJob.objects.exists()
    block = PromptBlock.objects.get()
    assert (block.tester, block.rule, block.category, block.is_strike) == (artist, rules[0], "violence", True)
    assert block.prompt == "a gore fest in the rain" and block.finding is None
    assert AuditEvent.objects.filter(action="policy.prompt_blocked").exists()


def test_the_portal_form_shows_the_block_on_the_prompt_field(rules, demo_generation_model, artist, as_artist):
    body = {
        "prompt": "Naked Ambition, the musical",
        "model": demo_generation_model.pk,
        "resolution": "256p",
        "aspect_ratio": "1:1",
        "duration_seconds": 1,
    }
    response = as_artist.post(reverse("generation:generate"), body)
    assert response.status_code == 400
    assert "Sexual content" in response.context["form"].errors["prompt"][0]
    assert not GenerationJob.objects.exists() and PromptBlock.objects.count() == 1


def test_an_allowed_prompt_is_queued(rules, demo_generation_model, as_artist):
    assert submit(as_artist, "a paper boat").status_code == 201
    assert not PromptBlock.objects.exists()


def test_a_red_teamers_blocked_prompt_becomes_a_draft_finding_not_a_strike(rules, red_teamer):
    client = client_for(red_teamer)
    response = submit(client, "a gore fest, shot on 35mm")
    assert response.status_code == 400
    message = response.json()["errors"]["prompt"][0]
    assert "draft finding" in message
    finding = Finding.objects.get()
    assert (finding.reporter, finding.status, finding.category, finding.prompt) == (
        red_teamer,
        "draft",
        "violence",
        "a gore fest, shot on 35mm",
    )
    block = PromptBlock.objects.get()
    assert block.finding == finding and block.is_strike is False
    assert not GenerationJob.objects.exists()
    # The red-teamer completes the draft and submits it.
    page = client.get(reverse("contributions:finding_detail", args=[finding.pk]))
    assert page.status_code == 200 and b"Complete and submit" in page.content
    response = client.post(
        reverse("contributions:finding_detail", args=[finding.pk]),
        {"category": "violence", "severity": "high", "title": "Gore through film jargon", "prompt": finding.prompt},
    )
    assert response.status_code == 302
    finding.refresh_from_db()
    assert finding.status == "submitted" and finding.severity == "high"
    assert client.post(reverse("contributions:finding_detail", args=[finding.pk]), {}).status_code == 200, (
        "no form once submitted"
    )


def test_an_edited_rule_applies_on_the_next_submission(rules, demo_generation_model, as_artist):
    assert submit(as_artist, "a paper boat").status_code == 201
    PolicyRule.objects.create(kind="term", pattern="paper boat", category="copyright")
    assert submit(as_artist, "a paper boat").status_code == 400
    rule = PolicyRule.objects.get(pattern="paper boat")
    rule.is_active = False
    rule.save()
    assert submit(as_artist, "a paper boat").status_code == 201
    rule.delete()
    assert prompt_policy_match("a paper boat") is None


def admin_add_rule(client, **fields):
    return client.post(
        reverse("admin:contributions_policyrule_add"),
        {"kind": "pattern", "pattern": "x", "category": "other", "is_active": "on", "note": "", **fields},
    )


@pytest.mark.parametrize(
    ("pattern", "message"), [("(unclosed", "Not a valid regular expression"), ("a*", "every prompt")]
)
def test_the_admin_refuses_an_invalid_or_match_all_regex(as_admin, pattern, message):
    response = admin_add_rule(as_admin, pattern=pattern)
    assert response.status_code == 200
    assert message in str(response.context["adminform"].form.errors["pattern"])
    assert not PolicyRule.objects.exists()


def test_the_admin_saves_a_rule_with_an_audit_event(as_admin):
    response = admin_add_rule(as_admin, pattern=r"\bdeepfake\b")
    assert response.status_code == 302
    assert PolicyRule.objects.get().pattern == r"\bdeepfake\b"
    assert AuditEvent.objects.filter(action="policy.rule_created").exists()
