"""The contribution ledger and the rate card: entries are posted by the action that accepted a contribution,
priced from the current published rate card, and only ever move forward (pending -> approved -> paid)."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Model
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from accessprogram.errors import Conflict, DomainError, InvalidFields
from accessprogram.models import NotificationKind, User
from accessprogram.services.audit import audit_record
from accessprogram.services.context import Actor
from accessprogram.services.notifications import notify
from contributions.models import (
    KINDS_WITH_SEVERITY,
    LEDGER_NEXT_STATUS,
    ContributionKind,
    LedgerEntry,
    LedgerStatus,
    RateCard,
    RateCardLine,
    SessionRecord,
    Severity,
)
from contributions.models.ledger import currency_code


class NoRate(DomainError):
    """The current rate card has no line for this contribution, so there is nothing to post."""

    status_code = 409
    code = "no_rate"


def rate_line_for(*, kind: str, severity: str = "") -> RateCardLine | None:
    """The line of the current published rate card that prices (kind, severity), or None."""
    card = RateCard.current()
    if card is None:
        return None
    return card.lines.filter(kind=kind, severity=severity if kind in KINDS_WITH_SEVERITY else "").first()


def _existing(kind: str, source_type: ContentType, source_id: str) -> LedgerEntry | None:
    return LedgerEntry.objects.filter(kind=kind, source_type=source_type, source_id=source_id).first()


def ledger_post(
    *,
    tester: User,
    kind: str,
    source: Model,
    actor: Actor,
    severity: str = "",
    quantity: int = 1,
    amount_minor: int | None = None,
    currency: str | None = None,
    memo: str = "",
) -> LedgerEntry:
    """Post what one contribution earned, once per (kind, source): a second call returns the first entry.

    The amount is the current rate card's line for (kind, severity) times quantity, unless `amount_minor`
    is given (a licence fee agreed case by case). Raises NoRate when there is no line and no amount.
    """
    if kind not in ContributionKind.values:
        raise DomainError(gettext("Unknown contribution kind %(kind)s.") % {"kind": repr(kind)}, field="kind")
    if kind in KINDS_WITH_SEVERITY and severity not in Severity.values:
        raise DomainError(
            gettext("Choose a severity: %(choices)s.") % {"choices": ", ".join(Severity.values)}, field="severity"
        )
    if kind not in KINDS_WITH_SEVERITY:
        severity = ""
    if not isinstance(quantity, int) or quantity < 1:
        raise DomainError(gettext("The quantity is a whole number, at least 1."), field="quantity")
    if source.pk is None:
        raise DomainError(gettext("The contribution must be saved before it is posted."), field="source")
    source_type = ContentType.objects.get_for_model(source)
    source_id = str(source.pk)
    existing = _existing(kind, source_type, source_id)
    if existing is not None:
        return existing

    line = rate_line_for(kind=kind, severity=severity)
    if amount_minor is not None:
        if not isinstance(amount_minor, int) or amount_minor < 0:
            raise DomainError(
                gettext("The amount is a whole number of minor units, not negative."), field="amount_minor"
            )
        currency = currency or (line.currency if line is not None else None)
        if not currency:
            raise DomainError(gettext("Name the currency of the amount."), field="currency")
        try:
            currency_code(currency)
        except ValidationError as exc:
            raise DomainError(
                gettext("An ISO 4217 code: three capital letters, such as EUR."), field="currency"
            ) from exc
        total = amount_minor
    else:
        if line is None:
            label = ContributionKind(kind).label.lower() + (f" ({severity})" if severity else "")
            raise NoRate(gettext("The current rate card has no rate for a %(label)s.") % {"label": label})
        if currency and currency != line.currency:
            raise DomainError(
                gettext("The rate card pays this in %(currency)s.") % {"currency": line.currency}, field="currency"
            )
        currency = line.currency
        total = line.amount_minor * quantity

    try:
        with transaction.atomic():
            entry = LedgerEntry.objects.create(
                tester=tester,
                kind=kind,
                severity=severity,
                quantity=quantity,
                amount_minor=total,
                currency=currency,
                rate_card_line=line,
                source_type=source_type,
                source_id=source_id,
                memo=memo[:300],
                created_by=actor.user,
            )
            audit_record(
                actor=actor,
                action="ledger.posted",
                target=entry,
                details={
                    "tester": tester.email,
                    "kind": kind,
                    "severity": severity,
                    "quantity": quantity,
                    "amount_minor": total,
                    "currency": currency,
                    "rate_card_line": line.pk if line is not None else None,
                    "rate_card_version": line.rate_card.version if line is not None else None,
                    "source": f"{source_type.app_label}.{source_type.model}:{source_id}",
                },
            )
    except IntegrityError:
        # Another request posted for the same source first: theirs is the one entry.
        existing = _existing(kind, source_type, source_id)
        if existing is None:
            raise
        return existing
    return entry


@transaction.atomic
def ledger_entry_advance(*, actor: Actor, entry: LedgerEntry, to_status: str) -> LedgerEntry:
    """Move an entry one step forward: pending -> approved -> paid. Nothing moves back."""
    entry = LedgerEntry.objects.select_for_update().get(pk=entry.pk)
    if to_status not in LedgerStatus.values:
        raise DomainError(
            gettext("Choose one of %(choices)s.") % {"choices": ", ".join(LedgerStatus.values)}, field="status"
        )
    expected = LEDGER_NEXT_STATUS.get(entry.status)
    if to_status != expected:
        if expected is None:
            raise Conflict(gettext("This entry is paid; it cannot move again."), field="status", code="ledger_final")
        raise Conflict(
            gettext("A %(status)s entry can only move to %(label)s.")
            % {"status": entry.get_status_display().lower(), "label": LedgerStatus(expected).label.lower()},
            field="status",
            code="ledger_backward" if _rank(to_status) <= _rank(entry.status) else "ledger_skip",
        )
    previous = entry.status
    now = timezone.now()
    entry.status = to_status
    if to_status == LedgerStatus.APPROVED:
        entry.approved_at = now
    else:
        entry.paid_at = now
    entry.save(update_fields=["status", "approved_at", "paid_at"])
    audit_record(actor=actor, action="ledger.status_changed", target=entry, details={"from": previous, "to": to_status})
    notify(
        user=entry.tester,
        kind=NotificationKind.LEDGER_STATUS,
        title=gettext_noop("Ledger entry #%(number)s (%(memo)s) is now %(status)s"),
        params={"number": entry.pk, "status": LedgerStatus(to_status).label, "memo": entry.memo},
        link=reverse("contributions:my_ledger"),
    )
    return entry


def _rank(status: str) -> int:
    return [LedgerStatus.PENDING, LedgerStatus.APPROVED, LedgerStatus.PAID].index(status)


@transaction.atomic
def rate_card_publish(*, actor: Actor, card: RateCard) -> RateCard:
    """Publish a draft card: from now on it prices every new entry. Published cards never change."""
    card = RateCard.objects.select_for_update().get(pk=card.pk)
    if card.is_published:
        raise Conflict(
            gettext("Version %(version)s is already published.") % {"version": card.version}, code="already_published"
        )
    lines = list(card.lines.all())
    if not lines:
        raise DomainError(gettext("Add at least one line before publishing."), field="lines")
    card.published_at = timezone.now()
    card.published_by = actor.user
    card.save(update_fields=["published_at", "published_by"])
    audit_record(
        actor=actor,
        action="rate_card.published",
        target=card,
        details={"version": card.version, "lines": [str(line) for line in lines]},
    )
    return card


def next_rate_card_version() -> int:
    return (RateCard.objects.aggregate(top=Max("version"))["top"] or 0) + 1


@transaction.atomic
def rate_card_draft_from(*, actor: Actor, card: RateCard | None) -> RateCard:
    """A new draft version, starting from a copy of `card`'s lines (or empty)."""
    draft = RateCard.objects.create(version=next_rate_card_version(), note=f"From v{card.version}" if card else "")
    if card is not None:
        RateCardLine.objects.bulk_create(
            RateCardLine(
                rate_card=draft,
                kind=line.kind,
                severity=line.severity,
                amount_minor=line.amount_minor,
                currency=line.currency,
            )
            for line in card.lines.all()
        )
    audit_record(actor=actor, action="rate_card.drafted", target=draft, details={"from": card.pk if card else None})
    return draft


