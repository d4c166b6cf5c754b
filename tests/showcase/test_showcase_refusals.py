"""Every bad input to a showcase call gets a 4xx or a form error, and changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accessprogram.errors import Conflict, DomainError, InvalidFields, NotAllowed
from accessprogram.services.context import Actor
from contributions.models import LedgerEntry
from showcase.models import ShowcaseCall, Submission
from showcase.services.calls import (
    RubricItem,
    showcase_call_close,
    showcase_call_publish,
    showcase_conflicts_confirm,
    showcase_score,
    showcase_select,
    showcase_submit,
)
from tests.conftest import client_for, make_output
from tests.showcase.conftest import approved_output_of, open_call


def submit_api(user, call, output, **data):
    return client_for(user).post(
        reverse("showcase-call-submit", args=[call.pk]),
        {"output": str(output.pk), **data},
        content_type="application/json",
    )


def test_it_refuses_an_output_that_is_not_approved(call, artist, demo_generation_model):
    pending = make_output(artist, demo_generation_model)
    response = client_for(artist).post(reverse("showcase:showcase_submit", args=[call.pk]), {"output": pending.pk})
    assert response.status_code == 400 and "output" in response.context["form"].errors
    response = submit_api(artist, call, pending)
    assert response.status_code == 409 and response.json()["code"] == "not_approved"
    assert "output" in response.json()["errors"]
    assert not Submission.objects.exists()


def test_it_refuses_another_testers_output(call, artist, artist2, approved):
    response = client_for(artist2).post(reverse("showcase:showcase_submit", args=[call.pk]), {"output": approved.pk})
    assert response.status_code == 400 and "output" in response.context["form"].errors
    response = submit_api(artist2, call, approved)
    assert response.status_code == 400 and "output" in response.json()["errors"]
    with pytest.raises(NotAllowed):
        showcase_submit(actor=Actor(user=artist2), call=call, output=approved)
    assert not Submission.objects.exists()


def test_it_refuses_submissions_after_the_deadline(call, artist, approved):
    ShowcaseCall.objects.filter(pk=call.pk).update(deadline=timezone.now() - timedelta(seconds=1))
    response = submit_api(artist, call, approved)
    assert response.status_code == 409 and response.json()["code"] == "call_closed"
    response = client_for(artist).post(reverse("showcase:showcase_submit", args=[call.pk]), {"output": approved.pk})
    assert response.status_code in (400, 409)
    assert not Submission.objects.exists()


def test_it_refuses_more_than_the_calls_limit_per_tester(admin_user, artist, demo_generation_model, reviewer):
    call = open_call(admin_user, max_per_tester=1)
    first, second = (approved_output_of(artist, demo_generation_model, reviewer) for _ in range(2))
    assert submit_api(artist, call, first).status_code == 201
    response = submit_api(artist, call, second)
    assert response.status_code == 409 and response.json()["code"] == "submission_limit"
    assert submit_api(artist, call, first).status_code == 409


def test_staff_cannot_submit_and_the_api_needs_a_tester(call, reviewer, approved):
    assert submit_api(reviewer, call, approved).status_code == 403


def test_it_refuses_scores_out_of_bounds(call, artist, reviewer, approved):
    submission = showcase_submit(actor=Actor(user=artist), call=call, output=approved)
    showcase_conflicts_confirm(actor=Actor(user=reviewer), call=call)
    craft, story = call.criteria.all()
    prefix = f"s{submission.pk}"
    response = client_for(reviewer).post(
        reverse("showcase:showcase_score", args=[submission.pk]),
        {f"{prefix}-c{craft.pk}": 11, f"{prefix}-c{story.pk}": -1},
    )
    assert response.status_code == 400
    with pytest.raises(InvalidFields) as refused:
        showcase_score(actor=Actor(user=reviewer), submission=submission, points={craft.pk: 11, story.pk: 2})
    assert f"c{craft.pk}" in refused.value.errors
    with pytest.raises(InvalidFields):
        showcase_score(actor=Actor(user=reviewer), submission=submission, points={craft.pk: 3})
    with pytest.raises(InvalidFields):
        showcase_score(actor=Actor(user=reviewer), submission=submission, points={craft.pk: 3, story.pk: 2, 999: 1})
    assert not submission.scorecards.exists()


def test_only_the_calls_jurors_score(call, artist, admin_user, approved):
    submission = showcase_submit(actor=Actor(user=artist), call=call, output=approved)
    craft, story = call.criteria.all()
    response = client_for(admin_user).post(
        reverse("showcase:showcase_score", args=[submission.pk]), {f"s{submission.pk}-c{craft.pk}": 1}
    )
    assert response.status_code == 404
    assert client_for(admin_user).get(reverse("showcase:showcase_jury", args=[call.pk])).status_code == 404
    with pytest.raises(NotAllowed):
        showcase_score(actor=Actor(user=admin_user), submission=submission, points={craft.pk: 1, story.pk: 1})


def test_a_declared_conflict_strikes_an_earlier_score(call, artist, reviewer, approved):
    from showcase.services.calls import showcase_conflict_declare

    submission = showcase_submit(actor=Actor(user=artist), call=call, output=approved)
    juror = Actor(user=reviewer)
    showcase_conflicts_confirm(actor=juror, call=call)
    craft, story = call.criteria.all()
    showcase_score(actor=juror, submission=submission, points={craft.pk: 5, story.pk: 5})
    showcase_conflict_declare(actor=juror, submission=submission, reason="My cousin")
    assert not submission.scorecards.exists()
    with pytest.raises(NotAllowed):
        showcase_score(actor=juror, submission=submission, points={craft.pk: 5, story.pk: 5})
    with pytest.raises(Conflict):
        showcase_conflict_declare(actor=juror, submission=submission, reason="Again")


def test_a_conflict_needs_a_reason(call, artist, reviewer, approved):
    submission = showcase_submit(actor=Actor(user=artist), call=call, output=approved)
    response = client_for(reviewer).post(
        reverse("showcase:showcase_conflict", args=[submission.pk]), {f"k{submission.pk}-reason": ""}
    )
    assert response.status_code == 400 and not submission.conflicts.exists()


def test_winners_are_chosen_only_between_closing_and_publishing(admin_user, call, artist, approved, rate_card):
    admin = Actor(user=admin_user)
    submission = showcase_submit(actor=Actor(user=artist), call=call, output=approved)
    with pytest.raises(Conflict):
        showcase_select(actor=admin, submission=submission)
    showcase_call_close(actor=admin, call=call)
    with pytest.raises(Conflict):
        showcase_call_publish(actor=admin, call=call)
    with pytest.raises(Conflict):
        showcase_call_close(actor=admin, call=call)
    with pytest.raises(NotAllowed):
        showcase_select(actor=Actor(user=artist), submission=submission)
    assert not LedgerEntry.objects.exists()


def test_a_withdrawn_output_cannot_win(admin_user, call, artist, approved, reviewer, rate_card):
    from review.services.reviews import review_decide

    admin = Actor(user=admin_user)
    submission = showcase_submit(actor=Actor(user=artist), call=call, output=approved)
    showcase_call_close(actor=admin, call=call)
    review_decide(actor=Actor(user=reviewer), output=approved, decision="withdraw")
    response = client_for(admin_user).post(reverse("showcase:showcase_admin_select", args=[submission.pk]))
    assert response.status_code == 302
    submission.refresh_from_db()
    assert not submission.is_selected and not LedgerEntry.objects.exists()


def test_selection_needs_a_showcase_rate(admin_user, call, artist, approved):
    admin = Actor(user=admin_user)
    submission = showcase_submit(actor=Actor(user=artist), call=call, output=approved)
    showcase_call_close(actor=admin, call=call)
    with pytest.raises(DomainError) as refused:
        showcase_select(actor=admin, submission=submission)
    assert refused.value.status_code == 409 and refused.value.code == "no_rate"
    submission.refresh_from_db()
    assert not submission.is_selected


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"rubric": "Craft"}, "rubric"),
        ({"rubric": "Craft | 0"}, "rubric"),
        ({"rubric": "Craft | 10\ncraft | 5"}, "rubric"),
        ({"rubric": ""}, "rubric"),
        ({"deadline": "2000-01-01T00:00"}, "deadline"),
        ({"title": ""}, "title"),
        ({"max_submissions_per_tester": 0}, "max_submissions_per_tester"),
    ],
)
def test_opening_a_call_reports_each_bad_field(admin_user, changes, field):
    data = {
        "title": "Night",
        "brief": "Films of the night.",
        "rubric": "Craft | 10",
        "deadline": (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
        "max_submissions_per_tester": 2,
    }
    response = client_for(admin_user).post(reverse("showcase:showcase_admin_list"), data | changes)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not ShowcaseCall.objects.exists()


def test_only_program_admins_open_calls(reviewer):
    with pytest.raises(NotAllowed):
        open_call(reviewer)
    response = client_for(reviewer).post(reverse("showcase:showcase_admin_list"), {"title": "x"})
    assert response.status_code == 403


def test_a_tester_without_membership_cannot_sit_on_a_jury(admin_user, artist):
    from accessprogram.models import Membership
    from accessprogram.services.members import membership_end

    membership_end(actor=Actor.system(), membership=Membership.objects.get(user=artist))
    with pytest.raises(InvalidFields) as refused:
        open_call(admin_user, jurors=[artist])
    assert "jurors" in refused.value.errors


def test_a_rubric_item_must_be_a_whole_number(admin_user):
    with pytest.raises(InvalidFields):
        open_call(admin_user, rubric=[RubricItem("Craft", 101)])
