"""The review queue's "waiting at least" filter takes any number without failing, on the API and the page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import make_output

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("hours", ["1e300", "-1e300", "inf", "nan", "{}"])
def test_the_queue_api_answers_any_age_filter(as_reviewer, artist, demo_generation_model, hours):
    make_output(artist, demo_generation_model)

    response = as_reviewer.get("/api/v1/review/queue/", {"min_age_hours": hours})

    assert response.status_code == 200
    assert len(response.json()["results"]) == (0 if hours == "1e300" else 1)


def test_the_queue_page_answers_an_age_no_review_can_reach(as_reviewer, artist, demo_generation_model):
    make_output(artist, demo_generation_model)

    response = as_reviewer.get(reverse("review:review_queue"), {"min_age_hours": "1e300"})

    assert response.status_code == 200
