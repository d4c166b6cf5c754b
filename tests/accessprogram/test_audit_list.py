"""The staff audit page: admins browse the log and filter it by action, actor, target and date."""

from __future__ import annotations

from datetime import datetime
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from accessprogram.models import AuditEvent
from accessprogram.services.audit import audit_record
from accessprogram.services.context import Actor

URL = reverse("accessprogram:audit_list")


@pytest.fixture
def old_event(admin_user, cohort):
    with mock.patch("django.utils.timezone.now", return_value=timezone.make_aware(datetime(2020, 6, 15, 12, 0))):
        return audit_record(actor=Actor(user=admin_user), action="legacy.imported", target=cohort)


def _shown(response) -> list[int]:
    return [event.pk for event in response.context["page"].object_list]


def test_it_lists_the_newest_events_first(as_admin, artist):
    response = as_admin.get(URL)

    assert response.status_code == 200
    shown = _shown(response)
    assert shown == sorted(shown, reverse=True)
    assert shown[0] == AuditEvent.objects.latest("id").pk
    assert "nda.accepted" in response.content.decode()


def test_it_filters_by_action_prefix(as_admin, artist):
    response = as_admin.get(URL, {"action": "invitation."})

    actions = {e.action for e in response.context["page"].object_list}
    assert actions == {"invitation.created", "invitation.accepted"}


def test_it_filters_by_actor(as_admin, artist, artist2):
    response = as_admin.get(URL, {"actor": "AIKO@"})

    events = response.context["page"].object_list
    assert events and {e.actor_label for e in events} == {artist.email}


def test_it_filters_by_target(as_admin, artist, old_event, cohort):
    response = as_admin.get(URL, {"target": cohort.name.upper()})

    assert old_event.pk in _shown(response)
    assert {e.target_label for e in response.context["page"].object_list} == {cohort.name}


def test_it_filters_by_date(as_admin, old_event):
    until = as_admin.get(URL, {"until": "2020-12-31"})
    since = as_admin.get(URL, {"since": "2021-01-01"})
    day = as_admin.get(URL, {"since": "2020-06-15", "until": "2020-06-15"})

    assert _shown(until) == [old_event.pk]
    assert old_event.pk not in _shown(since) and _shown(since)
    assert _shown(day) == [old_event.pk]


def test_it_combines_filters(as_admin, artist, old_event):
    response = as_admin.get(URL, {"action": "legacy", "actor": "ada@", "since": "2020-01-01"})

    assert _shown(response) == [old_event.pk]


@pytest.mark.parametrize(
    "query", [{"since": "yesterday"}, {"until": "2020-13-45"}, {"page": "last"}, {"page": "99999"}]
)
def test_it_survives_bad_filters(as_admin, artist, query):
    response = as_admin.get(URL, query)

    assert response.status_code == 200


def test_it_is_for_program_admins_only(as_reviewer, as_artist, client, admin_user):
    assert as_reviewer.get(URL).status_code == 403
    assert as_artist.get(URL).status_code == 403
    assert client.get(URL)["Location"].startswith(reverse("account_login"))
