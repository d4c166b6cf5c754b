"""Triage replies, finding decisions and ledger status changes land in the tester's notification centre."""

from __future__ import annotations

from django.urls import reverse

from accessprogram.models import Notification, NotificationKind
from accessprogram.services.context import Actor
from contributions.services.findings import FindingInput, finding_create, finding_decide
from contributions.services.ledger import ledger_entry_advance, ledger_post
from contributions.services.reports import report_create, report_reply, report_triage


def test_triage_and_replies_notify_the_reporter(artist, reviewer, rate_card):
    bug = report_create(
        actor=Actor(user=artist), reporter=artist, type="bug", severity="high", title="Stall", text="At 0:02."
    )
    report_triage(actor=Actor(user=reviewer), report=bug, status="triaged", reply="Reproduced.")
    report_reply(actor=Actor(user=reviewer), report=bug, text="Fixed.")
    report_reply(actor=Actor(user=artist), report=bug, text="Thanks!")  # their own: nothing

    notices = Notification.objects.filter(recipient=artist, kind=NotificationKind.TRIAGE_REPLY).order_by("pk")
    assert [n.title_text for n in notices] == [f"Report #{bug.pk}: Triaged", f"Reply on report #{bug.pk}"]
    assert {n.link for n in notices} == {reverse("contributions:report_detail", args=[bug.pk])}


def test_a_finding_decision_notifies_the_red_teamer(red_teamer, reviewer):
    data = FindingInput(category="violence", severity="low", title="Bypass", prompt="a medieval scene")
    finding = finding_create(actor=Actor(user=red_teamer), reporter=red_teamer, data=data)
    finding_decide(actor=Actor(user=reviewer), finding=finding, decision="dismiss", reason="Known and tracked.")

    (notice,) = Notification.objects.filter(recipient=red_teamer)
    assert notice.title_text == f"Finding #{finding.pk}: Dismissed" and notice.body_text == "Reason: Known and tracked."


def test_each_ledger_step_notifies_the_tester(rate_card, admin_user, artist):
    bug = report_create(actor=Actor(user=artist), reporter=artist, type="bug", severity="low", title="T", text="x")
    entry = ledger_post(tester=artist, kind="bug", source=bug, actor=Actor(user=admin_user), severity="low", memo="Bug")
    ledger_entry_advance(actor=Actor(user=admin_user), entry=entry, to_status="approved")
    ledger_entry_advance(actor=Actor(user=admin_user), entry=entry, to_status="paid")

    notices = Notification.objects.filter(recipient=artist, kind=NotificationKind.LEDGER_STATUS).order_by("pk")
    assert [n.title_text for n in notices] == [
        f"Ledger entry #{entry.pk} (Bug) is now Approved",
        f"Ledger entry #{entry.pk} (Bug) is now Paid",
    ]
