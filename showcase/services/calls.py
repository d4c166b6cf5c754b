"""Showcase calls from open to published: submissions, the jury's conflicts and scores, winners and credits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from accessprogram.errors import Conflict, DomainError, InvalidFields, NotAllowed
from accessprogram.models import Membership, NotificationKind, User
from accessprogram.services.audit import audit_record
from accessprogram.services.context import Actor
from accessprogram.services.notifications import notify_each
from contributions.models import ContributionKind
from contributions.services.ledger import ledger_post
from generation.models import Output, ReviewStatus
from review.access import owner_is_suspended
from review.models import GalleryEntry
from review.services.sharing import CREDIT_MAX, new_public_slug
from showcase.models import (
    CallStatus,
    Juror,
    JurorConflict,
    RubricCriterion,
    Scorecard,
    ScorecardLine,
    ShowcaseCall,
    Submission,
)

TITLE_MAX = 160
BRIEF_MAX = 10_000
STATEMENT_MAX = 2000
CONFLICT_REASON_MAX = 500
CRITERIA_MAX = 12
CRITERION_POINTS_MAX = 100


@dataclass(frozen=True)
class RubricItem:
    name: str
    max_points: int


def _admin(actor: Actor) -> User:
    user = actor.user
    if user is None or not user.is_program_admin:
        raise NotAllowed(gettext("Only program admins can run showcase calls."))
    return user


def _clean_line(text: str) -> str:
    return " ".join((text or "").split())


def _clean_credit(credit_line: str, default: str) -> str:
    credit_line = _clean_line(credit_line) or default
    if len(credit_line) > CREDIT_MAX:
        raise DomainError(
            gettext("Keep the credit line under %(credit_max)s characters.") % {"credit_max": CREDIT_MAX},
            field="credit_line",
        )
    return credit_line


def _locked(call: ShowcaseCall) -> ShowcaseCall:
    return ShowcaseCall.objects.select_for_update().get(pk=call.pk)


def _check_rubric(rubric: list[RubricItem]) -> list[RubricItem]:
    if not rubric:
        raise DomainError(gettext("Give the rubric at least one criterion."), field="rubric")
    if len(rubric) > CRITERIA_MAX:
        raise DomainError(
            gettext("A rubric has at most %(criteria_max)s criteria.") % {"criteria_max": CRITERIA_MAX}, field="rubric"
        )
    cleaned, seen = [], set()
    for item in rubric:
        name = _clean_line(item.name)
        if not name or len(name) > 80:
            raise DomainError(gettext("Each criterion needs a name of at most 80 characters."), field="rubric")
        if name.lower() in seen:
            raise DomainError(gettext("The criterion “%(name)s” appears twice.") % {"name": name}, field="rubric")
        if not isinstance(item.max_points, int) or not 1 <= item.max_points <= CRITERION_POINTS_MAX:
            raise DomainError(
                gettext("“%(name)s”: the maximum is a whole number from 1 to %(criterion_points_max)s.")
                % {"name": name, "criterion_points_max": CRITERION_POINTS_MAX},
                field="rubric",
            )
        seen.add(name.lower())
        cleaned.append(RubricItem(name, item.max_points))
    return cleaned


def _check_juror(user: User) -> None:
    if not user.is_active or not (user.is_program_staff or user.is_tester):
        raise DomainError(
            gettext("%(email)s is not a member of the program, so cannot judge.") % {"email": user.email},
            field="jurors",
        )


@transaction.atomic
def showcase_call_open(
    *,
    actor: Actor,
    title: str,
    brief: str,
    deadline: datetime,
    rubric: list[RubricItem],
    max_submissions_per_tester: int = 3,
    exclude_cohort_mates: bool = False,
    jurors: list[User] | tuple[User, ...] = (),
) -> ShowcaseCall:
    """Open a call for work: testers may submit approved outputs until the deadline."""
    user = _admin(actor)
    errors: dict[str, list[str]] = {}
    title = _clean_line(title)
    if not title or len(title) > TITLE_MAX:
        errors["title"] = [gettext("Give a title of at most %(title_max)s characters.") % {"title_max": TITLE_MAX}]
    brief = (brief or "").strip()
    if not brief or len(brief) > BRIEF_MAX:
        errors["brief"] = [gettext("Describe the call in at most %(brief_max)s characters.") % {"brief_max": BRIEF_MAX}]
    if deadline is None or deadline <= timezone.now():
        errors["deadline"] = [gettext("The deadline must be in the future.")]
    if not isinstance(max_submissions_per_tester, int) or not 1 <= max_submissions_per_tester <= 20:
        errors["max_submissions_per_tester"] = [gettext("Between 1 and 20 submissions per tester.")]
    try:
        rubric = _check_rubric(rubric)
    except DomainError as exc:
        errors["rubric"] = [exc.message]
    for juror in jurors:
        try:
            _check_juror(juror)
        except DomainError as exc:
            errors.setdefault("jurors", []).append(exc.message)
    if errors:
        raise InvalidFields(errors)
    call = ShowcaseCall.objects.create(
        title=title,
        brief=brief,
        deadline=deadline,
        max_submissions_per_tester=max_submissions_per_tester,
        exclude_cohort_mates=exclude_cohort_mates,
        created_by=user,
    )
    RubricCriterion.objects.bulk_create(
        RubricCriterion(call=call, name=item.name, max_points=item.max_points, position=index)
        for index, item in enumerate(rubric)
    )
    Juror.objects.bulk_create(Juror(call=call, user=juror, added_by=user) for juror in dict.fromkeys(jurors))
    audit_record(
        actor=actor,
        action="showcase.call_opened",
        target=call,
        details={
            "deadline": deadline,
            "rubric": [[item.name, item.max_points] for item in rubric],
            "max_submissions_per_tester": max_submissions_per_tester,
            "exclude_cohort_mates": exclude_cohort_mates,
            "jurors": [juror.email for juror in jurors],
        },
    )
    return call


@transaction.atomic
def showcase_juror_add(*, actor: Actor, call: ShowcaseCall, user: User) -> Juror:
    _admin(actor)
    call = _locked(call)
    if call.status != CallStatus.OPEN:
        raise Conflict(gettext("Jurors can be added only while the call is open."), code="call_not_open")
    _check_juror(user)
    juror, created = Juror.objects.get_or_create(call=call, user=user, defaults={"added_by": actor.user})
    if created:
        audit_record(actor=actor, action="showcase.juror_added", target=call, details={"juror": user.email})
    return juror


@transaction.atomic
def showcase_juror_remove(*, actor: Actor, call: ShowcaseCall, user: User) -> None:
    _admin(actor)
    call = _locked(call)
    if call.status != CallStatus.OPEN:
        raise Conflict(gettext("Jurors can be removed only while the call is open."), code="call_not_open")
    if Scorecard.objects.filter(submission__call=call, juror=user).exists():
        raise Conflict(
            gettext("%(email)s has already scored work in this call.") % {"email": user.email}, code="juror_has_scored"
        )
    deleted, _ = Juror.objects.filter(call=call, user=user).delete()
    if deleted:
        audit_record(actor=actor, action="showcase.juror_removed", target=call, details={"juror": user.email})


@transaction.atomic
def showcase_submit(
    *, actor: Actor, call: ShowcaseCall, output: Output, credit_line: str = "", statement: str = ""
) -> Submission:
    """A tester enters one of their own approved outputs, before the deadline, within the call's limit."""
    user = actor.user
    if user is None or not user.is_tester:
        raise NotAllowed(gettext("Only testers can submit work to a showcase call."))
    # The call row is the lock that keeps two submissions at once from both passing the limit.
    call = _locked(call)
    if output.owner_id != user.pk:
        raise NotAllowed(gettext("You can submit only your own outputs."), field="output", code="not_owner")
    if not call.accepts_submissions:
        raise Conflict(gettext("This call no longer accepts submissions."), field="output", code="call_closed")
    output = Output.objects.select_for_update().select_related("owner").get(pk=output.pk)
    if output.review_status != ReviewStatus.APPROVED:
        raise Conflict(
            gettext("Only approved outputs can be submitted; this one is “%(review_status)s”.")
            % {"review_status": output.get_review_status_display().lower()},
            field="output",
            code="not_approved",
        )
    if owner_is_suspended(output.owner):
        raise Conflict(gettext("Your access is suspended, so you cannot submit work."), code="owner_suspended")
    if Submission.objects.filter(call=call, tester=user).count() >= call.max_submissions_per_tester:
        raise Conflict(
            gettext("This call takes at most %(max_submissions_per_tester)s submission(s) per tester.")
            % {"max_submissions_per_tester": call.max_submissions_per_tester},
            field="output",
            code="submission_limit",
        )
    statement = (statement or "").strip()
    if len(statement) > STATEMENT_MAX:
        raise DomainError(
            gettext("Keep the statement under %(statement_max)s characters.") % {"statement_max": STATEMENT_MAX},
            field="statement",
        )
    credit_line = _clean_credit(credit_line, user.display_name)
    try:
        with transaction.atomic():
            submission = Submission.objects.create(
                call=call, output=output, tester=user, credit_line=credit_line, statement=statement
            )
    except IntegrityError:
        raise Conflict(
            gettext("This output is already submitted to this call."), field="output", code="duplicate"
        ) from None
    audit_record(
        actor=actor,
        action="showcase.submitted",
        target=call,
        details={"submission": submission.pk, "output": str(output.pk), "credit_line": credit_line},
    )
    return submission


