"""review_appeal: the owner appeals a rejection once; the output goes back into the queue, flagged."""

from __future__ import annotations

import pytest

from accessprogram.errors import Conflict, DomainError, NotAllowed
from accessprogram.models import AuditEvent
from accessprogram.services.context import Actor
from review.access import review_queue_for
from review.models import Review
from review.services.reviews import review_appeal, review_decide


@pytest.fixture
def rejected_output(artist_output, reviewer):
    review_decide(actor=Actor(user=reviewer), output=artist_output, decision="reject", reason="quality")
    return artist_output


def test_an_appeal_returns_the_output_to_the_queue_flagged(rejected_output, artist, admin_user):
    review = review_appeal(actor=Actor(user=artist), output=rejected_output, message="It is a painting, not a person.")
    rejected_output.refresh_from_db()
    assert rejected_output.review_status == "pending"
    assert review.is_appeal and review.appeal_message.startswith("It is a painting")
    assert list(review_queue_for(admin_user)) == [review]
    assert AuditEvent.objects.filter(action="review.appealed").exists()


def test_a_rejection_can_be_appealed_only_once(rejected_output, artist, admin_user):
    review_appeal(actor=Actor(user=artist), output=rejected_output, message="Please look again.")
    review_decide(actor=Actor(user=admin_user), output=rejected_output, decision="reject", reason="quality")
    with pytest.raises(Conflict) as exc:
        review_appeal(actor=Actor(user=artist), output=rejected_output, message="And again.")
    assert exc.value.code == "already_appealed"
    assert Review.objects.filter(output=rejected_output).count() == 2


def test_only_rejections_can_be_appealed(artist_output, artist):
    with pytest.raises(Conflict):
        review_appeal(actor=Actor(user=artist), output=artist_output, message="Hurry up.")


def test_only_the_owner_appeals(rejected_output, artist2):
    with pytest.raises(NotAllowed):
        review_appeal(actor=Actor(user=artist2), output=rejected_output, message="Mine too.")


def test_an_appeal_needs_a_message(rejected_output, artist):
    with pytest.raises(DomainError) as exc:
        review_appeal(actor=Actor(user=artist), output=rejected_output, message="  ")
    assert exc.value.field == "message"
