"""The rate card (versioned, published by admins) and the contribution ledger, written only by actions."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy

from contributions.models.common import Severity

currency_code = RegexValidator(r"^[A-Z]{3}$", gettext_lazy("An ISO 4217 code: three capital letters, such as EUR."))


class ContributionKind(models.TextChoices):
    BUG = "bug", gettext_lazy("Accepted bug report")
    FINDING = "finding", gettext_lazy("Validated red-team finding")
    SURVEY = "survey", gettext_lazy("Completed survey")
    SHOWCASE = "showcase", gettext_lazy("Output selected for the showcase")
    SESSION_HOUR = "session_hour", gettext_lazy("Hour of a scheduled session")
    LICENCE = "licence", gettext_lazy("Licence for promotion")


# Kinds whose rate depends on a severity; the others have one line with no severity.
KINDS_WITH_SEVERITY = frozenset({ContributionKind.BUG, ContributionKind.FINDING})


class RateCard(models.Model):
    """One version of the rate card. Drafts are edited; a published card never changes."""

    version = models.PositiveIntegerField(unique=True, editable=False)
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )

    class Meta:
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"Rate card v{self.version}{'' if self.published_at else ' (draft)'}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @classmethod
    def current(cls) -> RateCard | None:
        """The latest published card, or None before the first is published."""
        return cls.objects.filter(published_at__isnull=False).order_by("-published_at", "-version").first()


class RateCardLine(models.Model):
    rate_card = models.ForeignKey(RateCard, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField(max_length=20, choices=ContributionKind.choices)
    severity = models.CharField(
        max_length=10, choices=Severity.choices, blank=True, help_text=gettext_lazy("Only for bugs and findings.")
    )
    amount_minor = models.PositiveBigIntegerField(
        help_text=gettext_lazy("In the currency's minor unit (cents for EUR).")
    )
    currency = models.CharField(max_length=3, validators=[currency_code], default="EUR")

    class Meta:
        ordering = ["kind", "severity"]
        constraints = [
            models.UniqueConstraint(fields=["rate_card", "kind", "severity"], name="one_rate_per_kind_and_severity")
        ]

    def __str__(self) -> str:
        label = self.get_kind_display()
        if self.severity:
            label += f" ({self.get_severity_display().lower()})"
        return f"{label}: {self.amount_display}"

    @property
    def amount_display(self) -> str:
        return format_money(self.amount_minor, self.currency)


class LedgerStatus(models.TextChoices):
    PENDING = "pending", gettext_lazy("Pending")
    APPROVED = "approved", gettext_lazy("Approved")
    PAID = "paid", gettext_lazy("Paid")


# The only moves allowed: forward, one step at a time.
LEDGER_NEXT_STATUS = {LedgerStatus.PENDING: LedgerStatus.APPROVED, LedgerStatus.APPROVED: LedgerStatus.PAID}


class LedgerEntry(models.Model):
    """What one contribution earned. Created by the action that accepted the contribution, once per source."""

    Kind = ContributionKind
    Status = LedgerStatus

    tester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="ledger_entries")
    kind = models.CharField(max_length=20, choices=ContributionKind.choices)
    severity = models.CharField(max_length=10, choices=Severity.choices, blank=True)
    quantity = models.PositiveIntegerField(default=1, validators=[MinValueValidator(1)])
    amount_minor = models.PositiveBigIntegerField()
    currency = models.CharField(max_length=3, validators=[currency_code])
    rate_card_line = models.ForeignKey(
        RateCardLine, null=True, blank=True, on_delete=models.PROTECT, related_name="ledger_entries"
    )
    source_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    source_id = models.CharField(max_length=64)
    source = GenericForeignKey("source_type", "source_id")
    memo = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=10, choices=LedgerStatus.choices, default=LedgerStatus.PENDING)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "ledger entries"
        indexes = [models.Index(fields=["tester", "-created_at"])]
        constraints = [
            models.UniqueConstraint(fields=["kind", "source_type", "source_id"], name="one_ledger_entry_per_source"),
            models.CheckConstraint(
                condition=Q(status="pending") | Q(approved_at__isnull=False), name="approved_entries_have_a_date"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.tester}: {self.amount_display}"

    @property
    def amount_display(self) -> str:
        return format_money(self.amount_minor, self.currency)


class SessionRecord(models.Model):
    """Hours a tester spent in a scheduled session, recorded by staff; the source of a session_hour entry."""

    tester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="session_records")
    held_on = models.DateField()
    hours = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.hours} h session on {self.held_on} ({self.tester})"


# Minor units per major unit for the currencies that do not use two decimals.
_EXPONENTS = {"JPY": 0, "KRW": 0, "ISK": 0, "CLP": 0, "VND": 0, "BHD": 3, "KWD": 3, "OMR": 3, "TND": 3, "JOD": 3}


def format_money(amount_minor: int, currency: str) -> str:
    """12345, "EUR" -> "EUR 123.45"; thousands grouped with commas."""
    exponent = _EXPONENTS.get(currency, 2)
    sign = "-" if amount_minor < 0 else ""
    major, minor = divmod(abs(amount_minor), 10**exponent)
    return f"{currency} {sign}{major:,}" + (f".{minor:0{exponent}d}" if exponent else "")
