"""The ledger: priced from the published rate card, once per source, and only ever forward."""

from __future__ import annotations

import pytest
from django.db import IntegrityError

from accessprogram.errors import Conflict, DomainError
from accessprogram.models import AuditEvent
from accessprogram.services.context import Actor
from contributions.models import LedgerEntry, LedgerStatus, RateCard, format_money
from contributions.services.ledger import (
    NoRate,
    ledger_entry_advance,
    ledger_post,
    rate_card_draft_from,
    rate_card_publish,
)
from contributions.services.reports import report_create
from tests.contributions.conftest import publish_rate_card


@pytest.fixture
def bug(artist):
    return report_create(
        actor=Actor(user=artist), reporter=artist, type="bug", severity="high", title="Seek bar", text="It jumps."
    )


def test_it_prices_an_entry_from_the_current_rate_card_line(rate_card, admin_user, artist, bug):
    entry = ledger_post(tester=artist, kind="bug", source=bug, actor=Actor(user=admin_user), severity="high")
    assert (entry.amount_minor, entry.currency, entry.status) == (5_000, "EUR", LedgerStatus.PENDING)
    assert entry.rate_card_line.rate_card == rate_card and entry.rate_card_line.severity == "high"
    assert entry.source == bug
    assert AuditEvent.objects.filter(action="ledger.posted", target_id=str(entry.pk)).exists()


def test_posting_twice_for_one_source_returns_the_first_entry(rate_card, admin_user, artist, bug):
    first = ledger_post(tester=artist, kind="bug", source=bug, actor=Actor(user=admin_user), severity="high")
    second = ledger_post(tester=artist, kind="bug", source=bug, actor=Actor(user=admin_user), severity="high")
    assert first.pk == second.pk and LedgerEntry.objects.count() == 1


def test_the_database_refuses_a_second_entry_for_one_source(rate_card, admin_user, artist, bug):
    entry = ledger_post(tester=artist, kind="bug", source=bug, actor=Actor(user=admin_user), severity="high")
    with pytest.raises(IntegrityError):
        LedgerEntry.objects.create(
            tester=artist,
            kind="bug",
            amount_minor=1,
            currency="EUR",
            source_type=entry.source_type,
            source_id=entry.source_id,
        )


def test_quantity_multiplies_and_an_explicit_amount_wins(rate_card, admin_user, artist, bug):
    hours = ledger_post(tester=artist, kind="session_hour", source=bug, actor=Actor(user=admin_user), quantity=3)
    assert hours.amount_minor == 18_000 and hours.severity == ""
    fee = ledger_post(
        tester=artist, kind="licence", source=bug, actor=Actor(user=admin_user), amount_minor=123_45, currency="USD"
    )
    assert (fee.amount_minor, fee.currency) == (12_345, "USD")
    assert fee.rate_card_line is not None and fee.rate_card_line.kind == "licence"


def test_a_new_published_version_prices_new_entries_only(rate_card, admin_user, artist, bug):
    old = ledger_post(tester=artist, kind="bug", source=bug, actor=Actor(user=admin_user), severity="high")
    draft = rate_card_draft_from(actor=Actor(user=admin_user), card=rate_card)
    draft.lines.filter(kind="bug", severity="high").update(amount_minor=7_000)
    rate_card_publish(actor=Actor(user=admin_user), card=draft)
    assert RateCard.current() == draft
    new = ledger_post(tester=artist, kind="finding", source=bug, actor=Actor(user=admin_user), severity="high")
    assert new.rate_card_line.rate_card == draft
    old.refresh_from_db()
    assert old.amount_minor == 5_000 and old.rate_card_line.rate_card == rate_card


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"kind": "gift"}, "kind"),
        ({"kind": "bug", "severity": "apocalyptic"}, "severity"),
        ({"kind": "survey", "quantity": 0}, "quantity"),
        ({"kind": "licence", "amount_minor": -5, "currency": "EUR"}, "amount_minor"),
        ({"kind": "licence", "amount_minor": 5, "currency": "euro"}, "currency"),
        ({"kind": "survey", "currency": "USD"}, "currency"),
    ],
)
def test_it_refuses_bad_input(rate_card, admin_user, artist, bug, kwargs, field):
    with pytest.raises(DomainError) as caught:
        ledger_post(tester=artist, source=bug, actor=Actor(user=admin_user), **kwargs)
    assert caught.value.field == field
    assert not LedgerEntry.objects.exists()


def test_without_a_rate_line_nothing_is_posted(admin_user, artist, bug):
    with pytest.raises(NoRate):
        ledger_post(tester=artist, kind="bug", source=bug, actor=Actor(user=admin_user), severity="high")
    publish_rate_card(admin_user, rates=[("survey", "", 100)])
    with pytest.raises(NoRate):
        ledger_post(tester=artist, kind="bug", source=bug, actor=Actor(user=admin_user), severity="high")
    assert not LedgerEntry.objects.exists()


def test_entries_move_forward_one_step_at_a_time_and_never_back(rate_card, admin_user, artist, bug):
    actor = Actor(user=admin_user)
    entry = ledger_post(tester=artist, kind="bug", source=bug, actor=actor, severity="low")
    with pytest.raises(Conflict):
        ledger_entry_advance(actor=actor, entry=entry, to_status="paid")
    entry = ledger_entry_advance(actor=actor, entry=entry, to_status="approved")
    assert entry.approved_at is not None
    with pytest.raises(Conflict) as caught:
        ledger_entry_advance(actor=actor, entry=entry, to_status="pending")
    assert caught.value.code == "ledger_backward"
    entry = ledger_entry_advance(actor=actor, entry=entry, to_status="paid")
    for status in ("pending", "approved", "paid"):
        with pytest.raises(Conflict):
            ledger_entry_advance(actor=actor, entry=entry, to_status=status)
    with pytest.raises(DomainError):
        ledger_entry_advance(actor=actor, entry=entry, to_status="refunded")
    entry.refresh_from_db()
    assert entry.status == "paid" and entry.paid_at is not None


def test_a_published_card_cannot_be_published_again_and_an_empty_draft_not_at_all(rate_card, admin_user):
    with pytest.raises(Conflict):
        rate_card_publish(actor=Actor(user=admin_user), card=rate_card)
    empty = rate_card_draft_from(actor=Actor(user=admin_user), card=None)
    with pytest.raises(DomainError):
        rate_card_publish(actor=Actor(user=admin_user), card=empty)


@pytest.mark.parametrize(
    ("amount", "currency", "shown"),
    [(12345, "EUR", "EUR 123.45"), (5, "USD", "USD 0.05"), (1234567, "JPY", "JPY 1,234,567"), (0, "GBP", "GBP 0.00")],
)
def test_money_is_shown_in_major_units(amount, currency, shown):
    assert format_money(amount, currency) == shown
