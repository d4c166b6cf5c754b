"""Invariant 5: one append-only, hash-chained audit log; verify_audit finds the first broken link."""

from __future__ import annotations

from io import StringIO
from itertools import pairwise

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from accessprogram.models import AuditEvent
from accessprogram.models.audit import GENESIS_HASH, AuditLogTampering
from accessprogram.services.audit import audit_record, audit_verify
from accessprogram.services.context import Actor

TRIGGER = "accessprogram_auditevent_append_only"


@pytest.fixture
def events(admin_user, artist, cohort):
    """A log with a few dozen events (the cast's invitations, acceptances, NDA) plus three of our own."""
    for n in range(3):
        audit_record(
            actor=Actor(user=admin_user, ip="192.0.2.1"),
            action="test.event",
            target=cohort,
            details={"n": n, "note": "ünïcode ✓"},
        )
    return list(AuditEvent.objects.order_by("id"))


def _with_trigger_disabled(sql: str, params: list) -> None:
    """Tamper the way someone with database access would: switch the append-only trigger off, change, switch on."""
    with connection.cursor() as cursor:
        # The test's transaction holds deferred foreign-key checks; PostgreSQL won't ALTER a table while they pend.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"ALTER TABLE accessprogram_auditevent DISABLE TRIGGER {TRIGGER}")
        try:
            cursor.execute(sql, params)
        finally:
            cursor.execute(f"ALTER TABLE accessprogram_auditevent ENABLE TRIGGER {TRIGGER}")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def test_every_event_links_to_the_one_before(events):
    assert events[0].prev_hash == GENESIS_HASH
    for previous, event in pairwise(events):
        assert event.prev_hash == previous.hash
    assert all(event.hash == event.compute_hash() for event in events)
    assert len({event.hash for event in events}) == len(events)


def test_an_event_records_who_what_and_from_where(events, admin_user, cohort):
    event = events[-1]

    assert (event.actor, event.actor_label, event.action) == (admin_user, admin_user.email, "test.event")
    assert (event.target_type, event.target_id, event.target_label) == (
        "accessprogram.cohort",
        str(cohort.pk),
        cohort.name,
    )
    assert event.ip_address == "192.0.2.1" and event.details == {"n": 2, "note": "ünïcode ✓"}


def test_verify_audit_passes_on_an_intact_log(events):
    out = StringIO()

    call_command("verify_audit", stdout=out)

    assert f"{len(events)} event(s) verified" in out.getvalue()


def test_verify_audit_passes_on_an_empty_log(db):
    out = StringIO()

    call_command("verify_audit", stdout=out)

    assert "0 event(s) verified" in out.getvalue()


def test_verify_audit_names_an_altered_event(events):
    victim = events[len(events) // 2]
    _with_trigger_disabled(
        "UPDATE accessprogram_auditevent SET details = %s WHERE id = %s", ['{"forged": true}', victim.pk]
    )

    with pytest.raises(CommandError, match=rf"event #{victim.pk}: its content does not match its hash"):
        call_command("verify_audit")


def test_verify_audit_names_an_event_whose_actor_was_rewritten(events):
    victim = events[-2]
    _with_trigger_disabled(
        "UPDATE accessprogram_auditevent SET actor_label = %s WHERE id = %s", ["someone-else@example.com", victim.pk]
    )

    checked, broken = audit_verify()

    assert broken is not None and broken.event_id == victim.pk
    assert checked == len(events) - 2


def test_verify_audit_detects_a_deleted_event_in_the_middle(events):
    victim, successor = events[len(events) // 2], events[len(events) // 2 + 1]
    _with_trigger_disabled("DELETE FROM accessprogram_auditevent WHERE id = %s", [victim.pk])

    with pytest.raises(CommandError, match=rf"event #{successor.pk}: does not link to the event before it"):
        call_command("verify_audit")


def test_verify_audit_detects_a_rehashed_forgery_by_the_next_link(events):
    victim = events[len(events) // 2]
    forged = AuditEvent.objects.get(pk=victim.pk)
    forged.details = {"forged": True}
    _with_trigger_disabled(
        "UPDATE accessprogram_auditevent SET details = %s, hash = %s WHERE id = %s",
        ['{"forged": true}', forged.compute_hash(), victim.pk],
    )

    _, broken = audit_verify()

    assert broken is not None and broken.event_id == events[len(events) // 2 + 1].pk


def test_the_orm_refuses_to_save_an_existing_event(events):
    event = events[-1]
    event.details = {"forged": True}

    with pytest.raises(AuditLogTampering):
        event.save()
    assert AuditEvent.objects.get(pk=event.pk).details == {"n": 2, "note": "ünïcode ✓"}


def test_the_orm_refuses_to_delete_an_event(events):
    with pytest.raises(AuditLogTampering):
        events[-1].delete()
    assert AuditEvent.objects.filter(pk=events[-1].pk).exists()


@pytest.mark.parametrize(
    "statement",
    [
        pytest.param("UPDATE accessprogram_auditevent SET action = 'forged' WHERE id = %s", id="update"),
        pytest.param("DELETE FROM accessprogram_auditevent WHERE id = %s", id="delete"),
    ],
)
def test_the_database_refuses_raw_changes(events, statement):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(statement, [events[-1].pk])

    assert AuditEvent.objects.get(pk=events[-1].pk).action == "test.event"


def test_the_database_refuses_bulk_updates_and_deletes_through_the_orm(events):
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=events[-1].pk).update(action="forged")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=events[-1].pk).delete()

    call_command("verify_audit")
