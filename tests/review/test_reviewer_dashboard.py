"""The reviewer's dashboard: what waits for them, their decisions today, their median time, appeals, revisions."""

from __future__ import annotations

from datetime import datetime, timedelta
from unittest import mock

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accessprogram.services.context import Actor
from review.models import Review, ReviewDecision
from review.services.dashboard import reviewer_dashboard
from review.services.reviews import review_appeal, review_claim, review_decide
from review.services.revisions import revision_submit
from tests.conftest import make_output

NOW = timezone.make_aware(datetime(2026, 3, 10, 15, 0))


def at(moment):
    return mock.patch("django.utils.timezone.now", return_value=moment)


def decide(output, reviewer, decision, *, entered, decided, **fields):
    Review.objects.filter(output=output).update(created_at=entered)
    with at(decided):
        review_decide(actor=Actor(user=reviewer), output=output, decision=decision, **fields)
    # The row's default took the real clock's function when the model was defined.
    ReviewDecision.objects.filter(review__output=output).update(created_at=decided)


def test_the_figures(reviewer, reviewer2, artist, artist2, demo_generation_model):
    outputs = [make_output(artist if i % 2 else artist2, demo_generation_model) for i in range(7)]
    # Given two decisions today by this reviewer (waited 1 h and 3 h), one yesterday (5 h), one 40 days ago
    decide(outputs[0], reviewer, "approve", entered=NOW - timedelta(hours=2), decided=NOW - timedelta(hours=1))
    decide(
        outputs[1],
        reviewer,
        "request_changes",
        note="Less fog",
        entered=NOW - timedelta(hours=5),
        decided=NOW - timedelta(hours=2),
    )
    decide(
        outputs[2],
        reviewer,
        "reject",
        reason="quality",
        entered=NOW - timedelta(days=1, hours=5),
        decided=NOW - timedelta(days=1),
    )
    decide(outputs[3], reviewer, "approve", entered=NOW - timedelta(days=41), decided=NOW - timedelta(days=40))
    # and another reviewer's decision, an appeal, a revision in the queue, a claim by each reviewer
    decide(outputs[4], reviewer2, "approve", entered=NOW - timedelta(hours=9), decided=NOW - timedelta(hours=8))
    with at(NOW - timedelta(hours=1)):
        review_appeal(actor=Actor(user=outputs[2].owner), output=outputs[2], message="Please look again")
    revision = revision_submit(actor=Actor(user=outputs[1].owner), output=outputs[1], prompt="no fog")
    make_output(outputs[1].owner, demo_generation_model, job=revision.job)
    with at(NOW - timedelta(minutes=1)):
        review_claim(actor=Actor(user=reviewer), output=outputs[5])
        review_claim(actor=Actor(user=reviewer2), output=outputs[6])

    figures = reviewer_dashboard(reviewer, now=NOW)

    # Waiting: outputs 5 and 6, the appeal of 2 and the revision of 1; 5 is held by this reviewer, 6 by the other
    assert (figures.claimed_by_me, figures.unclaimed) == (1, 2)
    assert figures.decisions_today == 2
    assert figures.my_median == timedelta(hours=3)  # of 1 h, 3 h and 5 h: 40 days ago is outside the window
    assert (figures.open_appeals, figures.revisions_waiting, figures.changes_awaiting_tester) == (1, 1, 0)


def test_a_request_for_changes_waits_for_its_tester_until_answered(reviewer, artist_output):
    review_decide(actor=Actor(user=reviewer), output=artist_output, decision="request_changes", note="Brighter")
    assert reviewer_dashboard(reviewer).changes_awaiting_tester == 1
    revision_submit(actor=Actor(user=artist_output.owner), output=artist_output, prompt="brighter")
    assert reviewer_dashboard(reviewer).changes_awaiting_tester == 0


def test_the_dashboard_page_shows_the_panel(as_reviewer, reviewer, artist_output):
    review_decide(actor=Actor(user=reviewer), output=artist_output, decision="approve")
    html = as_reviewer.get(reverse("accessprogram:dashboard")).content.decode()
    assert "Your decisions today" in html and "Your median time to decide" in html and "Revisions waiting" in html
    assert ReviewDecision.objects.count() == 1


def test_the_queue_reads_every_flag_and_thumbnail_in_the_same_queries(
    as_reviewer, reviewer, artist, artist2, demo_generation_model, django_assert_num_queries
):
    make_output(artist, demo_generation_model)
    as_reviewer.get(reverse("review:review_queue"))
    with CaptureQueriesContext(connection) as plain:
        as_reviewer.get(reverse("review:review_queue"))
    for owner in (artist, artist2, artist):
        output = make_output(owner, demo_generation_model)
        review_decide(actor=Actor(user=reviewer), output=output, decision="request_changes", note="again")
        revision = revision_submit(actor=Actor(user=owner), output=output, prompt="again")
        make_output(owner, demo_generation_model, job=revision.job)
    with django_assert_num_queries(len(plain)):
        html = as_reviewer.get(reverse("review:review_queue")).content.decode()
    assert html.count('class="badge revision"') == 3 and html.count("data-scrub") == 4
    assert "js/queue.js" in html and 'preload="none"' in html
