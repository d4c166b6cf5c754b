"""One access helper per resource: the review queue, share links, and what the public may see.

Public reads re-check everything in the database on every call: approval, the link, the owner's standing.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext

from accessprogram.models import Membership
from accessprogram.services.suspensions import is_suspended
from generation.access import on_program_feed, owner_in_good_standing
from generation.models import Output, ReviewStatus
from review.models import Decision, GalleryEntry, Note, Review, ReviewDecision, ReviewState, Revision, ShareLink


def owner_is_suspended(owner) -> bool:
    """An owner is out when their account is inactive, their membership has ended, or a kill switch covers
    them (of the tester, their cohort or the program)."""
    return (
        not owner.is_active
        or not Membership.objects.filter(user=owner, status=Membership.Status.ACTIVE).exists()
        or is_suspended(owner)
    )


def _approved_at(output_path: str) -> Subquery:
    return Subquery(
        Review.objects.filter(output=OuterRef(output_path), state=ReviewState.APPROVED)
        .order_by("-decided_at")
        .values("decided_at")[:1]
    )


def _publicly_visible(output_path: str) -> Q:
    return Q(**{f"{output_path}__review_status": ReviewStatus.APPROVED}) & owner_in_good_standing(
        f"{output_path}__owner"
    )


def public_share_links():
    """Share links anyone may open right now: live, of an approved output, whose owner is in good standing."""
    now = timezone.now()
    return (
        ShareLink.objects.filter(revoked_at__isnull=True)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .filter(_publicly_visible("output"))
        .select_related("output", "output__job__model")
        .annotate(approved_at=_approved_at("output"))
    )


def public_share(slug: str) -> ShareLink:
    try:
        return public_share_links().get(slug=slug)
    except ShareLink.DoesNotExist as exc:
        raise Http404(gettext("No such link.")) from exc


def public_gallery():
    return (
        GalleryEntry.objects.filter(_publicly_visible("output"))
        .select_related("output", "output__job__model")
        .annotate(approved_at=_approved_at("output"))
        .order_by("-added_at", "-pk")
    )


def public_gallery_entry(slug: str) -> GalleryEntry:
    try:
        return public_gallery().get(slug=slug)
    except GalleryEntry.DoesNotExist as exc:
        raise Http404(gettext("Not in the gallery.")) from exc


def program_feed():
    """The program feed, for members only (inside the NDA, never public): approved outputs their owners chose
    to show, whose owners are in good standing, newest approval first. Read from the database every time, so
    a withdrawn approval or a suspension takes an output off at once."""
    return (
        Output.objects.filter(on_program_feed())
        .select_related("owner", "job")
        .annotate(approved_at=_approved_at("pk"))
        .order_by("-approved_at", "-pk")
    )


def program_feed_output(output_id) -> Output:
    try:
        return program_feed().get(pk=output_id)
    except (Output.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404(gettext("Not on the program feed.")) from exc


def share_links_for_user(user):
    """Share links a member manages: of their own outputs, or every link for staff."""
    links = ShareLink.objects.select_related("output")
    return links if user.is_program_staff else links.filter(output__owner=user)


def share_link_for_user(user, link_id) -> ShareLink:
    try:
        return share_links_for_user(user).get(pk=link_id)
    except (ShareLink.DoesNotExist, ValueError) as exc:
        raise Http404(gettext("No such share link.")) from exc


_approvals_of_review = (
    ReviewDecision.objects.filter(review=OuterRef("pk"), decision=Decision.APPROVE)
    .order_by()
    .values("review")
    .annotate(total=Count("pk"))
    .values("total")
)


def review_queue_for(user, *, cohort=None, tester: str = "", model=None, min_age_hours: float | None = None):
    """Open reviews a reviewer may take, oldest first; never their own outputs."""
    if not user.is_reviewer:
        return Review.objects.none()
    reviews = (
        Review.objects.filter(state=ReviewState.PENDING)
        .exclude(owner=user)
        .select_related(
            "output", "output__owner", "output__job", "output__job__cohort", "output__job__model", "claimed_by"
        )
        # A per-row subquery rather than a join + GROUP BY: PostgreSQL then counts approvals only for the
        # rows of the page it returns, and the paginator's COUNT(*) leaves it out.
        .annotate(approvals=Coalesce(Subquery(_approvals_of_review), 0))
        .order_by("created_at", "pk")
    )
    if cohort is not None:
        reviews = reviews.filter(output__job__cohort=cohort)
    if tester:
        reviews = reviews.filter(
            Q(output__owner__email__icontains=tester) | Q(output__owner__full_name__icontains=tester)
        )
    if model is not None:
        reviews = reviews.filter(output__job__model=model)
    if min_age_hours:
        try:
            reviews = reviews.filter(created_at__lte=timezone.now() - timedelta(hours=min_age_hours))
        except OverflowError:  # further from now than any date: no review has waited that long, or all have
            return reviews.none() if min_age_hours > 0 else reviews
    return reviews


def review_for_reviewer(user, output_id) -> Review:
    """The latest review of an output, for a reviewer (open or decided)."""
    if not user.is_reviewer:
        raise Http404(gettext("No such output."))
    try:
        review = (
            Review.objects.select_related(
                "output", "output__owner", "output__job", "output__job__cohort", "output__job__model", "claimed_by"
            )
            .filter(output_id=output_id)
            .order_by("-created_at", "-pk")
            .first()
        )
    except (ValueError, ValidationError) as exc:
        raise Http404(gettext("No such output.")) from exc
    if review is None:
        raise Http404(gettext("No such output."))
    return review


def latest_review(output: Output) -> Review | None:
    return (
        Review.objects.filter(output=output)
        .select_related("appeal_of")
        .prefetch_related("decisions__reason")
        .order_by("-created_at", "-pk")
        .first()
    )


def notes_for_output(output: Output) -> list[Note]:
    """The output's threads, first notes in frame order, each with its replies (as `thread_replies`)."""
    notes = list(Note.objects.filter(output=output).select_related("author").order_by("created_at", "pk"))
    roots = [n for n in notes if n.reply_to_id is None]
    by_root: dict[int, list[Note]] = {n.pk: [] for n in roots}
    for note in notes:
        if note.reply_to_id is not None and note.reply_to_id in by_root:
            by_root[note.reply_to_id].append(note)
    for root in roots:
        root.thread_replies = by_root[root.pk]
    return sorted(roots, key=lambda n: (n.frame_in, n.created_at, n.pk))


