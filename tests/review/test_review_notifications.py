"""The owner is told of every closing review decision and of an appeal's outcome, in the portal and by e-mail."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accessprogram.models import Notification, NotificationKind
from accessprogram.services.context import Actor
from review.services.reviews import review_appeal, review_decide


def owners_notifications(artist):
    return list(Notification.objects.filter(recipient=artist).order_by("created_at", "pk"))


@pytest.mark.parametrize(
    ("decision", "reason", "title"),
    [
        ("approve", None, "Output {} was approved"),
        ("reject", "quality", "Output {} was rejected"),
        ("request_changes", "quality", "Changes were requested on output {}"),
    ],
)
def test_a_decision_notifies_the_owner_with_the_reason_and_note(
    artist_output, artist, reviewer, decision, reason, title, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        review_decide(
            actor=Actor(user=reviewer), output=artist_output, decision=decision, reason=reason, note="Lovely light."
        )

    (notice,) = owners_notifications(artist)
    assert notice.kind == NotificationKind.REVIEW_DECISION
    assert notice.title_text == title.format(artist_output.short_id)
    assert "Lovely light." in notice.body_text
    assert notice.link == reverse("generation:job_detail", args=[artist_output.job_id])
    (message,) = mailoutbox
    assert message.to == [artist.email] and notice.title_text in message.subject and notice.link in message.body


def test_withdrawing_an_approval_notifies_the_owner(artist_output, artist, reviewer):
    review_decide(actor=Actor(user=reviewer), output=artist_output, decision="approve")
    review_decide(actor=Actor(user=reviewer), output=artist_output, decision="withdraw", reason="quality")

    assert [n.title_text for n in owners_notifications(artist)][-1] == (
        f"The approval of output {artist_output.short_id} was withdrawn"
    )


def test_a_first_of_two_approvals_tells_the_owner_nothing_yet(artist_output, artist, reviewer, admin_user, cohort):
    cohort.approvals_required = 2
    cohort.save(update_fields=["approvals_required"])

    review_decide(actor=Actor(user=reviewer), output=artist_output, decision="approve")
    assert owners_notifications(artist) == []
    review_decide(actor=Actor(user=admin_user), output=artist_output, decision="approve")
    assert [n.kind for n in owners_notifications(artist)] == [NotificationKind.REVIEW_DECISION]


def test_an_appeals_outcome_is_its_own_kind(artist_output, artist, reviewer, admin_user):
    review_decide(actor=Actor(user=reviewer), output=artist_output, decision="reject", reason="quality")
    review_appeal(actor=Actor(user=artist), output=artist_output, message="It is a painting.")
    review_decide(actor=Actor(user=admin_user), output=artist_output, decision="approve")

    outcome = owners_notifications(artist)[-1]
    assert outcome.kind == NotificationKind.APPEAL_OUTCOME
    assert outcome.title_text == f"Your appeal succeeded: output {artist_output.short_id} is approved"
