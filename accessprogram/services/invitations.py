"""Inviting people into the program, one at a time or by CSV, and accepting invitations."""

from __future__ import annotations

import csv
import hashlib
import io
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from accessprogram.errors import BatchInvalid, Conflict, DomainError
from accessprogram.models import STAFF_ROLES, Cohort, Invitation, Membership, Role, User
from accessprogram.models.users import ROLE_GROUPS
from accessprogram.services.audit import audit_record
from accessprogram.services.context import Actor

MAX_BATCH_ROWS = 1000


@dataclass(frozen=True)
class IssuedInvitation:
    invitation: Invitation
    link: str


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(32)
    return token, _hash_token(token)


def invitation_link(token: str) -> str:
    return settings.SITE_URL + reverse("accessprogram:invitation_accept", kwargs={"token": token})


def _normalise_email(email: str, *, field: str = "email") -> str:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise DomainError(
            gettext("“%(email)s” is not a valid e-mail address.") % {"email": email}, field=field
        ) from None
    return email


def _check_role_and_cohort(role: str, cohort: Cohort | None) -> None:
    if role not in Role.values:
        raise DomainError(
            gettext("Unknown role “%(role)s”; choose one of %(choices)s.")
            % {"role": role, "choices": ", ".join(Role.values)},
            field="role",
        )
    if role not in STAFF_ROLES and cohort is None:
        raise DomainError(gettext("Testers must be invited into a cohort."), field="cohort")


def _check_invitable(email: str, cohort: Cohort | None) -> None:
    if User.objects.filter(email__iexact=email).exists():
        raise Conflict(gettext("%(email)s already has an account.") % {"email": email}, field="email")
    if Invitation.objects.filter(
        email=email, cohort=cohort, status=Invitation.Status.PENDING, expires_at__gt=timezone.now()
    ).exists():
        raise Conflict(
            gettext("%(email)s already has a pending invitation to this cohort.") % {"email": email}, field="email"
        )


def invitations_expire_stale() -> int:
    """Mark pending invitations past their expiry as expired (they stop counting as pending)."""
    return Invitation.objects.filter(status=Invitation.Status.PENDING, expires_at__lte=timezone.now()).update(
        status=Invitation.Status.EXPIRED
    )


def _expiry(days: int | None) -> timezone.datetime:
    days = settings.INVITATION_DEFAULT_DAYS if days is None else days
    if not 1 <= days <= settings.INVITATION_MAX_DAYS:
        raise DomainError(
            gettext("Expiry must be between 1 and %(invitation_max_days)s days.")
            % {"invitation_max_days": settings.INVITATION_MAX_DAYS},
            field="expires_in_days",
        )
    return timezone.now() + timedelta(days=days)


def _send_invitation_email(invitation: Invitation, link: str) -> None:
    context = {"invitation": invitation, "link": link, "program_name": settings.PROGRAM_NAME}
    send_mail(
        subject=gettext("You are invited to %(program)s") % {"program": settings.PROGRAM_NAME},
        message=render_to_string("accessprogram/email/invitation.txt", context),
        from_email=None,
        recipient_list=[invitation.email],
    )


def _issue(invitation: Invitation, *, send: bool) -> IssuedInvitation:
    token, invitation.token_hash = _new_token()
    invitation.sent_count += 1 if send else 0
    invitation.last_sent_at = timezone.now() if send else invitation.last_sent_at
    invitation.save()
    link = invitation_link(token)
    if send:
        transaction.on_commit(lambda: _send_invitation_email(invitation, link))
    return IssuedInvitation(invitation, link)


@transaction.atomic
def invitation_create(
    *,
    actor: Actor,
    email: str,
    role: str,
    cohort: Cohort | None,
    expires_in_days: int | None = None,
    send: bool = True,
) -> IssuedInvitation:
    invitations_expire_stale()
    return _invitation_create(
        actor=actor, email=email, role=role, cohort=cohort, expires_in_days=expires_in_days, send=send
    )


