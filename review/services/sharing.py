"""Sharing approved outputs with the public: share links and the gallery."""

from __future__ import annotations

import secrets
from datetime import datetime

from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from accessprogram.errors import Conflict, DomainError, NotAllowed
from accessprogram.services.audit import audit_record
from accessprogram.services.context import Actor
from generation.models import Output, ReviewStatus
from review.access import owner_is_suspended
from review.models import GalleryEntry, ShareLink

CREDIT_MAX = 200
PASSPHRASE_MIN = 6


def new_public_slug() -> str:
    return secrets.token_urlsafe(16)


def _check_owner_or_staff(actor: Actor, output: Output) -> None:
    user = actor.user
    if user is None or not (user.pk == output.owner_id or user.is_program_staff):
        raise NotAllowed(gettext("Only the output's owner or staff can do this."))


def _check_shareable(output: Output) -> Output:
    """Re-read the output under a lock: approval is checked against the database, not a stale object."""
    output = Output.objects.select_for_update().select_related("owner").get(pk=output.pk)
    if output.review_status != ReviewStatus.APPROVED:
        raise Conflict(
            gettext("Only approved outputs can be shared; this one is “%(review_status)s”.")
            % {"review_status": output.get_review_status_display().lower()},
            code="not_approved",
        )
    if owner_is_suspended(output.owner):
        raise Conflict(
            gettext("The owner's access is suspended, so this output cannot be shared."), code="owner_suspended"
        )
    return output


def _clean_credit(credit_line: str) -> str:
    credit_line = " ".join((credit_line or "").split())
    if len(credit_line) > CREDIT_MAX:
        raise DomainError(
            gettext("Keep the credit line under %(credit_max)s characters.") % {"credit_max": CREDIT_MAX},
            field="credit_line",
        )
    return credit_line


@transaction.atomic
def share_link_create(
    *,
    actor: Actor,
    output: Output,
    expires_at: datetime | None = None,
    passphrase: str = "",
    credit_line: str = "",
    show_prompt: bool = False,
) -> ShareLink:
    """A new unguessable public link to an approved output; refused (409) unless it is approved."""
    _check_owner_or_staff(actor, output)
    output = _check_shareable(output)
    if expires_at is not None and expires_at <= timezone.now():
        raise DomainError(gettext("The expiry must be in the future."), field="expires_at")
    if passphrase and len(passphrase) < PASSPHRASE_MIN:
        raise DomainError(
            gettext("Use a passphrase of at least %(passphrase_min)s characters.") % {"passphrase_min": PASSPHRASE_MIN},
            field="passphrase",
        )
    link = ShareLink.objects.create(
        output=output,
        slug=new_public_slug(),
        created_by=actor.user,
        expires_at=expires_at,
        passphrase_hash=make_password(passphrase) if passphrase else "",
        credit_line=_clean_credit(credit_line) or output.owner.display_name,
        show_prompt=show_prompt,
    )
    audit_record(
        actor=actor,
        action="share.created",
        target=output,
        details={
            "share": link.pk,
            "expires_at": expires_at,
            "passphrase": bool(passphrase),
            "show_prompt": show_prompt,
        },
    )
    return link


@transaction.atomic
def share_link_revoke(*, actor: Actor, link: ShareLink) -> ShareLink:
    """End a share link; the very next request for it is a 404. Revoking twice changes nothing."""
    link = ShareLink.objects.select_for_update().select_related("output").get(pk=link.pk)
    _check_owner_or_staff(actor, link.output)
    if link.revoked_at is not None:
        return link
    link.revoked_at = timezone.now()
    link.revoked_by = actor.user
    link.save(update_fields=["revoked_at", "revoked_by"])
    audit_record(actor=actor, action="share.revoked", target=link.output, details={"share": link.pk})
    return link


@transaction.atomic
def gallery_add(*, actor: Actor, output: Output, credit_line: str, show_prompt: bool = False) -> GalleryEntry:
    """The owner opts an approved output into the public gallery, credited as they choose."""
    if actor.user is None or actor.user.pk != output.owner_id:
        raise NotAllowed(gettext("Only the output's owner can put it in the gallery."))
    output = _check_shareable(output)
    credit_line = _clean_credit(credit_line)
    if not credit_line:
        raise DomainError(gettext("Give the credit line the gallery shows."), field="credit_line")
    try:
        with transaction.atomic():
            entry = GalleryEntry.objects.create(
                output=output,
                slug=new_public_slug(),
                credit_line=credit_line,
                show_prompt=show_prompt,
                added_by=actor.user,
            )
    except IntegrityError:
        raise Conflict(gettext("This output is already in the gallery."), code="already_in_gallery") from None
    audit_record(
        actor=actor,
        action="gallery.added",
        target=output,
        details={"credit_line": credit_line, "show_prompt": show_prompt},
    )
    return entry


@transaction.atomic
def gallery_remove(*, actor: Actor, output: Output) -> None:
    """Take an output out of the gallery (its owner, or staff moderating)."""
    _check_owner_or_staff(actor, output)
    deleted, _ = GalleryEntry.objects.filter(output=output).delete()
    if deleted:
        audit_record(actor=actor, action="gallery.removed", target=output)
