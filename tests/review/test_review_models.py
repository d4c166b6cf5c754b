"""What the database itself enforces about reviews, and the reason codes every program starts with."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from review.models import Decision, ReasonCode, Review, ReviewDecision


def test_every_output_enters_review_pending(artist_output):
    review = Review.objects.get(output=artist_output)
    assert review.state == "pending" and artist_output.review_status == "pending"


def test_the_database_allows_one_open_review_per_output(artist_output):
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.create(output=artist_output)


def test_the_database_refuses_two_approvals_from_one_reviewer(artist_output, reviewer):
    review = Review.objects.get(output=artist_output)
    ReviewDecision.objects.create(review=review, reviewer=reviewer, decision=Decision.APPROVE)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReviewDecision.objects.create(review=review, reviewer=reviewer, decision=Decision.APPROVE)


def test_the_program_starts_with_the_five_reason_codes(db):
    assert set(ReasonCode.objects.values_list("code", flat=True)) >= {
        "policy",
        "quality",
        "likeness",
        "intellectual-property",
        "other",
    }
