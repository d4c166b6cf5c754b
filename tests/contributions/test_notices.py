"""Testers hear by e-mail when staff move or answer their report, decide their finding, or ask to license
their work; nothing is sent for an action that is refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from accessprogram.errors import DomainError
from accessprogram.services.context import Actor
from contributions.services.findings import FindingInput, finding_create, finding_decide
from contributions.services.reports import report_create, report_reply, report_triage
from showcase.services.licences import licence_request_create
from tests.conftest import make_output


@pytest.fixture
def bug(artist):
    return report_create(
        actor=Actor(user=artist), reporter=artist, type="bug", severity="high", title="Player stalls", text="At 0:02."
    )


def test_triage_and_replies_reach_the_reporter(
    bug, artist, reviewer, rate_card, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report_triage(actor=Actor(user=reviewer), report=bug, status="triaged", reply="Reproduced, thank you.")
    with django_capture_on_commit_callbacks(execute=True):
        report_reply(actor=Actor(user=reviewer), report=bug, text="Fixed in the next release.")
    with django_capture_on_commit_callbacks(execute=True):
        report_reply(actor=Actor(user=artist), report=bug, text="Thanks!")  # their own reply: no e-mail to them
    assert [m.to for m in mailoutbox] == [[artist.email], [artist.email]]
    accepted, replied = mailoutbox
    assert "Triaged" in accepted.subject and "Reproduced, thank you." in accepted.body
    assert "in your ledger, pending" in accepted.body and f"/feedback/{bug.pk}/" in accepted.body
    assert "Reply on report" in replied.subject and "Fixed in the next release." in replied.body


def test_a_refused_triage_sends_nothing(bug, reviewer, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(DomainError):
        report_triage(actor=Actor(user=reviewer), report=bug, status="duplicate", duplicate_of=bug)
    assert mailoutbox == []


def test_a_finding_decision_reaches_the_red_teamer(
    red_teamer, reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    data = FindingInput(category="violence", severity="low", title="Framing bypass", prompt="a medieval scene")
    finding = finding_create(actor=Actor(user=red_teamer), reporter=red_teamer, data=data)
    with django_capture_on_commit_callbacks(execute=True):
        finding_decide(actor=Actor(user=reviewer), finding=finding, decision="dismiss", reason="Known and tracked.")
    (notice,) = mailoutbox
    assert notice.to == [red_teamer.email] and "Dismissed" in notice.subject and "Known and tracked." in notice.body


def test_a_licence_request_reaches_the_owner(
    admin_user, artist, reviewer, demo_generation_model, mailoutbox, django_capture_on_commit_callbacks
):
    from review.services.reviews import review_decide

    output = make_output(artist, demo_generation_model)
    review_decide(actor=Actor(user=reviewer), output=output, decision="approve")
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        licence_request_create(
            actor=Actor(user=admin_user), output=output, use="the spring campaign", term_start=today,
            term_end=today + timedelta(days=30), fee_minor=50_000, currency="EUR",
        )  # fmt: skip
    (notice,) = mailoutbox
    assert notice.to == [artist.email] and output.short_id in notice.subject
    assert "the spring campaign" in notice.body and "€500.00" in notice.body and "/licences/" in notice.body


def test_a_notice_is_written_in_the_recipients_locale_with_times_in_their_zone(
    admin_user, artist, reviewer, demo_generation_model, mailoutbox, django_capture_on_commit_callbacks
):
    from review.services.reviews import review_decide

    artist.language, artist.time_zone = "it", "Asia/Tokyo"
    artist.save(update_fields=["language", "time_zone"])
    output = make_output(artist, demo_generation_model)
    review_decide(actor=Actor(user=reviewer), output=output, decision="approve")
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        licence_request_create(
            actor=Actor(user=admin_user), output=output, use="the spring campaign", term_start=today,
            term_end=today + timedelta(days=30), fee_minor=123_456, currency="EUR",
        )  # fmt: skip
    (notice,) = mailoutbox
    assert "1.234,56\xa0€" in notice.body  # the fee, as Italian writes euros
    assert "(Asia/Tokyo)" in notice.body  # the answer-by time, in the recipient's zone


def test_a_subject_is_in_the_recipients_language_whatever_the_senders(
    bug, artist, reviewer, rate_card, mailoutbox, django_capture_on_commit_callbacks
):
    artist.language = "fr"
    artist.save(update_fields=["language"])
    with translation.override("ja"), django_capture_on_commit_callbacks(execute=True):
        report_triage(actor=Actor(user=reviewer), report=bug, status="triaged", reply="Reproduced, thank you.")
    (notice,) = mailoutbox
    assert "Signalement nº" in notice.subject and "報告" not in notice.subject
