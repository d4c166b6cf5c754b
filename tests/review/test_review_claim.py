"""review_claim: opening an item locks it for one reviewer for a few minutes."""

from __future__ import annotations

import pytest
from django.utils import timezone

from accessprogram.errors import Conflict
from accessprogram.models import AuditEvent
from accessprogram.services.context import Actor
from review.models import ReviewSettings
from review.services.reviews import review_claim


def test_a_claim_locks_the_item_for_the_configured_minutes(artist_output, reviewer):
    settings = ReviewSettings.current()
    settings.claim_minutes = 3
    settings.save()
    review = review_claim(actor=Actor(user=reviewer), output=artist_output)
    assert review.claimed_by == reviewer
    remaining = (review.claimed_until - timezone.now()).total_seconds()
    assert 170 < remaining <= 180


def test_a_second_reviewer_cannot_claim_a_held_item(artist_output, reviewer, admin_user):
    review_claim(actor=Actor(user=reviewer), output=artist_output)
    with pytest.raises(Conflict):
        review_claim(actor=Actor(user=admin_user), output=artist_output)


def test_reopening_your_own_claim_renews_it_without_a_new_audit_row(artist_output, reviewer):
    review_claim(actor=Actor(user=reviewer), output=artist_output)
    review_claim(actor=Actor(user=reviewer), output=artist_output)
    assert AuditEvent.objects.filter(action="review.claimed").count() == 1


def test_a_decided_item_cannot_be_claimed(approved_output, admin_user):
    with pytest.raises(Conflict):
        review_claim(actor=Actor(user=admin_user), output=approved_output)
