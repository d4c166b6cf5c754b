"""Rate cards on the admin's desk: draft a version, edit its lines, publish it after a confirmation that says
which version it replaces; published cards never change."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accessprogram.errors import Conflict
from accessprogram.models import AuditEvent
from accessprogram.services.context import Actor
from contributions.models import RateCard, RateCardLine
from contributions.services.ledger import rate_card_line_delete, rate_card_line_save


def card_url(name, card):
    return reverse(f"contributions:{name}", kwargs={"pk": card.pk})


@pytest.fixture
def draft(as_admin, rate_card):
    response = as_admin.post(reverse("contributions:staff_rate_cards"))
    card = RateCard.objects.get(published_at__isnull=True)
    assert response.status_code == 302 and response["Location"] == card_url("staff_rate_card", card)
    return card


def test_a_new_draft_copies_the_card_in_force_and_is_audited(draft, rate_card):
    assert draft.version == rate_card.version + 1
    assert draft.lines.count() == rate_card.lines.count()
    assert AuditEvent.objects.filter(action="rate_card.drafted", target_id=str(draft.pk)).exists()


def test_lines_are_added_changed_and_removed_with_an_audit_row_each(as_admin, draft):
    url = card_url("staff_rate_card", draft)
    bug_high = draft.lines.get(kind="bug", severity="high")

    changed = as_admin.post(
        url, {"line": bug_high.pk, "kind": "bug", "severity": "high", "amount_minor": 9000, "currency": "EUR"}
    )
    removed = as_admin.post(url, {"line": draft.lines.get(kind="survey").pk, "remove": "1"})

    assert changed.status_code == removed.status_code == 302
    bug_high.refresh_from_db()
    assert bug_high.amount_minor == 9000
    assert not draft.lines.filter(kind="survey").exists()
    events = AuditEvent.objects.filter(target_type="contributions.ratecard", target_id=str(draft.pk)).order_by("id")
    actions = list(events.values_list("action", flat=True))
    assert actions == ["rate_card.drafted", "rate_card.line_changed", "rate_card.line_removed"]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"kind": "bug", "severity": "", "amount_minor": 100, "currency": "EUR"}, "severity"),
        ({"kind": "survey", "severity": "", "amount_minor": -1, "currency": "EUR"}, "amount_minor"),
        ({"kind": "survey", "severity": "", "amount_minor": 100, "currency": "euro"}, "currency"),
        ({"kind": "survey", "severity": "", "amount_minor": 100, "currency": "EUR"}, None),  # already has one
    ],
)
def test_a_bad_line_is_a_form_error(as_admin, draft, fields, field):
    before = list(draft.lines.values_list("kind", "severity", "amount_minor", "currency"))

    response = as_admin.post(card_url("staff_rate_card", draft), fields)

    assert response.status_code in (400, 409)
    errors = response.context["form"].errors
    assert errors[field] if field else errors["__all__"]
    assert list(draft.lines.values_list("kind", "severity", "amount_minor", "currency")) == before


def test_a_published_cards_lines_cannot_change(admin_user, rate_card):
    line = rate_card.lines.first()
    line.amount_minor = 1
    with pytest.raises(Conflict):
        rate_card_line_save(actor=Actor(user=admin_user), line=line)
    with pytest.raises(Conflict):
        rate_card_line_delete(actor=Actor(user=admin_user), line=line)
    with pytest.raises(Conflict):
        rate_card_line_save(
            actor=Actor(user=admin_user),
            line=RateCardLine(rate_card=rate_card, kind="licence", amount_minor=5, currency="EUR"),
        )


def test_publishing_says_what_it_replaces_then_publishes_on_confirmation(as_admin, draft, rate_card):
    line = draft.lines.get(kind="bug", severity="low")
    line.amount_minor = 1234
    line.save()
    url = card_url("staff_rate_card_publish", draft)

    confirm = as_admin.get(url)

    assert confirm.status_code == 200 and RateCard.current() == rate_card
    page = confirm.content.decode()
    assert f"will replace version {rate_card.version}" in page
    changed = [row for row in confirm.context["rows"] if row["before"] != row["after"]]
    assert [(row["kind"], row["after"]) for row in changed] == [("Accepted bug report", line.amount_display)]

    response = as_admin.post(url)

    assert response.status_code == 302
    assert RateCard.current() == draft
    assert AuditEvent.objects.filter(action="rate_card.published", target_id=str(draft.pk)).exists()
    assert as_admin.post(url).status_code == 409  # a second publish is refused, nothing changes
