"""Personal access tokens: created in the portal, shown once, checked on every API request, revoked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from accessprogram.errors import Conflict, DomainError, LimitReached, NotAllowed
from accessprogram.infrastructure.email_notices import program_admin_emails, send_notice
from accessprogram.models import AccessToken, AnomalyThresholds, Suspension, TokenScope, User
from accessprogram.models.tokens import SELF_SERVICE_SCOPES
from accessprogram.services.anomalies import containment_latest
from accessprogram.services.audit import audit_record
from accessprogram.services.context import Actor
from accessprogram.services.token_format import token_display_prefix, token_generate, token_hash, token_parse

# A token's last use is rewritten at most this often from the same address and user agent.
LAST_USE_RESOLUTION = timedelta(seconds=60)


@dataclass(frozen=True)
class IssuedToken:
    token: AccessToken
    secret: str  # shown to the owner once; never stored


def tokens_for_user(user: User) -> QuerySet[AccessToken]:
    """The tokens a user may see: their own, or every tester's for program admins; with `is_suspended`."""
    tokens = AccessToken.objects.select_related("owner").annotate(
        is_suspended=Exists(Suspension.objects.filter(token=OuterRef("pk"), lifted_at__isnull=True))
    )
    return tokens if user.is_program_admin else tokens.filter(owner=user)


def _clean_scopes(scopes: list[str]) -> list[str]:
    chosen = sorted(set(scopes or []))
    if not chosen:
        raise DomainError(gettext("Choose at least one scope."), field="scopes")
    if TokenScope.DOWNLOAD in chosen:
        raise NotAllowed(
            gettext("Only a program admin can grant the download scope, one token at a time."), field="scopes"
        )
    unknown = set(chosen) - set(SELF_SERVICE_SCOPES)
    if unknown:
        raise DomainError(
            gettext("Unknown scope “%(unknown)s”; choose generate or read.") % {"unknown": sorted(unknown)[0]},
            field="scopes",
        )
    return chosen


@transaction.atomic
def token_create(
    *,
    actor: Actor,
    name: str,
    scopes: list[str],
    expires_in_days: int | None = None,
    password_at: float | None = None,
) -> IssuedToken:
    """A new token for the signed-in tester; the secret is in the result and nowhere else.

    `password_at` is when the session last proved the password: right after a containment of this tester's
    credentials it must be later than that containment, and the admins are told of the new token."""
    if actor.token is not None:
        raise NotAllowed(
            gettext("Tokens can only be created in the portal, not with another token."), code="session_required"
        )
    owner = actor.user
    if owner is None or not owner.is_tester:
        raise NotAllowed(gettext("Only testers can create access tokens."))
    cooldown = AnomalyThresholds.current().mint_cooldown_seconds
    containment = containment_latest(owner, within_seconds=cooldown) if cooldown else None
    if containment is not None and (password_at is None or password_at < containment.created_at.timestamp()):
        raise NotAllowed(
            gettext("One of your credentials was contained; confirm your password before creating a new token."),
            code="reauthentication_required",
        )
    name = (name or "").strip()
    if not name:
        raise DomainError(
            gettext("Give the token a name, such as the machine or script that will use it."), field="name"
        )
    if len(name) > 80:
        raise DomainError(gettext("At most 80 characters."), field="name")
    chosen = _clean_scopes(scopes)
    days = settings.ACCESS_TOKEN_DEFAULT_DAYS if expires_in_days is None else expires_in_days
    if not 1 <= days <= settings.ACCESS_TOKEN_MAX_DAYS:
        raise DomainError(
            gettext("A token lasts between 1 and %(access_token_max_days)s days.")
            % {"access_token_max_days": settings.ACCESS_TOKEN_MAX_DAYS},
            field="expires_in_days",
        )
    # Lock the owner's row so two concurrent creations count each other.
    User.objects.select_for_update().filter(pk=owner.pk).first()
    active = AccessToken.objects.filter(owner=owner, revoked_at__isnull=True, expires_at__gt=timezone.now()).count()
    if active >= settings.ACCESS_TOKEN_MAX_ACTIVE:
        raise LimitReached(
            gettext(
                "You already have %(active)s active tokens (the limit is %(access_token_max_active)s); "
                "revoke one first."
            )
            % {"active": active, "access_token_max_active": settings.ACCESS_TOKEN_MAX_ACTIVE},
            code="too_many_tokens",
        )
    secret = token_generate()
    token = AccessToken.objects.create(
        owner=owner,
        name=name,
        prefix=token_display_prefix(secret),
        secret_hash=token_hash(secret),
        scopes=chosen,
        expires_at=timezone.now() + timedelta(days=days),
    )
    details = {"name": name, "prefix": token.prefix, "scopes": chosen, "expires_at": token.expires_at}
    if containment is not None:
        details["after_containment"] = containment.pk
        send_notice(
            subject=f"New token after a containment: {owner.email}",
            template="accessprogram/email/token_after_containment.txt",
            recipients=program_admin_emails(),
            context={"token": token, "owner": owner, "containment": containment},
        )
    audit_record(actor=actor, action="token.created", target=token, details=details)
    return IssuedToken(token, secret)