def _invitation_create(
    *, actor: Actor, email: str, role: str, cohort: Cohort | None, expires_in_days: int | None, send: bool
) -> IssuedInvitation:
    """Create one invitation; the caller has already expired stale ones in this transaction."""
    email = _normalise_email(email)
    _check_role_and_cohort(role, cohort)
    cohort = None if role in STAFF_ROLES else cohort
    _check_invitable(email, cohort)
    invitation = Invitation(
        email=email, role=role, cohort=cohort, invited_by=actor.user, expires_at=_expiry(expires_in_days)
    )
    try:
        with transaction.atomic():
            issued = _issue(invitation, send=send)
    except IntegrityError:
        raise Conflict(
            gettext("%(email)s already has a pending invitation to this cohort.") % {"email": email}, field="email"
        ) from None
    audit_record(
        actor=actor,
        action="invitation.created",
        target=invitation,
        details={
            "email": email,
            "role": role,
            "cohort": cohort.name if cohort else None,
            "expires_at": invitation.expires_at,
        },
    )
    return issued


@dataclass(frozen=True)
class BatchRow:
    line: int
    email: str
    role: str
    cohort: Cohort | None


def parse_invitation_csv(
    data: bytes, *, default_role: str | None = None, default_cohort: Cohort | None = None
) -> list[BatchRow]:
    """Parse and check a whole CSV (columns: email, role, cohort); raise BatchInvalid listing every bad row."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DomainError(gettext("The file is not UTF-8 text."), field="file") from None
    reader = csv.DictReader(io.StringIO(text))
    try:
        header = [h.strip().lower() for h in (reader.fieldnames or [])]
        reader.fieldnames = header
        # line_num, not a counter: the reader skips blank lines, and problems must name the line in the file.
        records = [(reader.line_num, record) for record in reader]
    except csv.Error as exc:
        raise DomainError(gettext("The file is not valid CSV (%(exc)s).") % {"exc": exc}, field="file") from None
    if "email" not in header:
        raise DomainError(gettext("The first line must be a header with at least an “email” column."), field="file")
    cohorts = {c.name.lower(): c for c in Cohort.objects.all()}
    invitations_expire_stale()
    pending = set(Invitation.objects.filter(status=Invitation.Status.PENDING).values_list("email", "cohort_id"))
    existing_users = set(User.objects.values_list("email", flat=True))
    problems: list[tuple[int, str]] = []
    rows: list[BatchRow] = []
    seen: dict[tuple[str, int | None], int] = {}
    for line, record in records:
        if len(rows) + len(problems) >= MAX_BATCH_ROWS:
            problems.append(
                (
                    line,
                    gettext("Too many rows: at most %(max_batch_rows)s per file.") % {"max_batch_rows": MAX_BATCH_ROWS},
                )
            )
            break
        if not any((value or "").strip() for value in record.values() if isinstance(value, str)):
            continue
        raw_email = (record.get("email") or "").strip()
        role = (record.get("role") or "").strip().lower().replace("-", "_") or (default_role or "")
        cohort_name = (record.get("cohort") or "").strip()
        row_problems = []
        try:
            email = _normalise_email(raw_email)
        except DomainError as exc:
            row_problems.append(exc.message)
            email = raw_email.lower()
        if role not in Role.values:
            row_problems.append(
                gettext("unknown role “%(role)s”") % {"role": role} if role else gettext("no role given")
            )
        cohort = cohorts.get(cohort_name.lower()) if cohort_name else default_cohort
        if cohort_name and cohort is None:
            row_problems.append(f"unknown cohort “{cohort_name}”")
        elif role in Role.values and role not in STAFF_ROLES and cohort is None:
            row_problems.append(gettext("testers need a cohort"))
        if role in STAFF_ROLES:
            cohort = None
        key = (email, cohort.pk if cohort else None)
        if not row_problems:
            if key in seen:
                row_problems.append(gettext("duplicate of line %(seen)s") % {"seen": seen[key]})
            elif key in pending:
                row_problems.append(
                    gettext("%(email)s already has a pending invitation to this cohort") % {"email": email}
                )
            elif email in existing_users:
                row_problems.append(gettext("%(email)s already has an account") % {"email": email})
        seen.setdefault(key, line)
        if row_problems:
            problems.append((line, "; ".join(row_problems)))
        else:
            rows.append(BatchRow(line, email, role, cohort))
    if problems:
        raise BatchInvalid(problems)
    if not rows:
        raise DomainError(gettext("The file has no invitations in it."), field="file")
    return rows


@transaction.atomic
def invitation_batch_create(
    *,
    actor: Actor,
    data: bytes,
    default_role: str | None = None,
    default_cohort: Cohort | None = None,
    expires_in_days: int | None = None,
) -> list[IssuedInvitation]:
    """Invite every row of a CSV, or nobody: the first bad row refuses the whole file."""
    rows = parse_invitation_csv(data, default_role=default_role, default_cohort=default_cohort)
    issued = [
        _invitation_create(
            actor=actor,
            email=row.email,
            role=row.role,
            cohort=row.cohort,
            expires_in_days=expires_in_days,
            send=True,
        )
        for row in rows
    ]
    audit_record(actor=actor, action="invitation.batch_imported", details={"count": len(issued)})
    return issued


@transaction.atomic
def invitation_resend(*, actor: Actor, invitation: Invitation, expires_in_days: int | None = None) -> IssuedInvitation:
    """Send a fresh link (the old one stops working) and restart the expiry clock."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.status not in (Invitation.Status.PENDING, Invitation.Status.EXPIRED):
        raise Conflict(
            gettext("This invitation is %(status)s; it cannot be resent.")
            % {"status": invitation.get_status_display().lower()}
        )
    if invitation.status == Invitation.Status.EXPIRED:
        _check_invitable(invitation.email, invitation.cohort)
    invitation.status = Invitation.Status.PENDING
    invitation.expires_at = _expiry(expires_in_days)
    issued = _issue(invitation, send=True)
    audit_record(
        actor=actor, action="invitation.resent", target=invitation, details={"expires_at": invitation.expires_at}
    )
    return issued


