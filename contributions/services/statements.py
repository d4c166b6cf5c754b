"""Monthly ledger statements: totals per status and the CSV admins export, per tester or for everyone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Sum
from django.utils import timezone

from accessprogram.csv_files import csv_text
from contributions.models import LedgerEntry, LedgerStatus, format_money


@dataclass(frozen=True)
class Total:
    status: str
    label: str
    currency: str
    amount_minor: int
    count: int

    @property
    def display(self) -> str:
        return format_money(self.amount_minor, self.currency)


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


STATEMENT_HEADER = [
    "tester_email",
    "tester_name",
    "entry_id",
    "created_at",
    "kind",
    "severity",
    "quantity",
    "amount_minor",
    "currency",
    "amount",
    "status",
    "approved_at",
    "paid_at",
    "rate_card_version",
    "rate_card_line",
    "memo",
]


def statement_csv(entries) -> str:
    return csv_text(STATEMENT_HEADER, (_statement_row(entry) for entry in entries))


def _statement_row(entry) -> list:
    line = entry.rate_card_line
    return [
        entry.tester.email,
        entry.tester.full_name,
        entry.pk,
        entry.created_at.isoformat(),
        entry.kind,
        entry.severity,
        entry.quantity,
        entry.amount_minor,
        entry.currency,
        entry.amount_display,
        entry.status,
        entry.approved_at.isoformat() if entry.approved_at else "",
        entry.paid_at.isoformat() if entry.paid_at else "",
        line.rate_card.version if line else "",
        str(line) if line else "",
        entry.memo,
    ]