def _cohort_ids(user_id: int) -> set[int]:
    """Every cohort the user is or was in: a former cohort-mate is still a cohort-mate."""
    return set(Membership.objects.filter(user_id=user_id).values_list("cohort_id", flat=True))


def scoring_block_reason(*, call: ShowcaseCall, juror: User, submission: Submission, conflicts=None) -> str | None:
    """Why this juror may not score this submission, or None. `conflicts`: submission ids, when known."""
    if submission.tester_id == juror.pk or submission.output.owner_id == juror.pk:
        return gettext("This is your own work.")
    if submission.output.review_status != ReviewStatus.APPROVED:
        return gettext("This output's approval was withdrawn, so it is out of the call.")
    if conflicts is None:
        conflicts = set(
            JurorConflict.objects.filter(juror=juror, submission=submission).values_list("submission_id", flat=True)
        )
    if submission.pk in conflicts:
        return gettext("You declared a conflict with this submission.")
    if call.exclude_cohort_mates:
        owner_cohorts = _cohort_ids(submission.tester_id) | {submission.output.job.cohort_id}
        if owner_cohorts & _cohort_ids(juror.pk):
            return gettext("This call does not let jurors score their cohort-mates' work.")
    return None


def _juror_seat(actor: Actor, call: ShowcaseCall) -> Juror:
    if actor.user is None:
        raise NotAllowed(gettext("Only the call's jurors can do this."))
    seat = Juror.objects.select_for_update().filter(call=call, user=actor.user).first()
    if seat is None:
        raise NotAllowed(gettext("Only the call's jurors can do this."), code="not_a_juror")
    return seat