@transaction.atomic
def invitation_revoke(*, actor: Actor, invitation: Invitation) -> Invitation:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.status == Invitation.Status.ACCEPTED:
        raise Conflict(gettext("This invitation was already accepted; suspend or remove the member instead."))
    if invitation.status == Invitation.Status.REVOKED:
        return invitation
    invitation.status = Invitation.Status.REVOKED
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["status", "revoked_at"])
    audit_record(actor=actor, action="invitation.revoked", target=invitation)
    return invitation


class InvitationUnusable(DomainError):
    status_code = 410
    code = "invitation_unusable"


def invitation_for_token(token: str) -> Invitation:
    """The pending invitation a link's secret opens, or InvitationUnusable saying why not."""
    invitation = Invitation.objects.select_related("cohort").filter(token_hash=_hash_token(token or "")).first()
    if invitation is None:
        raise InvitationUnusable(
            gettext(
                "This invitation link is not valid. Check that you copied the whole link, or ask for a new invitation."
            )
        )
    if invitation.status == Invitation.Status.ACCEPTED:
        raise InvitationUnusable(gettext("This invitation has already been used. Sign in with the account it created."))
    if invitation.status == Invitation.Status.REVOKED:
        raise InvitationUnusable(gettext("This invitation was withdrawn by the program team."))
    if invitation.effective_status == Invitation.Status.EXPIRED:
        raise InvitationUnusable(gettext("This invitation has expired. Ask the program team to send it again."))
    return invitation


@transaction.atomic
def invitation_accept(*, actor: Actor, invitation: Invitation, user: User) -> Invitation:
    """Bind a newly created account to its invitation: role, cohort membership, and the audit trail."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.effective_status != Invitation.Status.PENDING:
        raise InvitationUnusable(gettext("This invitation can no longer be used."))
    if user.email.lower() != invitation.email:
        raise DomainError(gettext("The account's e-mail must be the invited address."), field="email")
    invitation.status = Invitation.Status.ACCEPTED
    invitation.accepted_at = timezone.now()
    invitation.accepted_user = user
    invitation.save(update_fields=["status", "accepted_at", "accepted_user"])
    if invitation.role in STAFF_ROLES:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
        user.groups.add(Group.objects.get(name=ROLE_GROUPS[Role(invitation.role)]))
    else:
        Membership.objects.create(user=user, cohort=invitation.cohort, kind=invitation.role)
    audit_record(
        actor=Actor(user=user, ip=actor.ip, user_agent=actor.user_agent),
        action="invitation.accepted",
        target=invitation,
        details={"role": invitation.role, "cohort": invitation.cohort.name if invitation.cohort else None},
    )
    return invitation
