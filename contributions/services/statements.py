"""Monthly ledger statements: totals per status and the CSV admins export, per tester or for everyone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accessprogram.csv_files import csv_text
from accessprogram.localization import format_money_local
from contributions.models import LedgerEntry, LedgerStatus


@dataclass(frozen=True)
class Total:
    status: str
    label: str
    currency: str
    amount_minor: int
    count: int


def totals_by_status(entries) -> list[Total]:
    """One row per (status, currency), in the order pending, approved, paid."""
    rows = entries.order_by().values("status", "currency").annotate(total=Sum("amount_minor"), n=Count("pk"))
    order = {status: i for i, status in enumerate(LedgerStatus.values)}
    return sorted(
        (
            Total(row["status"], LedgerStatus(row["status"]).label, row["currency"], row["total"] or 0, row["n"])
            for row in rows
        ),
        key=lambda t: (order[t.status], t.currency),
    )


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    start = datetime(year, month, 1, tzinfo=tz)
    end = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=tz)
    return start, end


def entries_for_month(year: int, month: int, tester=None):
    start, end = month_bounds(year, month)
    entries = LedgerEntry.objects.filter(created_at__gte=start, created_at__lt=end).select_related(
        "tester", "rate_card_line__rate_card"
    )
    if tester is not None:
        entries = entries.filter(tester=tester)
    return entries.order_by("tester__email", "created_at", "pk")


# The statement's columns, written in the reader's language (see accessprogram.localization.speaking_to).
STATEMENT_HEADER = [
    _("Tester e-mail"),
    _("Tester name"),
    _("Entry"),
    _("Created"),
    _("Kind"),
    _("Severity"),
    _("Quantity"),
    _("Amount in minor units"),
    _("Currency"),
    _("Amount"),
    _("Status"),
    _("Approved"),
    _("Paid"),
    _("Rate card version"),
    _("Rate card line"),
    _("Memo"),
]


def _local_iso(value: datetime | None) -> str:
    """ISO 8601 in the reader's time zone, its offset included, so a spreadsheet still reads it exactly."""
    return timezone.localtime(value).isoformat() if value else ""


def statement_csv(entries) -> str:
    """The statement in the active language and time zone: wrap the call in speaking_to(tester) for a tester's."""
    return csv_text([str(column) for column in STATEMENT_HEADER], (_statement_row(entry) for entry in entries))


def _statement_row(entry) -> list:
    line = entry.rate_card_line
    return [
        entry.tester.email,
        entry.tester.full_name,
        entry.pk,
        _local_iso(entry.created_at),
        entry.get_kind_display(),
        entry.get_severity_display(),
        entry.quantity,
        entry.amount_minor,
        entry.currency,
        format_money_local(entry.amount_minor, entry.currency),
        entry.get_status_display(),
        _local_iso(entry.approved_at),
        _local_iso(entry.paid_at),
        line.rate_card.version if line else "",
        str(line) if line else "",
        entry.memo,
    ]