@transaction.atomic
def session_hours_record(*, actor: Actor, tester: User, held_on, hours: int, note: str = "") -> SessionRecord:
    """Staff record hours a tester spent in a scheduled session; it posts `hours` × the session rate."""
    if tester.tester_membership is None:
        raise DomainError(gettext("Only testers with an active membership can be credited."), field="tester")
    if not isinstance(hours, int) or not 1 <= hours <= 24:
        raise DomainError(gettext("Between 1 and 24 hours."), field="hours")
    if rate_line_for(kind=ContributionKind.SESSION_HOUR) is None:
        raise NoRate(gettext("The current rate card has no rate for an hour of a session."), field="hours")
    record = SessionRecord.objects.create(
        tester=tester, held_on=held_on, hours=hours, note=note[:300], recorded_by=actor.user
    )
    audit_record(
        actor=actor, action="session.recorded", target=record, details={"tester": tester.email, "hours": hours}
    )
    ledger_post(
        tester=tester,
        kind=ContributionKind.SESSION_HOUR,
        source=record,
        actor=actor,
        quantity=hours,
        memo=note or f"Session on {held_on}",
    )
    return record


def _draft_line(line: RateCardLine) -> RateCardLine:
    card = RateCard.objects.select_for_update().get(pk=line.rate_card_id)
    if card.is_published:
        raise Conflict(
            gettext("Version %(version)s is published and never changes; make a new draft from it.")
            % {"version": card.version},
            code="already_published",
        )
    return line


@transaction.atomic
def rate_card_line_save(*, actor: Actor, line: RateCardLine) -> RateCardLine:
    """Add or change one line of a draft card (one per contribution kind and severity)."""
    _draft_line(line)
    if line.kind not in KINDS_WITH_SEVERITY:
        line.severity = ""
    elif not line.severity:
        raise InvalidFields({"severity": [gettext("Bugs and findings are priced per severity: choose one.")]})
    try:
        line.full_clean()
    except ValidationError as exc:
        raise InvalidFields(exc.message_dict) from exc
    created = line.pk is None
    line.save()
    audit_record(
        actor=actor,
        action="rate_card.line_added" if created else "rate_card.line_changed",
        target=line.rate_card,
        details={"line": str(line), "kind": line.kind, "severity": line.severity, "amount_minor": line.amount_minor},
    )
    return line


@transaction.atomic
def rate_card_line_delete(*, actor: Actor, line: RateCardLine) -> None:
    _draft_line(line)
    audit_record(actor=actor, action="rate_card.line_removed", target=line.rate_card, details={"line": str(line)})
    line.delete()
