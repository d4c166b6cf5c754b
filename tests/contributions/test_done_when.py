"""The issue's stories end to end, through the portal: a bug filed, accepted and shown pending on the ledger
with its rate-card line; a red-teamer's blocked prompt filed as a finding."""

from __future__ import annotations

from django.urls import reverse

from contributions.models import Finding, PolicyRule, Report
from generation.models import GenerationJob
from tests.conftest import client_for
from tests.contributions.conftest import PNG, upload


def test_a_filed_bug_accepted_by_staff_shows_pending_on_the_ledger_with_its_line(as_artist, as_reviewer, rate_card):
    # Given a tester who files a bug with a screenshot from the library page
    as_artist.post(
        reverse("contributions:report_new"),
        {
            "type": "bug",
            "severity": "critical",
            "title": "Library loses my place",
            "text": "Scrolling back jumps to the top.",
            "page_url": "/library/",
            "screenshots": [upload("s.png", PNG)],
        },
    )
    report = Report.objects.get()
    # When staff accept it
    response = as_reviewer.post(
        reverse("contributions:staff_report_detail", args=[report.pk]),
        {"action": "triage", "status": "triaged", "reply": "Yes!"},
    )
    assert response.status_code == 302
    # Then the tester's ledger shows the amount, pending, with the rate-card line it came from
    page = as_artist.get(reverse("contributions:my_ledger")).content.decode()
    assert "€100.00" in page and "Pending" in page
    assert "v1: Accepted bug report (critical): €100.00" in page
    assert f"Bug #{report.pk}: Library loses my place" in page


def test_a_red_teamers_blocked_prompt_becomes_a_finding(red_teamer, demo_generation_model, as_reviewer, rate_card):
    PolicyRule.objects.create(kind="pattern", pattern=r"\bbeheading\b", category="violence")
    demo_generation_model.allowed_cohorts.add(red_teamer.tester_membership.cohort)
    client = client_for(red_teamer)
    response = client.post(
        reverse("generation:generate"),
        {
            "prompt": "a beheading in a medieval painting",
            "model": demo_generation_model.pk,
            "resolution": "256p",
            "aspect_ratio": "1:1",
            "duration_seconds": 1,
        },
    )
    assert response.status_code == 400
    assert "draft finding" in response.context["form"].errors["prompt"][0]
    assert not GenerationJob.objects.exists()
    finding = Finding.objects.get(reporter=red_teamer)
    client.post(
        reverse("contributions:finding_detail", args=[finding.pk]),
        {"category": "violence", "severity": "low", "title": "Art-history framing", "prompt": finding.prompt},
    )
    as_reviewer.post(reverse("contributions:staff_finding_detail", args=[finding.pk]), {"decision": "validate"})
    assert "€20.00" in client.get(reverse("contributions:my_ledger")).content.decode()