def _submission_locked(submission: Submission) -> Submission:
    return (
        Submission.objects.select_for_update(of=("self",))
        .select_related("call", "output", "output__job")
        .get(pk=submission.pk)
    )


@transaction.atomic
def showcase_conflict_declare(*, actor: Actor, submission: Submission, reason: str) -> JurorConflict:
    """A juror declares a conflict with a submission: they will not score it (any score they gave is struck)."""
    submission = _submission_locked(submission)
    call = submission.call
    _juror_seat(actor, call)
    if call.status != CallStatus.OPEN:
        raise Conflict(gettext("Judging is over for this call."), code="call_not_open")
    reason = _clean_line(reason)
    if not reason or len(reason) > CONFLICT_REASON_MAX:
        raise DomainError(
            gettext("Say what the conflict is, in at most %(conflict_reason_max)s characters.")
            % {"conflict_reason_max": CONFLICT_REASON_MAX},
            field="reason",
        )
    conflict, created = JurorConflict.objects.get_or_create(
        submission=submission, juror=actor.user, defaults={"reason": reason}
    )
    if not created:
        raise Conflict(gettext("You have already declared a conflict with this submission."), code="already_declared")
    struck, _ = Scorecard.objects.filter(submission=submission, juror=actor.user).delete()
    audit_record(
        actor=actor,
        action="showcase.conflict_declared",
        target=call,
        details={"submission": submission.pk, "reason": reason, "struck_scorecard": bool(struck)},
    )
    return conflict


