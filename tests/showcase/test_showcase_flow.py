"""A showcase call from open to published: submissions, conflicts, the jury's scores, winners, pay and credits."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accessprogram.models import AuditEvent
from accessprogram.services.context import Actor
from contributions.models import LedgerEntry
from review.models import GalleryEntry
from review.services.reviews import review_decide
from showcase.models import CallStatus, Scorecard, Submission
from tests.conftest import client_for
from tests.showcase.conftest import SHOWCASE_RATE


def score(client, submission, craft, story):
    criteria = list(submission.call.criteria.all())
    prefix = f"s{submission.pk}"
    return client.post(
        reverse("showcase:showcase_score", args=[submission.pk]),
        {f"{prefix}-c{criteria[0].pk}": craft, f"{prefix}-c{criteria[1].pk}": story},
    )


def confirm(client, call):
    return client.post(reverse("showcase:showcase_jury_confirm", args=[call.pk]))


def test_a_call_runs_from_open_to_published_with_credits(
    admin_user, reviewer, artist, artist2, red_teamer, approved, red_approved, rate_card
):
    # Given: staff open a call with a rubric, a deadline and a jury that may not score cohort-mates.
    as_admin = client_for(admin_user)
    deadline = (timezone.localtime() + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M")
    response = as_admin.post(
        reverse("showcase:showcase_admin_list"),
        {
            "title": "Light and water",
            "brief": "Short films about light on water.",
            "rubric": "Craft | 10\nStory | 5",
            "deadline": deadline,
            "max_submissions_per_tester": 2,
            "exclude_cohort_mates": "on",
            "jurors": [reviewer.pk, artist2.pk, red_teamer.pk],
        },
    )
    assert response.status_code == 302
    from showcase.models import ShowcaseCall

    call = ShowcaseCall.objects.get()
    assert [(c.name, c.max_points) for c in call.criteria.all()] == [("Craft", 10), ("Story", 5)]
    assert call.exclude_cohort_mates and call.juror_assignments.count() == 3

    # When: the artist submits from the portal and the red-teamer through the API.
    as_artist = client_for(artist)
    assert "Light and water" in as_artist.get(reverse("showcase:showcase_list")).content.decode()
    response = as_artist.post(
        reverse("showcase:showcase_submit", args=[call.pk]), {"output": approved.pk, "credit_line": "Aiko, Lisbon"}
    )
    assert response.status_code == 302
    response = client_for(red_teamer).post(
        reverse("showcase-call-submit", args=[call.pk]),
        {"output": str(red_approved.pk)},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    aiko = Submission.objects.get(output=approved)
    rosa = Submission.objects.get(output=red_approved)
    assert aiko.credit_line == "Aiko, Lisbon" and rosa.credit_line == "Rosa Redteam"

    # The jury: nobody scores before confirming their conflicts.
    as_reviewer, as_bram, as_rosa = client_for(reviewer), client_for(artist2), client_for(red_teamer)
    assert score(as_reviewer, aiko, 8, 4).status_code == 409
    # The reviewer declares a conflict with Rosa's film, then confirms and scores Aiko's.
    response = as_reviewer.post(
        reverse("showcase:showcase_conflict", args=[rosa.pk]), {f"k{rosa.pk}-reason": "We are friends"}
    )
    assert response.status_code == 302
    confirm(as_reviewer, call)
    assert score(as_reviewer, aiko, 8, 4).status_code == 302
    assert score(as_reviewer, rosa, 5, 5).status_code == 403
    # Bram shares Aiko's cohort: the call keeps him from scoring her; he scores Rosa's.
    confirm(as_bram, call)
    jury_page = as_bram.get(reverse("showcase:showcase_jury", args=[call.pk])).content.decode()
    assert "cohort-mates" in jury_page
    assert score(as_bram, aiko, 10, 5).status_code == 403
    assert score(as_bram, rosa, 6, 2).status_code == 302
    # Rosa never scores her own film; she scores Aiko's.
    confirm(as_rosa, call)
    assert score(as_rosa, rosa, 10, 5).status_code == 403
    assert score(as_rosa, aiko, 9, 3).status_code == 302
    assert Scorecard.objects.count() == 3

    # Staff close the call and see the ranking by mean score: Aiko (12 + 12) / 2 = 12 above Rosa's 8.
    assert as_admin.post(reverse("showcase:showcase_admin_close", args=[call.pk])).status_code == 302
    call.refresh_from_db()
    assert call.status == CallStatus.CLOSED
    assert score(as_rosa, aiko, 1, 1).status_code == 409
    page = as_admin.get(reverse("showcase:showcase_admin_call", args=[call.pk])).content.decode()
    assert page.index("Aiko, Lisbon") < page.index("Rosa Redteam")
    assert "12.00" in page and "8.00" in page

    # Selecting Aiko posts the rate card's showcase amount to her ledger, once.
    assert as_admin.post(reverse("showcase:showcase_admin_select", args=[aiko.pk])).status_code == 302
    assert as_admin.post(reverse("showcase:showcase_admin_select", args=[aiko.pk])).status_code == 302
    entry = LedgerEntry.objects.get(kind="showcase")
    assert (entry.tester, entry.amount_minor, entry.currency, entry.status) == (artist, SHOWCASE_RATE, "EUR", "pending")
    assert entry.source == aiko
    assert not LedgerEntry.objects.filter(tester=red_teamer).exists()

    # Publishing puts the winner in the public gallery with her credit line; the results page lists it.
    assert "Aiko, Lisbon" not in Client().get(reverse("review:gallery")).content.decode()
    assert as_admin.post(reverse("showcase:showcase_admin_publish", args=[call.pk])).status_code == 302
    call.refresh_from_db()
    assert call.status == CallStatus.PUBLISHED
    gallery_entry = GalleryEntry.objects.get(output=approved)
    assert gallery_entry.credit_line == "Aiko, Lisbon"
    gallery = Client().get(reverse("review:gallery")).content.decode()
    assert "Aiko, Lisbon" in gallery and "Rosa Redteam" not in gallery
    results = as_bram.get(reverse("showcase:showcase_call", args=[call.pk])).content.decode()
    assert "Winners" in results and "Aiko, Lisbon" in results
    assert reverse("review:gallery_media", args=[gallery_entry.slug]) in results

    # Every decision is in the audit log.
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "showcase.call_opened",
        "showcase.submitted",
        "showcase.conflict_declared",
        "showcase.conflicts_confirmed",
        "showcase.scored",
        "showcase.call_closed",
        "showcase.selected",
        "showcase.published",
        "ledger.posted",
    } <= actions

    # Withdrawing the winner's approval takes it off the gallery and the results on the next request.
    review_decide(actor=Actor(user=reviewer), output=approved, decision="withdraw")
    assert "Aiko, Lisbon" not in Client().get(reverse("review:gallery")).content.decode()
    assert "Aiko, Lisbon" not in as_bram.get(reverse("showcase:showcase_call", args=[call.pk])).content.decode()
    assert Client().get(reverse("review:gallery_media", args=[gallery_entry.slug])).status_code == 404


def test_a_suspended_winners_work_leaves_the_gallery(admin_user, artist, approved, rate_card, reviewer):
    from accessprogram.services.suspensions import suspension_create
    from showcase.services.calls import showcase_call_close, showcase_call_publish, showcase_select, showcase_submit
    from tests.showcase.conftest import open_call

    call = open_call(admin_user)
    submission = showcase_submit(actor=Actor(user=artist), call=call, output=approved, credit_line="Aiko")
    admin = Actor(user=admin_user)
    showcase_call_close(actor=admin, call=call)
    showcase_select(actor=admin, submission=submission)
    showcase_call_publish(actor=admin, call=call)
    assert "Aiko" in Client().get(reverse("review:gallery")).content.decode()
    suspension_create(actor=admin, scope="tester", target=artist, reason="Leaked token")
    assert "Aiko" not in Client().get(reverse("review:gallery")).content.decode()


def test_an_owner_who_already_shows_the_winner_keeps_their_gallery_credit(admin_user, artist, approved, rate_card):
    from review.services.sharing import gallery_add
    from showcase.services.calls import showcase_call_close, showcase_call_publish, showcase_select, showcase_submit
    from tests.showcase.conftest import open_call

    gallery_add(actor=Actor(user=artist), output=approved, credit_line="Aiko A.")
    call = open_call(admin_user)
    submission = showcase_submit(actor=Actor(user=artist), call=call, output=approved, credit_line="Aiko, Lisbon")
    admin = Actor(user=admin_user)
    showcase_call_close(actor=admin, call=call)
    showcase_select(actor=admin, submission=submission)
    showcase_call_publish(actor=admin, call=call)
    assert GalleryEntry.objects.get(output=approved).credit_line == "Aiko A."


def test_the_calls_api_lists_calls_with_their_rubric(call, artist):
    response = client_for(artist).get(reverse("showcase-call-list"))
    assert response.status_code == 200
    body = response.json()
    results = body["results"] if isinstance(body, dict) else body
    assert results[0]["title"] == "Light and water"
    assert [c["max_points"] for c in results[0]["rubric"]] == [10, 5]
    assert results[0]["accepts_submissions"] is True
