"""The review of every output: entering the queue, claiming, deciding, withdrawing and appealing."""

from __future__ import annotations

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from accessprogram.errors import Conflict, DomainError, InvalidFields, NotAllowed
from accessprogram.models import NotificationKind
from accessprogram.services.audit import audit_record
from accessprogram.services.context import Actor
from accessprogram.services.notifications import notify
from generation.models import Output
from review.models import Decision, ReasonCode, Review, ReviewDecision, ReviewSettings, ReviewState
from review.services.provenance import sign_approved_output
from review.services.revisions import revision_link_output

NOTE_MAX = 2000
APPEAL_MAX = 2000

_CLOSING_STATE = {
    Decision.REJECT: ReviewState.REJECTED,
    Decision.REQUEST_CHANGES: ReviewState.CHANGES_REQUESTED,
}


# What the owner is told of each closing decision, on a first review and on an appeal.
_DECISION_TITLES = {
    ReviewState.APPROVED: gettext_noop("Output %(short_id)s was approved"),
    ReviewState.REJECTED: gettext_noop("Output %(short_id)s was rejected"),
    ReviewState.CHANGES_REQUESTED: gettext_noop("Changes were requested on output %(short_id)s"),
    ReviewState.WITHDRAWN: gettext_noop("The approval of output %(short_id)s was withdrawn"),
}
_APPEAL_TITLES = {
    ReviewState.APPROVED: gettext_noop("Your appeal succeeded: output %(short_id)s is approved"),
    ReviewState.REJECTED: gettext_noop("Your appeal was turned down: output %(short_id)s stays rejected"),
    ReviewState.CHANGES_REQUESTED: gettext_noop("Your appeal was heard: changes were requested on output %(short_id)s"),
}


def _notify_owner(review: Review, decision: ReviewDecision) -> None:
    """The output's owner hears of every closing decision (and of an appeal's outcome) with its reason."""
    output = review.output
    appeal = review.is_appeal and review.state != ReviewState.WITHDRAWN
    params = {"short_id": output.short_id, "note": decision.note}
    if decision.reason:
        params["reason"] = decision.reason.label
        body = gettext_noop("Reason: %(reason)s. %(note)s") if decision.note else gettext_noop("Reason: %(reason)s.")
    else:
        body = gettext_noop("The reviewer's note: %(note)s") if decision.note else ""
    notify(
        user=output.owner,
        kind=NotificationKind.APPEAL_OUTCOME if appeal else NotificationKind.REVIEW_DECISION,
        title=(_APPEAL_TITLES if appeal else _DECISION_TITLES)[review.state],
        body=body,
        params=params,
        link=reverse("generation:job_detail", args=[output.job_id]),
    )


def _set_output_status(output: Output, state: str) -> None:
    Output.objects.filter(pk=output.pk).update(review_status=state)
    output.review_status = state


@transaction.atomic
def review_enqueue(*, actor: Actor, output: Output) -> Review:
    """Put a newly stored output in the queue, pending. Called in the transaction that creates the output.

    The output of a revision's job enters linked to the output it revises, flagged as a revision.
    """
    review = Review.objects.create(output=output)
    _set_output_status(output, ReviewState.PENDING)
    revision = revision_link_output(output=output)
    details = {"review": review.pk}
    if revision is not None:
        details["revision_of"] = str(revision.original_output_id)
    audit_record(actor=actor, action="review.queued", target=output, details=details)
    return review


def _reviewer(actor: Actor):
    user = actor.user
    if user is None or not user.is_reviewer:
        raise NotAllowed(gettext("Only reviewers can review outputs."))
    return user


def _open_review_locked(output: Output) -> Review:
    review = (
        Review.objects.select_for_update(of=("self",))
        .select_related("output", "output__job__cohort")
        .filter(output=output, state=ReviewState.PENDING)
        .first()
    )
    if review is None:
        raise Conflict(
            gettext("Output %(short_id)s is not waiting for review.") % {"short_id": output.short_id},
            code="not_pending",
        )
    return review


