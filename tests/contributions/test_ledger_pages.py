"""The ledger pages: a tester's ledger and the rate card; the admins' moves, statements and session hours."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from accessprogram.services.context import Actor
from contributions.models import LedgerEntry, SessionRecord
from contributions.services.ledger import ledger_post
from contributions.services.reports import report_create


@pytest.fixture
def entry(rate_card, artist, admin_user):
    report = report_create(
        actor=Actor(user=artist), reporter=artist, type="bug", severity="medium", title="Audio", text="None."
    )
    return ledger_post(tester=artist, kind="bug", source=report, actor=Actor(user=admin_user), severity="medium")


def test_a_tester_sees_their_ledger_with_totals_rate_lines_and_the_rate_card(entry, as_artist, artist2):
    page = as_artist.get(reverse("contributions:my_ledger")).content.decode()
    assert "€25.00" in page  # the entry and the pending total, as English writes euros
    assert "v1: Accepted bug report (medium): €25.00" in page  # the line it came from
    assert "€400.00" in page  # the rate card's critical finding line
    other = LedgerEntry.objects.filter(tester=artist2)
    assert not other.exists()
    assert "Nothing recorded yet" in client_page(artist2)


def client_page(user):
    from tests.conftest import client_for

    return client_for(user).get(reverse("contributions:my_ledger")).content.decode()


def advance(client, entry, to_status):
    return client.post(reverse("contributions:staff_ledger_advance", args=[entry.pk]), {"to_status": to_status})


def test_admins_move_entries_forward_only(entry, as_admin):
    assert advance(as_admin, entry, "paid").status_code == 409
    assert advance(as_admin, entry, "approved").status_code == 302
    response = advance(as_admin, entry, "pending")
    assert response.status_code == 409 and "can only move to paid" in response.content.decode()
    assert advance(as_admin, entry, "paid").status_code == 302
    assert advance(as_admin, entry, "approved").status_code == 409
    entry.refresh_from_db()
    assert entry.status == "paid"


def test_reviewers_and_testers_do_not_move_entries(entry, as_reviewer, as_artist):
    assert advance(as_reviewer, entry, "approved").status_code == 403
    assert advance(as_artist, entry, "approved").status_code == 403
    entry.refresh_from_db()
    assert entry.status == "pending"


def test_the_admin_ledger_page_lists_and_filters(entry, as_admin):
    page = as_admin.get(reverse("contributions:staff_ledger"), {"status": "pending", "tester": "aiko"}).content.decode()
    assert "aiko@vernissage.test" in page and "Approve" in page
    assert (
        "aiko@vernissage.test"
        not in as_admin.get(reverse("contributions:staff_ledger"), {"status": "paid"}).content.decode()
    )
    assert as_admin.get(reverse("contributions:staff_ledger"), {"month": "2025-13"}).status_code == 200


def test_the_monthly_statement_csv_for_one_tester_and_for_everyone(entry, as_admin, artist):
    month = timezone.localtime(entry.created_at).strftime("%Y-%m")
    response = as_admin.get(reverse("contributions:staff_ledger_statement"), {"month": month, "tester": artist.email})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 1
    row = rows[0]
    assert (row["Tester e-mail"], row["Amount in minor units"], row["Currency"], row["Status"]) == (
        artist.email,
        "2500",
        "EUR",
        "Pending",
    )
    assert row["Rate card version"] == "1" and row["Amount"] == "€25.00"
    everyone = as_admin.get(reverse("contributions:staff_ledger_statement"), {"month": month})
    assert len(list(csv.DictReader(io.StringIO(everyone.content.decode())))) == 1
    empty = as_admin.get(reverse("contributions:staff_ledger_statement"), {"month": "2001-01"})
    assert list(csv.DictReader(io.StringIO(empty.content.decode()))) == []


@pytest.mark.parametrize(
    "params", [{"month": "2025-13"}, {"month": "last month"}, {}, {"month": "2025-01", "tester": "nobody@x.test"}]
)
def test_a_bad_statement_request_gets_a_form_error(as_admin, params):
    assert as_admin.get(reverse("contributions:staff_ledger_statement"), params).status_code == 400


def test_the_statement_is_for_admins_only(as_reviewer):
    assert as_reviewer.get(reverse("contributions:staff_ledger_statement"), {"month": "2025-01"}).status_code == 403


def test_admins_record_session_hours_priced_from_the_rate_card(rate_card, as_admin, artist):
    body = {"tester": artist.email, "held_on": "2025-03-04", "hours": "2", "note": "Lighting workshop"}
    assert as_admin.post(reverse("contributions:staff_ledger"), body).status_code == 302
    record = SessionRecord.objects.get()
    entry = LedgerEntry.objects.get()
    assert (entry.kind, entry.quantity, entry.amount_minor, entry.source) == ("session_hour", 2, 12_000, record)


@pytest.mark.parametrize(
    "fields",
    [{"hours": "0"}, {"hours": "25"}, {"tester": "nobody@vernissage.test"}, {"tester": "ada@vernissage.test"}],
)
def test_bad_session_hours_get_a_form_error(rate_card, as_admin, artist, fields):
    body = {"tester": artist.email, "held_on": "2025-03-04", "hours": "2", **fields}
    assert as_admin.post(reverse("contributions:staff_ledger"), body).status_code == 400
    assert not LedgerEntry.objects.exists() and not SessionRecord.objects.exists()


def test_session_hours_without_a_rate_are_refused(as_admin, artist):
    body = {"tester": artist.email, "held_on": "2025-03-04", "hours": "2"}
    response = as_admin.post(reverse("contributions:staff_ledger"), body)
    assert response.status_code == 409 and "no rate" in response.content.decode()
    assert not SessionRecord.objects.exists()


def test_admins_publish_a_rate_card_in_the_admin_and_published_cards_are_read_only(as_admin, rate_card):
    from contributions.models import RateCard

    response = as_admin.post(
        reverse("admin:contributions_ratecard_changelist"),
        {"action": "new_draft_from", "_selected_action": [rate_card.pk]},
    )
    assert response.status_code == 302
    draft = RateCard.objects.get(published_at__isnull=True)
    assert draft.version == 2 and draft.lines.count() == rate_card.lines.count()
    as_admin.post(
        reverse("admin:contributions_ratecard_changelist"), {"action": "publish", "_selected_action": [draft.pk]}
    )
    assert RateCard.current() == draft
    change = as_admin.get(reverse("admin:contributions_ratecard_change", args=[draft.pk]))
    assert b'name="_save"' not in change.content


def test_a_statement_is_written_in_the_testers_language_and_time_zone(entry, as_admin, as_artist, artist):
    # Given an artist in Rome who reads Italian
    artist.language, artist.time_zone = "it", "Europe/Rome"
    artist.save(update_fields=["language", "time_zone"])
    month = timezone.localtime(entry.created_at).strftime("%Y-%m")

    # When an admin reading English downloads the artist's statement
    response = as_admin.get(reverse("contributions:staff_ledger_statement"), {"month": month, "tester": artist.email})

    # Then the amount is written as Italian writes euros, and times carry Rome's offset
    (row,) = list(csv.reader(io.StringIO(response.content.decode())))[1:]
    assert "25,00\xa0€" in row
    created = next(cell for cell in row if cell.startswith(str(entry.created_at.year)))
    assert created.endswith(("+01:00", "+02:00"))
    # And the artist's own ledger page is in their locale
    assert "25,00\xa0€" in as_artist.get(reverse("contributions:my_ledger")).content.decode()


@pytest.mark.parametrize(
    ("language", "currency", "amount_minor", "written"),
    [("en", "EUR", 123456, "€1,234.56"), ("it", "EUR", 123456, "1.234,56\xa0€"), ("ja", "JPY", 1500, "￥1,500")],
)
def test_money_is_written_for_the_readers_locale(language, currency, amount_minor, written):
    from django.utils import translation

    from accessprogram.localization import format_money_local

    with translation.override(language):
        assert format_money_local(amount_minor, currency) == written
