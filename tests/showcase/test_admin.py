"""The Django admin shows showcase calls, submissions, scorecards and licences to program admins, read-only."""

from __future__ import annotations

from django.urls import reverse

from accessprogram.services.context import Actor
from showcase.services.calls import showcase_submit
from tests.conftest import client_for
from tests.showcase.test_licences import request_licence


def test_program_admins_read_calls_and_licences_in_the_admin(admin_user, artist, call, approved):
    submission = showcase_submit(actor=Actor(user=artist), call=call, output=approved)
    licence = request_licence(admin_user, approved)
    client = client_for(admin_user)
    for name, args in [
        ("admin:showcase_showcasecall_changelist", []),
        ("admin:showcase_showcasecall_change", [call.pk]),
        ("admin:showcase_submission_changelist", []),
        ("admin:showcase_submission_change", [submission.pk]),
        ("admin:showcase_scorecard_changelist", []),
        ("admin:showcase_jurorconflict_changelist", []),
        ("admin:showcase_licencerequest_changelist", []),
        ("admin:showcase_licencerequest_change", [licence.pk]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 200, name
    assert client.get(reverse("admin:showcase_showcasecall_add")).status_code == 403
    response = client.post(reverse("admin:showcase_licencerequest_change", args=[licence.pk]), {"fee_minor": 1})
    assert response.status_code == 403