@transaction.atomic
def showcase_conflicts_confirm(*, actor: Actor, call: ShowcaseCall) -> Juror:
    """A juror confirms they have declared every conflict they have; scoring opens for them after this."""
    seat = _juror_seat(actor, call)
    if seat.conflicts_confirmed_at is None:
        seat.conflicts_confirmed_at = timezone.now()
        seat.save(update_fields=["conflicts_confirmed_at"])
        declared = JurorConflict.objects.filter(submission__call=call, juror=actor.user).count()
        audit_record(actor=actor, action="showcase.conflicts_confirmed", target=call, details={"declared": declared})
    return seat


@transaction.atomic
def showcase_score(*, actor: Actor, submission: Submission, points: dict[int, int]) -> Scorecard:
    """A juror scores a submission on every criterion of the rubric; scoring again replaces their scores."""
    submission = _submission_locked(submission)
    call = submission.call
    seat = _juror_seat(actor, call)
    if call.status != CallStatus.OPEN:
        raise Conflict(gettext("Judging is over for this call."), code="call_not_open")
    if seat.conflicts_confirmed_at is None:
        raise Conflict(
            gettext("Declare your conflicts (or confirm you have none) before scoring."), code="conflicts_not_confirmed"
        )
    blocked = scoring_block_reason(call=call, juror=actor.user, submission=submission)
    if blocked:
        raise NotAllowed(blocked, code="juror_conflict")
    criteria = list(call.criteria.all())
    errors: dict[str, list[str]] = {}
    if set(points) - {criterion.pk for criterion in criteria}:
        errors["points"] = [gettext("Some scores name criteria that are not in this call's rubric.")]
    lines = []
    for criterion in criteria:
        value = points.get(criterion.pk)
        if isinstance(value, bool) or not isinstance(value, int):
            errors[f"c{criterion.pk}"] = [gettext("Score “%(name)s” with a whole number.") % {"name": criterion.name}]
        elif not 0 <= value <= criterion.max_points:
            errors[f"c{criterion.pk}"] = [
                gettext("“%(name)s” takes 0 to %(max_points)s points.")
                % {"name": criterion.name, "max_points": criterion.max_points}
            ]
        else:
            lines.append((criterion, value))
    if errors:
        raise InvalidFields(errors)
    total = sum(value for _, value in lines)
    scorecard, created = Scorecard.objects.update_or_create(
        submission=submission, juror=actor.user, defaults={"total": total, "scored_at": timezone.now()}
    )
    if not created:
        scorecard.lines.all().delete()
    ScorecardLine.objects.bulk_create(
        ScorecardLine(scorecard=scorecard, criterion=criterion, points=value) for criterion, value in lines
    )
    audit_record(
        actor=actor,
        action="showcase.scored",
        target=call,
        details={
            "submission": submission.pk,
            "total": total,
            "points": {criterion.name: value for criterion, value in lines},
            "rescored": not created,
        },
    )
    return scorecard


@transaction.atomic
def showcase_call_close(*, actor: Actor, call: ShowcaseCall) -> ShowcaseCall:
    """No more submissions or scores; the ranking is final and winners can be selected."""
    _admin(actor)
    call = _locked(call)
    if call.status != CallStatus.OPEN:
        raise Conflict(gettext("This call is already closed."), code="call_not_open")
    call.status = CallStatus.CLOSED
    call.closed_at = timezone.now()
    call.save(update_fields=["status", "closed_at"])
    audit_record(
        actor=actor,
        action="showcase.call_closed",
        target=call,
        details={
            "submissions": call.submissions.count(),
            "scorecards": Scorecard.objects.filter(submission__call=call).count(),
        },
    )
    return call