def _check_may_review(review: Review, user) -> None:
    if review.output.owner_id == user.pk:
        raise NotAllowed(gettext("You cannot review your own output."), code="own_output")
    if review.claimed_by_other(user):
        raise Conflict(
            gettext("%(reviewer)s is reviewing this output until %(claimed_until)s.")
            % {"reviewer": review.claimed_by, "claimed_until": format(review.claimed_until, "%H:%M:%S")},
            code="claimed",
        )
    if review.decisions.filter(decision=Decision.APPROVE, reviewer=user).exists():
        raise Conflict(
            gettext("You have already approved this output; a different reviewer gives the second approval."),
            code="already_approved",
        )


@transaction.atomic
def review_claim(*, actor: Actor, output: Output) -> Review:
    """Lock the output's open review for this reviewer for a few minutes, so no one else decides it."""
    user = _reviewer(actor)
    review = _open_review_locked(output)
    _check_may_review(review, user)
    now = timezone.now()
    renewing = review.claimed_by_id == user.pk and review.claimed_until and review.claimed_until > now
    review.claimed_by = user
    review.claimed_until = now + timedelta(minutes=ReviewSettings.current().claim_minutes)
    review.save(update_fields=["claimed_by", "claimed_until"])
    if not renewing:
        audit_record(actor=actor, action="review.claimed", target=output, details={"until": review.claimed_until})
    return review


def _reason(reason: ReasonCode | str | None) -> ReasonCode | None:
    if reason is None or reason == "":
        return None
    if isinstance(reason, ReasonCode):
        return reason
    found = ReasonCode.objects.filter(code=reason, is_active=True).first()
    if found is None:
        raise DomainError(gettext("Unknown reason code “%(reason)s”.") % {"reason": reason}, field="reason")
    return found


def _check_inputs(decision: str, reason: ReasonCode | None, note: str) -> None:
    errors: dict[str, list[str]] = {}
    if decision not in Decision.values:
        errors["decision"] = [gettext("Choose one of: %(choices)s.") % {"choices": ", ".join(Decision.values)}]
    if len(note) > NOTE_MAX:
        errors["note"] = [gettext("Keep the note under %(note_max)s characters.") % {"note_max": NOTE_MAX}]
    if decision == Decision.REJECT and reason is None:
        errors["reason"] = [gettext("A rejection needs a reason code.")]
    if decision == Decision.REQUEST_CHANGES and not note:
        errors["note"] = [gettext("Say what should change.")]
    if errors:
        raise InvalidFields(errors)


def _audit_decision(actor: Actor, review: Review, decision: ReviewDecision, *, action: str, approvals: int = 0):
    audit_record(
        actor=actor,
        action=action,
        target=review.output,
        details={
            "review": review.pk,
            "decision": decision.decision,
            "reason": decision.reason.code if decision.reason else None,
            "note": decision.note,
            "state": review.state,
            "approvals": approvals,
            "appeal": review.is_appeal,
        },
    )


def _withdraw(actor: Actor, user, output: Output, reason: ReasonCode | None, note: str) -> Review:
    review = (
        Review.objects.select_for_update(of=("self",))
        .select_related("output")
        .filter(output=output)
        .order_by("-created_at", "-pk")
        .first()
    )
    if review is None or review.state != ReviewState.APPROVED:
        raise Conflict(
            gettext("Output %(short_id)s is not approved, so there is no approval to withdraw.")
            % {"short_id": output.short_id},
            code="not_approved",
        )
    decision = ReviewDecision.objects.create(
        review=review, reviewer=user, decision=Decision.WITHDRAW, reason=reason, note=note
    )
    review.state = ReviewState.WITHDRAWN
    review.save(update_fields=["state"])
    _set_output_status(output, ReviewState.WITHDRAWN)
    _audit_decision(actor, review, decision, action="review.withdrawn")
    _notify_owner(review, decision)
    return review


