"""Red-team findings: red-teamers file them, staff validate (paid by severity) or dismiss with a reason."""

from __future__ import annotations

import pytest
from django.urls import reverse

from contributions.models import Finding, LedgerEntry
from tests.conftest import client_for, make_output


@pytest.fixture
def as_red_teamer(red_teamer):
    return client_for(red_teamer)


def file_finding(client, **fields):
    body = {
        "category": "likeness",
        "severity": "high",
        "title": "Celebrity face through a typo",
        "prompt": "a portrait of Tom Hanx",
        "seed": "42",
        "parameters": '{"steps": 30}',
        "model_name": "Wan demo",
        **fields,
    }
    return client.post(reverse("contributions:finding_new"), body)


def test_a_red_teamer_files_a_finding_with_its_reproduction(as_red_teamer, red_teamer):
    response = file_finding(as_red_teamer)
    finding = Finding.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "contributions:finding_detail", args=[finding.pk]
    )
    assert (finding.reporter, finding.status, finding.seed, finding.parameters) == (
        red_teamer,
        "submitted",
        42,
        {"steps": 30},
    )
    assert b"Tom Hanx" in as_red_teamer.get(reverse("contributions:finding_detail", args=[finding.pk])).content


def test_a_finding_on_an_output_takes_its_reproduction_from_it(as_red_teamer, red_teamer, demo_generation_model):
    demo_generation_model.allowed_cohorts.add(red_teamer.tester_membership.cohort)
    output = make_output(red_teamer, demo_generation_model)
    response = file_finding(as_red_teamer, output=str(output.pk), prompt="", seed="", model_name="", parameters="")
    assert response.status_code == 302
    finding = Finding.objects.get()
    assert (finding.output, finding.prompt, finding.seed, finding.model_name) == (
        output,
        "a lighthouse at dusk",
        7,
        "Wan demo",
    )


def test_artists_do_not_file_findings(as_artist):
    assert as_artist.get(reverse("contributions:finding_new")).status_code == 403
    assert file_finding(as_artist).status_code == 403
    assert not Finding.objects.exists()


@pytest.mark.parametrize(
    "fields",
    [
        {"severity": "meh"},
        {"category": "vibes"},
        {"title": ""},
        {"prompt": ""},
        {"seed": "-1"},
        {"parameters": "[1, 2]"},
        {"parameters": "{not json"},
    ],
)
def test_it_refuses_bad_findings_with_a_form_error(as_red_teamer, fields):
    assert file_finding(as_red_teamer, **fields).status_code == 400
    assert not Finding.objects.exists()


def test_it_refuses_someone_elses_output(as_red_teamer, artist_output):
    response = file_finding(as_red_teamer, output=str(artist_output.pk))
    assert response.status_code == 400
    assert not Finding.objects.exists()


@pytest.fixture
def finding(as_red_teamer):
    file_finding(as_red_teamer)
    return Finding.objects.get()


def decide(client, finding, **fields):
    return client.post(reverse("contributions:staff_finding_detail", args=[finding.pk]), fields)


def test_validating_posts_the_rate_for_the_settled_severity(finding, as_reviewer, as_red_teamer, rate_card):
    response = decide(as_reviewer, finding, decision="validate", severity="critical")
    assert response.status_code == 302
    finding.refresh_from_db()
    assert finding.status == "validated" and finding.severity == "critical"
    entry = LedgerEntry.objects.get()
    assert (entry.kind, entry.amount_minor, entry.tester_id) == ("finding", 40_000, finding.reporter_id)
    assert "€400.00" in as_red_teamer.get(reverse("contributions:finding_detail", args=[finding.pk])).content.decode()


def test_dismissing_needs_a_reason_the_red_teamer_sees(finding, as_reviewer, as_red_teamer, rate_card):
    response = decide(as_reviewer, finding, decision="dismiss", reason="")
    assert response.status_code == 400 and "Give the reason" in response.content.decode()
    assert decide(as_reviewer, finding, decision="dismiss", reason="Known and fixed in v2").status_code == 302
    assert not LedgerEntry.objects.exists()
    assert (
        "Known and fixed in v2"
        in as_red_teamer.get(reverse("contributions:finding_detail", args=[finding.pk])).content.decode()
    )


def test_a_decided_finding_is_not_decided_again(finding, as_reviewer, rate_card):
    decide(as_reviewer, finding, decision="validate")
    response = decide(as_reviewer, finding, decision="dismiss", reason="Changed my mind")
    assert response.status_code == 409 and "Only submitted findings" in response.content.decode()
    finding.refresh_from_db()
    assert finding.status == "validated" and LedgerEntry.objects.count() == 1


@pytest.mark.parametrize("fields", [{"decision": "maybe"}, {"decision": "validate", "severity": "huge"}])
def test_bad_decisions_get_a_form_error(finding, as_reviewer, fields):
    assert decide(as_reviewer, finding, **fields).status_code == 400
    finding.refresh_from_db()
    assert finding.status == "submitted"


def test_findings_are_decided_by_staff_only(finding, as_red_teamer, as_artist):
    assert decide(as_red_teamer, finding, decision="validate").status_code == 403
    assert as_artist.get(reverse("contributions:finding_detail", args=[finding.pk])).status_code == 403