@transaction.atomic
def showcase_select(*, actor: Actor, submission: Submission) -> Submission:
    """Select a winner of a closed call: it earns the rate card's showcase amount on the tester's ledger."""
    _admin(actor)
    submission = _submission_locked(submission)
    call = _locked(submission.call)
    if call.status != CallStatus.CLOSED:
        raise Conflict(
            gettext("Winners are selected after the call is closed and before it is published."), code="not_closed"
        )
    if submission.is_selected:
        raise Conflict(gettext("This submission is already selected."), code="already_selected")
    output = Output.objects.select_related("owner").get(pk=submission.output_id)
    if output.review_status != ReviewStatus.APPROVED or owner_is_suspended(output.owner):
        raise Conflict(
            gettext("This output is no longer approved or its owner's access is suspended; it cannot win."),
            code="not_shareable",
        )
    submission.selected_at = timezone.now()
    submission.selected_by = actor.user
    submission.save(update_fields=["selected_at", "selected_by"])
    entry = ledger_post(
        tester=submission.tester,
        kind=ContributionKind.SHOWCASE,
        source=submission,
        actor=actor,
        memo=f"Selected for the showcase “{call.title}”"[:300],
    )
    audit_record(
        actor=actor,
        action="showcase.selected",
        target=call,
        details={"submission": submission.pk, "output": str(output.pk), "ledger_entry": entry.pk},
    )
    return submission


@transaction.atomic
def showcase_call_publish(*, actor: Actor, call: ShowcaseCall) -> ShowcaseCall:
    """Publish the winners: each appears in the public gallery with its credit line (while it stays shareable)."""
    user = _admin(actor)
    call = _locked(call)
    if call.status != CallStatus.CLOSED:
        raise Conflict(gettext("Only a closed call can be published."), code="not_closed")
    winners = list(call.submissions.filter(selected_at__isnull=False).select_related("output"))
    if not winners:
        raise Conflict(gettext("Select at least one winner before publishing."), code="no_winners")
    added = []
    for submission in winners:
        # An owner who already put the output in the gallery keeps their own entry and credit line.
        _, created = GalleryEntry.objects.get_or_create(
            output=submission.output,
            defaults={"slug": new_public_slug(), "credit_line": submission.credit_line, "added_by": user},
        )
        if created:
            added.append(str(submission.output_id))
    call.status = CallStatus.PUBLISHED
    call.published_at = timezone.now()
    call.save(update_fields=["status", "published_at"])
    audit_record(
        actor=actor,
        action="showcase.published",
        target=call,
        details={
            "winners": [{"submission": s.pk, "credit_line": s.credit_line} for s in winners],
            "gallery_added": added,
        },
    )
    _notify_entrants(call, winners)
    return call


def _notify_entrants(call: ShowcaseCall, winners: list[Submission]) -> None:
    """Every entrant hears the results: the winners that they were selected, the others that results are out."""
    winner_ids = {submission.tester_id for submission in winners}
    entrants = User.objects.filter(pk__in=call.submissions.values("tester_id"))
    common = {"kind": NotificationKind.SHOWCASE_RESULT, "params": {"title": call.title}}
    link = reverse("showcase:showcase_call", args=[call.pk])
    notify_each(
        users=entrants.filter(pk__in=winner_ids),
        title=gettext_noop("Your work was selected in the showcase “%(title)s”"),
        body=gettext_noop("It now appears in the public gallery with your credit line."),
        link=link,
        **common,
    )
    notify_each(
        users=entrants.exclude(pk__in=winner_ids),
        title=gettext_noop("The results of the showcase “%(title)s” are out"),
        body=gettext_noop("Your entry was not selected this time. Thank you for taking part."),
        link=link,
        **common,
    )
