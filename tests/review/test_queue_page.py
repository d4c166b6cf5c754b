"""The reviewer's queue page: oldest first, filters, the item page (claimed on open) and decisions."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from accessprogram.services.context import Actor
from review.models import Review
from review.services.reviews import review_appeal, review_claim, review_decide
from tests.conftest import client_for, make_output


def test_the_queue_lists_outputs_oldest_first(as_reviewer, artist, artist2, demo_generation_model):
    newer = make_output(artist, demo_generation_model)
    older = make_output(artist2, demo_generation_model)
    Review.objects.filter(output=older).update(created_at=timezone.now() - timedelta(hours=3))
    html = as_reviewer.get(reverse("review:review_queue")).content.decode()
    assert html.index(older.short_id) < html.index(newer.short_id)


def test_the_queue_filters_by_tester_cohort_model_and_age(as_reviewer, artist, artist2, demo_generation_model, cohort):
    mine = make_output(artist, demo_generation_model)
    theirs = make_output(artist2, demo_generation_model)
    Review.objects.filter(output=theirs).update(created_at=timezone.now() - timedelta(hours=5))
    html = as_reviewer.get(reverse("review:review_queue"), {"tester": "bram"}).content.decode()
    assert theirs.short_id in html and mine.short_id not in html
    html = as_reviewer.get(reverse("review:review_queue"), {"min_age_hours": "4"}).content.decode()
    assert theirs.short_id in html and mine.short_id not in html
    html = as_reviewer.get(
        reverse("review:review_queue"), {"cohort": cohort.pk, "model": demo_generation_model.pk}
    ).content.decode()
    assert theirs.short_id in html and mine.short_id in html


def test_the_queue_is_for_reviewers_only(as_artist, client):
    assert as_artist.get(reverse("review:review_queue")).status_code == 403
    assert client.get(reverse("review:review_queue")).status_code == 302


def test_the_backlog_notice_appears_over_the_threshold(as_reviewer, artist_output):
    from review.models import ReviewSettings

    settings = ReviewSettings.current()
    settings.backlog_threshold = 0
    settings.save()
    assert "more than the 0" in as_reviewer.get(reverse("review:review_queue")).content.decode()


def test_opening_an_item_claims_it_and_shows_everything_to_decide(as_reviewer, reviewer, artist_output):
    response = as_reviewer.get(reverse("review:review_item", args=[artist_output.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert reverse("generation:output_video", args=[artist_output.pk]) in html
    assert reverse("generation:output_poster", args=[artist_output.pk]) in html
    assert "a lighthouse at dusk" in html and "js/review.js" in html and 'name="decision"' in html
    assert Review.objects.get(output=artist_output).claimed_by == reviewer


def test_an_item_held_by_another_reviewer_cannot_be_decided_here(as_admin, reviewer, artist_output):
    review_claim(actor=Actor(user=reviewer), output=artist_output)
    html = as_admin.get(reverse("review:review_item", args=[artist_output.pk]), follow=True).content.decode()
    assert "is reviewing this output" in html and 'name="decision"' not in html


def test_the_item_page_shows_the_testers_recent_history(as_reviewer, artist, demo_generation_model):
    earlier = make_output(artist, demo_generation_model)
    current = make_output(artist, demo_generation_model)
    html = as_reviewer.get(reverse("review:review_item", args=[current.pk])).content.decode()
    assert reverse("review:review_item", args=[earlier.pk]) in html


def test_deciding_from_the_page_moves_to_the_next_item(as_reviewer, artist, demo_generation_model):
    first = make_output(artist, demo_generation_model)
    second = make_output(artist, demo_generation_model)
    response = as_reviewer.post(reverse("review:review_decide", args=[first.pk]), {"decision": "approve"})
    assert response.status_code == 302 and response["Location"] == reverse("review:review_item", args=[second.pk])
    first.refresh_from_db()
    assert first.review_status == "approved"


def test_a_bad_decision_comes_back_as_a_message(as_reviewer, artist_output):
    response = as_reviewer.post(
        reverse("review:review_decide", args=[artist_output.pk]), {"decision": "reject"}, follow=True
    )
    assert "A rejection needs a reason code." in response.content.decode()
    artist_output.refresh_from_db()
    assert artist_output.review_status == "pending"


def test_a_reviewer_withdraws_from_the_item_page(as_reviewer, approved_output):
    html = as_reviewer.get(reverse("review:review_item", args=[approved_output.pk])).content.decode()
    assert "Withdraw approval" in html
    as_reviewer.post(reverse("review:review_decide", args=[approved_output.pk]), {"decision": "withdraw"})
    approved_output.refresh_from_db()
    assert approved_output.review_status == "withdrawn"


def test_testers_cannot_post_decisions(artist2, artist_output):
    response = client_for(artist2).post(
        reverse("review:review_decide", args=[artist_output.pk]), {"decision": "approve"}
    )
    assert response.status_code == 403
    artist_output.refresh_from_db()
    assert artist_output.review_status == "pending"


def test_the_queue_page_reads_a_constant_number_of_queries(as_reviewer, artist, demo_generation_model):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert as_reviewer.get(reverse("review:review_queue")).status_code == 200
        return len(queries)

    make_output(artist, demo_generation_model)
    count()  # the first request may create the review settings row
    few = count()
    for _ in range(5):
        make_output(artist, demo_generation_model)
    assert count() == few


def test_claimed_appealed_and_half_approved_rows_add_no_queries(
    as_reviewer, admin_user, artist, artist2, demo_generation_model, cohort, django_assert_num_queries
):
    """Every badge a row can carry reads from the page's one query, not one query per row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_output(artist, demo_generation_model)
    as_reviewer.get(reverse("review:review_queue"))
    with CaptureQueriesContext(connection) as plain:
        as_reviewer.get(reverse("review:review_queue"))

    cohort.approvals_required = 2
    cohort.save()
    half = make_output(artist2, demo_generation_model)
    review_decide(actor=Actor(user=admin_user), output=half, decision="approve")
    claimed = make_output(artist, demo_generation_model)
    review_claim(actor=Actor(user=admin_user), output=claimed)
    appealed = make_output(artist2, demo_generation_model)
    review_decide(actor=Actor(user=admin_user), output=appealed, decision="reject", reason="quality")
    review_appeal(actor=Actor(user=artist2), output=appealed, message="Please look again.")

    with django_assert_num_queries(len(plain)):
        html = as_reviewer.get(reverse("review:review_queue")).content.decode()
    assert "appeal" in html and "1 of 2 approvals" in html and "with " in html
