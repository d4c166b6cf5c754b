"""A licence request and a showcase's results reach the testers concerned, in the portal and by e-mail."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from accessprogram.models import Notification, NotificationKind
from accessprogram.services.context import Actor
from showcase.services.calls import showcase_call_close, showcase_call_publish, showcase_select, showcase_submit
from showcase.services.licences import licence_request_create
from tests.showcase.conftest import open_call


def test_a_licence_request_notifies_the_owner(admin_user, artist, approved):
    today = timezone.localdate()
    licence_request_create(
        actor=Actor(user=admin_user), output=approved, use="spring campaign", term_start=today,
        term_end=today + timedelta(days=30), fee_minor=50_000, currency="EUR",
    )  # fmt: skip

    notice = Notification.objects.get(recipient=artist, kind=NotificationKind.LICENCE_REQUEST)
    assert notice.title_text == f"A licence request for your output {approved.short_id}"
    assert notice.link == reverse("showcase:licence_list")


def test_publishing_results_tells_winners_and_the_others(
    admin_user, artist, red_teamer, approved, red_approved, rate_card, mailoutbox, django_capture_on_commit_callbacks
):
    call = open_call(admin_user)
    won = showcase_submit(actor=Actor(user=artist), call=call, output=approved)
    showcase_submit(actor=Actor(user=red_teamer), call=call, output=red_approved)
    admin = Actor(user=admin_user)
    showcase_call_close(actor=admin, call=call)
    showcase_select(actor=admin, submission=won)

    with django_capture_on_commit_callbacks(execute=True):
        showcase_call_publish(actor=admin, call=call)

    results = Notification.objects.filter(kind=NotificationKind.SHOWCASE_RESULT)
    assert results.get(recipient=artist).title_text == f"Your work was selected in the showcase “{call.title}”"
    assert results.get(recipient=red_teamer).title_text == f"The results of the showcase “{call.title}” are out"
    assert sorted(m.to[0] for m in mailoutbox) == sorted([artist.email, red_teamer.email])
