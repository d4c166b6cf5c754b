"""Writing and verifying the hash-chained audit log."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from accessprogram.models.audit import GENESIS_HASH, AuditEvent
from accessprogram.services.context import Actor

# Any constant works; it names the one PostgreSQL advisory lock that serialises the chain.
_CHAIN_LOCK_KEY = 0x5645524E


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])


@transaction.atomic
def audited_save(
    *, actor: Actor, obj: Model, actions: tuple[str, str], details: Callable[[bool], dict[str, Any]]
) -> Model:
    """Save an admin-edited settings row and audit it in one transaction: the one save every admin edit uses.

    `actions` names the event when the row is created and when it is updated; `details(created)` says
    what the event records, read after the save.
    """
    created = obj.pk is None
    obj.save()
    audit_record(actor=actor, action=actions[0] if created else actions[1], target=obj, details=details(created))
    return obj


def audit_record(
    *, actor: Actor, action: str, target: Model | None = None, details: dict[str, Any] | None = None
) -> AuditEvent:
    """Append one event to the chain. Call inside the transaction that makes the change."""
    with transaction.atomic():
        _lock_chain()
        prev_hash = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first() or GENESIS_HASH
        event = AuditEvent(
            created_at=timezone.now(),
            actor=actor.user,
            actor_label=actor.label,
            action=action,
            target_type=target._meta.label_lower if target is not None else "",
            target_id=str(target.pk) if target is not None else "",
            target_label=str(target)[:254] if target is not None else "",
            ip_address=actor.ip,
            details=details or {},
            prev_hash=prev_hash,
        )
        event.hash = event.compute_hash()
        event.save()
    return event


@dataclass(frozen=True)
class BrokenLink:
    event_id: int
    reason: str


def _events_in_order() -> Iterator[AuditEvent]:
    return AuditEvent.objects.order_by("id").iterator(chunk_size=2000)


def audit_verify() -> tuple[int, BrokenLink | None]:
    """Walk the chain from the start; return the number of events checked and the first broken link."""
    expected_prev = GENESIS_HASH
    checked = 0
    for event in _events_in_order():
        if event.prev_hash != expected_prev:
            return checked, BrokenLink(
                event.pk, "does not link to the event before it (an event was removed or reordered)"
            )
        if event.compute_hash() != event.hash:
            return checked, BrokenLink(event.pk, "its content does not match its hash (the event was altered)")
        expected_prev = event.hash
        checked += 1
    return checked, None