@transaction.atomic
def review_decide(
    *, actor: Actor, output: Output, decision: str, reason: ReasonCode | str | None = None, note: str = ""
) -> Review:
    """Approve, reject, request changes on, or withdraw the approval of an output.

    A decision takes the reviewer's claim (refused while another reviewer holds it). Cohorts that need two
    approvals keep the review open after the first, for a different reviewer.
    """
    user = _reviewer(actor)
    note = (note or "").strip()
    reason = _reason(reason)
    _check_inputs(decision, reason, note)
    Output.objects.select_for_update().filter(pk=output.pk).first()
    if decision == Decision.WITHDRAW:
        return _withdraw(actor, user, output, reason, note)
    review = _open_review_locked(output)
    _check_may_review(review, user)
    try:
        with transaction.atomic():
            recorded = ReviewDecision.objects.create(
                review=review, reviewer=user, decision=decision, reason=reason, note=note
            )
    except IntegrityError:
        raise Conflict(gettext("You have already approved this output."), code="already_approved") from None
    now = timezone.now()
    approvals = 0
    if decision == Decision.APPROVE:
        approvals = review.decisions.filter(decision=Decision.APPROVE).count()
        if approvals >= review.output.job.cohort.approvals_required:
            review.state = ReviewState.APPROVED
    else:
        review.state = _CLOSING_STATE[decision]
    if review.state != ReviewState.PENDING:
        review.decided_at = now
    review.claimed_by, review.claimed_until = None, None
    review.save(update_fields=["state", "decided_at", "claimed_by", "claimed_until"])
    _set_output_status(output, review.state)
    if review.state == ReviewState.APPROVED:
        # Last, after the watermark and the encoding: the content credentials of the public copy.
        signed = sign_approved_output(review.output, review)
        audit_record(
            actor=actor,
            action="review.signed",
            target=output,
            details={"review": review.pk, "sha256": signed.sha256, "manifest": signed.manifest_label},
        )
    action = {
        ReviewState.APPROVED: "review.approved",
        ReviewState.REJECTED: "review.rejected",
        ReviewState.CHANGES_REQUESTED: "review.changes_requested",
        ReviewState.PENDING: "review.first_approval",
    }[review.state]
    _audit_decision(actor, review, recorded, action=action, approvals=approvals)
    if review.state != ReviewState.PENDING:
        _notify_owner(review, recorded)
    return review


def _appeal_refusal(output: Output) -> tuple[Review | None, Conflict | None]:
    """The output's latest review, and why it cannot be appealed (None when it can): a rejection, once."""
    latest = Review.objects.filter(output=output).order_by("-created_at", "-pk").first()
    if latest is None or latest.state != ReviewState.REJECTED:
        return latest, Conflict(gettext("Only a rejection can be appealed."), code="not_rejected")
    if Review.objects.filter(output=output, appeal_of__isnull=False).exists():
        return latest, Conflict(gettext("This output has already been appealed once."), code="already_appealed")
    return latest, None


def review_can_appeal(output: Output) -> bool:
    """True when the owner may appeal now: the rule review_appeal enforces, for pages that offer the form."""
    return _appeal_refusal(output)[1] is None


@transaction.atomic
def review_appeal(*, actor: Actor, output: Output, message: str) -> Review:
    """The owner appeals a rejection, once per output; the output returns to the queue, flagged."""
    if actor.user is None or actor.user.pk != output.owner_id:
        raise NotAllowed(gettext("Only the output's owner can appeal its review."))
    message = (message or "").strip()
    if not message:
        raise DomainError(gettext("Tell the reviewers why the decision should change."), field="message")
    if len(message) > APPEAL_MAX:
        raise DomainError(
            gettext("Keep the appeal under %(appeal_max)s characters.") % {"appeal_max": APPEAL_MAX}, field="message"
        )
    Output.objects.select_for_update().filter(pk=output.pk).first()
    latest, refusal = _appeal_refusal(output)
    if refusal is not None:
        raise refusal
    try:
        with transaction.atomic():
            review = Review.objects.create(output=output, appeal_of=latest, appeal_message=message)
    except IntegrityError:
        raise Conflict(gettext("This output has already been appealed once."), code="already_appealed") from None
    _set_output_status(output, ReviewState.PENDING)
    audit_record(
        actor=actor, action="review.appealed", target=output, details={"review": review.pk, "message": message}
    )
    return review