VERSIONS_MAX = 20


def output_versions(output: Output) -> list[Output]:
    """Every version of an output, oldest first: the outputs it revises, itself, and its stored revisions."""
    versions = [output]
    current = output
    while len(versions) < VERSIONS_MAX:
        link = Revision.objects.filter(output=current).select_related("original_output__job").first()
        if link is None:
            break
        current = link.original_output
        versions.insert(0, current)
    current = output
    while len(versions) < VERSIONS_MAX:
        link = (
            Revision.objects.filter(original_output=current, output__isnull=False).select_related("output__job").first()
        )
        if link is None:
            break
        current = link.output
        versions.append(current)
    return versions


def version_history(versions: list[Output]) -> dict:
    """Decisions and notes of each version, keyed by output id, in two queries."""
    ids = [v.pk for v in versions]
    decisions: dict = {pk: [] for pk in ids}
    for decision in ReviewDecision.objects.filter(review__output_id__in=ids).select_related(
        "reviewer", "reason", "review"
    ):
        decisions[decision.review.output_id].append(decision)
    notes: dict = {pk: [] for pk in ids}
    for note in Note.objects.filter(output_id__in=ids).select_related("author").order_by("frame_in", "created_at"):
        notes[note.output_id].append(note)
    return {"decisions": decisions, "notes": notes}
