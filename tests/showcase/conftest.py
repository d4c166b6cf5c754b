"""Showcase fixtures: a published rate card, approved outputs, and an open call with a jury."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accessprogram.services.context import Actor
from contributions.models import RateCard, RateCardLine
from contributions.services.ledger import next_rate_card_version, rate_card_publish
from review.services.reviews import review_decide
from showcase.services.calls import RubricItem, showcase_call_open
from tests.conftest import make_output

SHOWCASE_RATE = 25_000


@pytest.fixture
def rate_card(admin_user) -> RateCard:
    card = RateCard.objects.create(version=next_rate_card_version())
    RateCardLine.objects.create(rate_card=card, kind="showcase", amount_minor=SHOWCASE_RATE, currency="EUR")
    return rate_card_publish(actor=Actor(user=admin_user), card=card)


def approved_output_of(owner, model, reviewer):
    output = make_output(owner, model)
    review_decide(actor=Actor(user=reviewer), output=output, decision="approve")
    output.refresh_from_db()
    return output


@pytest.fixture
def approved(artist, demo_generation_model, reviewer):
    return approved_output_of(artist, demo_generation_model, reviewer)


@pytest.fixture
def red_approved(red_teamer, demo_generation_model, reviewer):
    return approved_output_of(red_teamer, demo_generation_model, reviewer)


def open_call(admin, *, jurors=(), exclude_cohort_mates=False, max_per_tester=2, **fields):
    return showcase_call_open(
        actor=Actor(user=admin),
        title=fields.get("title", "Light and water"),
        brief=fields.get("brief", "Short films about light on water."),
        deadline=fields.get("deadline", timezone.now() + timedelta(days=7)),
        rubric=fields.get("rubric", [RubricItem("Craft", 10), RubricItem("Story", 5)]),
        max_submissions_per_tester=max_per_tester,
        exclude_cohort_mates=exclude_cohort_mates,
        jurors=list(jurors),
    )


@pytest.fixture
def call(admin_user, reviewer, artist2, red_teamer):
    """An open call whose jury is a reviewer, an artist in the artist's cohort and a red-teamer outside it."""
    return open_call(admin_user, jurors=[reviewer, artist2, red_teamer], exclude_cohort_mates=True)