def _may_manage(actor: Actor, token: AccessToken) -> bool:
    return actor.user is not None and (actor.user.pk == token.owner_id or actor.user.is_program_admin)


def _lock(token: AccessToken) -> AccessToken:
    return AccessToken.objects.select_for_update().select_related("owner").get(pk=token.pk)


@transaction.atomic
def token_revoke(*, actor: Actor, token: AccessToken, reason: str | None = None) -> AccessToken:
    """Revoke for good (owner or program admin); revoking a revoked token changes nothing."""
    if actor.user is not None and not _may_manage(actor, token):
        raise NotAllowed(gettext("Only the token's owner or a program admin can revoke it."))
    if reason is None:
        by_owner = actor.user is not None and actor.user.pk == token.owner_id
        reason = "Revoked by its owner." if by_owner else "Revoked by a program admin."
    token = _lock(token)
    if token.revoked_at is not None:
        return token
    token.revoked_at = timezone.now()
    token.revoked_reason = reason[:500]
    token.revoked_by = actor.user
    token.save(update_fields=["revoked_at", "revoked_reason", "revoked_by"])
    audit_record(actor=actor, action="token.revoked", target=token, details={"prefix": token.prefix, "reason": reason})
    return token


GRANT_REASON_MAX = 500


@transaction.atomic
def token_grant_download(*, actor: Actor, token: AccessToken, reason: str) -> AccessToken:
    """Let this one token fetch video bytes (program admins only), saying why; the reason is audited."""
    if actor.user is None or not actor.user.is_program_admin:
        raise NotAllowed(gettext("Only program admins can grant the download scope."))
    reason = " ".join((reason or "").split())
    if not reason:
        raise DomainError(gettext("Say why this token may download videos."), field="reason")
    if len(reason) > GRANT_REASON_MAX:
        raise DomainError(
            gettext("At most %(max)s characters.") % {"max": GRANT_REASON_MAX}, field="reason", code="too_long"
        )
    token = _lock(token)
    if token.status in (AccessToken.Status.REVOKED, AccessToken.Status.EXPIRED):
        raise Conflict(gettext("This token is %(status)s.") % {"status": token.get_status_display().lower()})
    if token.has_scope(TokenScope.DOWNLOAD):
        return token
    token.scopes = sorted({*token.scopes, TokenScope.DOWNLOAD.value})
    token.download_granted_at = timezone.now()
    token.download_granted_by = actor.user
    token.save(update_fields=["scopes", "download_granted_at", "download_granted_by"])
    audit_record(
        actor=actor,
        action="token.download_granted",
        target=token,
        details={"prefix": token.prefix, "owner": token.owner.email, "reason": reason},
    )
    return token


def token_find(candidate: str) -> AccessToken | None:
    """The stored token a string is, or None: malformed strings never reach the database."""
    token = token_parse(candidate)
    if token is None:
        return None
    return AccessToken.objects.select_related("owner").filter(secret_hash=token_hash(token)).first()


def token_record_use(*, token: AccessToken, ip: str | None, user_agent: str) -> None:
    """Remember the last use for the owner to see; skipped when nothing changed within the last minute."""
    now = timezone.now()
    user_agent = user_agent[:500]
    unchanged = Q(last_used_ip=ip, last_used_user_agent=user_agent, last_used_at__gt=now - LAST_USE_RESOLUTION)
    AccessToken.objects.filter(pk=token.pk).exclude(unchanged).update(
        last_used_at=now, last_used_ip=ip, last_used_user_agent=user_agent
    )
