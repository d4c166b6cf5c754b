"""Review fixtures: a second reviewer (for two-approval cohorts) and shortcuts for common decisions."""

from __future__ import annotations

import pytest

from accessprogram.models import Role
from accessprogram.services.context import Actor
from review.services.reviews import review_decide
from review.services.sharing import share_link_create
from tests.conftest import make_member


@pytest.fixture
def reviewer2(db, nda):
    return make_member(email="vera@vernissage.test", name="Vera Reviewer", role=Role.REVIEWER, cohort=None)


def approve(output, reviewer):
    return review_decide(actor=Actor(user=reviewer), output=output, decision="approve")


def share(output, user=None, **kwargs):
    return share_link_create(actor=Actor(user=user or output.owner), output=output, **kwargs)


@pytest.fixture
def approved_output(artist_output, reviewer):
    approve(artist_output, reviewer)
    artist_output.refresh_from_db()
    return artist_output
