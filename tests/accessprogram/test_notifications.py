"""The notification centre: notify stores a row read in the reader's language and e-mails as they prefer; the page,
the unread count and the API show only one's own; marking read; the NDA and suspension events."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, gettext_noop

from accessprogram.errors import DomainError
from accessprogram.models import Notification, NotificationKind
from accessprogram.services.context import Actor
from accessprogram.services.notifications import notifications_mark_read, notify
from accessprogram.services.preferences import user_preferences_update
from accessprogram.services.suspensions import suspension_create, suspension_lift
from contributions.models import ReportStatus
from tests.accessprogram.conftest import bearer, issue_token
from tests.conftest import client_for, make_member, publish_in_every_language

API = "/api/v1/notifications/"
TRIAGED = gettext_noop("Report #%(number)s: %(status)s")


def triaged(user, number=7, **extra):
    return notify(
        user=user,
        kind=NotificationKind.TRIAGE_REPLY,
        title=TRIAGED,
        params={"number": number, "status": ReportStatus.TRIAGED.label},
        link=f"/feedback/{number}/",
        **extra,
    )


def test_a_notification_is_read_in_the_language_of_whoever_reads_it(artist, mailoutbox):
    notification = triaged(artist)

    with translation.override("fr"):
        french = gettext(TRIAGED) % {"number": 7, "status": gettext("Triaged")}
        assert notification.title_text == french
    assert notification.title_text == "Report #7: Triaged"
    assert french != "Report #7: Triaged"  # the message and its parameter both have French translations


def test_the_email_goes_after_commit_in_the_recipients_language(artist, mailoutbox, django_capture_on_commit_callbacks):
    artist.language = "fr"
    artist.save(update_fields=["language"])

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        triaged(artist)
        assert mailoutbox == []  # not before the transaction commits
    assert len(callbacks) == 1
    (message,) = mailoutbox
    with translation.override("fr"):
        assert gettext(TRIAGED) % {"number": 7, "status": gettext("Triaged")} in message.subject
    assert message.to == [artist.email] and "/feedback/7/" in message.body


def test_a_muted_kind_is_not_emailed_but_still_listed(artist, mailoutbox, django_capture_on_commit_callbacks):
    user_preferences_update(user=artist, email_kinds=[NotificationKind.REVIEW_DECISION])

    with django_capture_on_commit_callbacks(execute=True):
        triaged(artist)

    assert mailoutbox == [] and Notification.objects.filter(recipient=artist).count() == 1


def test_a_new_nda_and_a_suspension_are_emailed_whatever_the_preferences(
    artist, artist2, system, mailoutbox, django_capture_on_commit_callbacks
):
    from accessprogram.services.nda import nda_create_draft

    user_preferences_update(user=artist, email_kinds=[])
    draft = nda_create_draft(actor=system, title="Agreement v2", body_markdown="New terms.", clauses=[])

    with django_capture_on_commit_callbacks(execute=True):
        publish_in_every_language(system, draft)

    # One message per tester: nobody sees another tester's address.
    assert sorted(m.to[0] for m in mailoutbox) == sorted([artist.email, artist2.email])
    assert all(len(m.to) == 1 and f"version {draft.version}" in m.subject for m in mailoutbox)
    notice = Notification.objects.get(recipient=artist)
    assert notice.kind == NotificationKind.NDA_VERSION and notice.link == reverse("accessprogram:nda")
    # And the gate: the portal sends them to the NDA until they sign.
    assert client_for(artist).get(reverse("generation:library")).url.startswith(reverse("accessprogram:nda"))


def test_a_rolled_back_event_leaves_no_notification_and_sends_nothing(
    artist, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        triaged(artist)
        raise RuntimeError("the event failed")

    assert not Notification.objects.exists() and mailoutbox == []


def test_a_cohort_suspension_and_its_lifting_reach_every_member(
    admin_user, artist, artist2, cohort, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        suspension = suspension_create(actor=Actor(user=admin_user), scope="cohort", target=cohort, reason="Audit.")
    with django_capture_on_commit_callbacks(execute=True):
        suspension_lift(actor=Actor(user=admin_user), suspension=suspension)

    for user in (artist, artist2):
        titles = [n.title_text for n in Notification.objects.filter(recipient=user).order_by("created_at", "pk")]
        assert titles == [f"Suspended: {suspension.target_label}", f"Suspension lifted: {suspension.target_label}"]
    assert sorted(m.to[0] for m in mailoutbox[:2]) == sorted([artist.email, artist2.email])
    assert "Audit." in mailoutbox[0].body
    assert not Notification.objects.filter(recipient=admin_user).exists()


def test_marking_read_by_ids_or_all_touches_only_ones_own(artist, artist2):
    mine = [triaged(artist, number) for number in (1, 2, 3)]
    theirs = triaged(artist2)

    assert notifications_mark_read(user=artist, ids=[mine[0].pk]) == 1
    with pytest.raises(DomainError):
        notifications_mark_read(user=artist, ids=[mine[1].pk, theirs.pk])
    assert notifications_mark_read(user=artist) == 2

    assert not Notification.objects.filter(recipient=artist, read_at__isnull=True).exists()
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_the_page_shows_the_unread_count_and_marks_read(artist, artist2):
    first, second = triaged(artist, 1), triaged(artist, 2)
    triaged(artist2, 3)
    client = client_for(artist)

    page = client.get(reverse("accessprogram:notification_list")).content.decode()
    assert 'class="count">2<' in page and "Report #1: Triaged" in page and "Report #3" not in page

    response = client.post(reverse("accessprogram:notification_read"), {"ids": [first.pk]})
    assert response.status_code == 302
    assert 'class="count">1<' in client.get(reverse("accessprogram:dashboard")).content.decode()

    client.post(reverse("accessprogram:notification_read"), {"all": "1"})
    page = client.get(reverse("accessprogram:notification_list")).content.decode()
    assert 'class="count"' not in page and "Mark all read" not in page
    second.refresh_from_db()
    assert second.read_at is not None


@pytest.mark.parametrize("ids", [["x"], ["999999"]])
def test_the_page_refuses_bad_ids_with_a_message(artist, ids):
    triaged(artist)
    response = client_for(artist).post(reverse("accessprogram:notification_read"), {"ids": ids}, follow=True)
    assert response.status_code == 200 and 'class="message error"' in response.content.decode()
    assert Notification.objects.get().read_at is None


def test_the_api_lists_ones_own_paginated_in_ones_language(artist, artist2):
    artist.language = "fr"
    artist.save(update_fields=["language"])
    mine = triaged(artist, 1)
    triaged(artist2, 2)

    body = client_for(artist).get(API).json()

    assert body["count"] == 1 and [item["id"] for item in body["results"]] == [mine.pk]
    with translation.override("fr"):
        assert body["results"][0]["title"] == mine.title_text
    assert body["results"][0]["kind"] == "triage_reply" and body["results"][0]["read_at"] is None


def test_the_api_marks_read_by_ids_or_all_and_refuses_bad_bodies(artist, artist2):
    mine = [triaged(artist, number) for number in (1, 2)]
    theirs = triaged(artist2, 3)
    token = issue_token(artist)
    api = client_for(None)

    answer = api.post(f"{API}read/", {"ids": [mine[0].pk]}, content_type="application/json", **bearer(token))
    assert answer.status_code == 200 and answer.json() == {"marked_read": 1, "unread": 1}
    for bad in ({}, {"ids": []}, {"ids": ["a"]}, {"ids": [1], "all": True}, {"ids": [theirs.pk]}):
        refused = api.post(f"{API}read/", bad, content_type="application/json", **bearer(token))
        assert refused.status_code == 400, bad
    answer = api.post(f"{API}read/", {"all": True}, content_type="application/json", **bearer(token))
    assert answer.json() == {"marked_read": 1, "unread": 0}
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_the_api_refuses_anonymous_callers(db):
    assert client_for(None).get(API).status_code in (401, 403)


def test_preferences_choose_which_kinds_are_emailed(artist):
    client = client_for(artist)
    response = client.post(
        reverse("accessprogram:account_preferences"),
        {"language": "", "time_zone": "UTC", "email_kinds": ["review_decision", "ledger_status"]},
    )
    assert response.status_code == 302
    artist.refresh_from_db()
    assert "review_decision" not in artist.email_muted_kinds and "triage_reply" in artist.email_muted_kinds
    assert "nda_version" not in artist.email_muted_kinds  # never muted
    page = client.get(reverse("accessprogram:account_preferences")).content.decode()
    assert 'value="review_decision"' in page and 'value="nda_version"' not in page


def test_only_active_accounts_are_notified(artist, cohort):
    newcomer = make_member(email="new@vernissage.test", name="New", role="artist", cohort=cohort)
    newcomer.is_active = False
    newcomer.save(update_fields=["is_active"])
    assert triaged(newcomer) is None and triaged(artist) is not None


def test_the_unread_count_costs_one_query_per_page(artist):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    triaged(artist)
    client = client_for(artist)
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("accessprogram:dashboard"))

    counted = [q["sql"] for q in queries.captured_queries if '"accessprogram_notification"' in q["sql"]]
    assert len(counted) == 1 and "COUNT(" in counted[0].upper()
