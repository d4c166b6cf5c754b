"""review_decide: approve, reject, request changes and withdraw, with every rule the queue relies on."""

from __future__ import annotations

import pytest

from accessprogram.errors import Conflict, InvalidFields, NotAllowed
from accessprogram.models import AuditEvent, Role
from accessprogram.services.context import Actor
from accessprogram.services.members import user_set_staff_roles
from review.models import Review, ReviewDecision
from review.services.reviews import review_claim, review_decide
from tests.conftest import make_output
from tests.review.conftest import approve


def decide(output, reviewer, decision, **kwargs):
    return review_decide(actor=Actor(user=reviewer), output=output, decision=decision, **kwargs)


def test_approving_marks_the_output_approved_and_audits_it(artist_output, reviewer):
    review = approve(artist_output, reviewer)
    artist_output.refresh_from_db()
    assert review.state == "approved" and review.decided_at is not None
    assert artist_output.review_status == "approved"
    event = AuditEvent.objects.filter(action="review.approved").get()
    assert event.target_id == str(artist_output.pk) and event.actor == reviewer


def test_a_rejection_needs_a_reason_code(artist_output, reviewer):
    with pytest.raises(InvalidFields) as exc:
        decide(artist_output, reviewer, "reject", note="no")
    assert "reason" in exc.value.errors
    review = decide(artist_output, reviewer, "reject", reason="likeness", note="A real person.")
    assert review.state == "rejected"
    decision = ReviewDecision.objects.get(review=review)
    assert decision.reason.code == "likeness" and decision.note == "A real person."
    assert AuditEvent.objects.filter(action="review.rejected", details__reason="likeness").exists()


def test_an_unknown_reason_code_is_a_field_error(artist_output, reviewer):
    with pytest.raises(Exception) as exc:
        decide(artist_output, reviewer, "reject", reason="vibes")
    assert getattr(exc.value, "field", None) == "reason"


def test_requesting_changes_needs_a_note(artist_output, reviewer):
    with pytest.raises(InvalidFields) as exc:
        decide(artist_output, reviewer, "request_changes")
    assert "note" in exc.value.errors
    decide(artist_output, reviewer, "request_changes", note="Shorter, please.")
    artist_output.refresh_from_db()
    assert artist_output.review_status == "changes_requested"


def test_a_decided_output_cannot_be_decided_again(artist_output, reviewer, admin_user):
    approve(artist_output, reviewer)
    with pytest.raises(Conflict):
        decide(artist_output, admin_user, "reject", reason="policy")


def test_testers_cannot_decide(artist_output, artist2):
    with pytest.raises(NotAllowed):
        approve(artist_output, artist2)


def test_a_reviewer_never_reviews_their_own_output(artist, demo_generation_model, reviewer):
    user_set_staff_roles(actor=Actor.system(), user=artist, roles={Role.REVIEWER})
    output = make_output(artist, demo_generation_model)
    with pytest.raises(NotAllowed):
        approve(output, artist)
    with pytest.raises(NotAllowed):
        review_claim(actor=Actor(user=artist), output=output)


def test_another_reviewers_claim_blocks_a_decision(artist_output, reviewer, admin_user):
    review_claim(actor=Actor(user=reviewer), output=artist_output)
    with pytest.raises(Conflict) as exc:
        approve(artist_output, admin_user)
    assert exc.value.code == "claimed"
    approve(artist_output, reviewer)


def test_an_expired_claim_no_longer_blocks(artist_output, reviewer, admin_user):
    review_claim(actor=Actor(user=reviewer), output=artist_output)
    Review.objects.filter(output=artist_output).update(claimed_until="2000-01-01T00:00:00Z")
    assert approve(artist_output, admin_user).state == "approved"


def test_two_approval_cohorts_need_two_different_reviewers(artist_output, reviewer, reviewer2, cohort):
    cohort.approvals_required = 2
    cohort.save()
    review = approve(artist_output, reviewer)
    artist_output.refresh_from_db()
    assert review.state == "pending" and artist_output.review_status == "pending"
    assert review.claimed_by is None, "the first approval releases the claim for a second reviewer"
    with pytest.raises(Conflict) as exc:
        approve(artist_output, reviewer)
    assert exc.value.code == "already_approved"
    assert approve(artist_output, reviewer2).state == "approved"
    assert AuditEvent.objects.filter(action="review.first_approval").count() == 1


def test_the_second_reviewer_may_still_reject(artist_output, reviewer, reviewer2, cohort):
    cohort.approvals_required = 2
    cohort.save()
    approve(artist_output, reviewer)
    assert decide(artist_output, reviewer2, "reject", reason="quality").state == "rejected"


def test_withdrawing_an_approval(artist_output, reviewer, admin_user):
    with pytest.raises(Conflict):
        decide(artist_output, reviewer, "withdraw")
    approve(artist_output, reviewer)
    review = decide(artist_output, admin_user, "withdraw", reason="policy", note="Reported.")
    artist_output.refresh_from_db()
    assert review.state == "withdrawn" and artist_output.review_status == "withdrawn"
    assert AuditEvent.objects.filter(action="review.withdrawn", actor=admin_user).exists()
