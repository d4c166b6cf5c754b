"""Leak reports: anyone may send strings they found in public; the valid tokens among them are revoked.

As with GitHub's credential-revocation API, the answer is the same whatever was valid, so the endpoint
tells a reporter nothing about a token that they could not learn by using it.
"""

from __future__ import annotations

from collections import defaultdict

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy, gettext_noop

from accessprogram.infrastructure.email_notices import program_admin_emails, send_notice
from accessprogram.localization import lazy_message
from accessprogram.models import AccessToken
from accessprogram.services.audit import audit_record
from accessprogram.services.context import Actor
from accessprogram.services.suspensions import jobs_stop
from accessprogram.services.token_format import token_hash, token_parse
from accessprogram.services.tokens import token_revoke

LEAK_REASON = "Reported as leaked in public."


@transaction.atomic
def leak_report(*, actor: Actor, candidates: list[str]) -> int:
    """Revoke every live token among the candidates and tell their owners and the admins; returns how many."""
    hashes = {token_hash(token) for token in map(token_parse, candidates) if token is not None}
    leaked = list(
        AccessToken.objects.select_related("owner")
        .filter(secret_hash__in=hashes, revoked_at__isnull=True)
        .order_by("pk")
    )
    by_owner: dict[str, list[AccessToken]] = defaultdict(list)
    for token in leaked:
        token_revoke(actor=actor, token=token, reason=LEAK_REASON)
        by_owner[token.owner.email].append(token)
    if not leaked:
        return 0
    # Whoever found the token may have queued work with it: none of that runs on our GPUs.
    jobs_stop(actor=actor, reach=Q(token__in=leaked), reason="Stopped: its token leaked.")
    audit_record(
        actor=actor,
        action="token.leak_reported",
        details={"candidates": len(candidates), "revoked": [token.prefix for token in leaked]},
    )
    for email, tokens in by_owner.items():
        send_notice(
            subject=gettext_lazy("Your access token was found in public and revoked"),
            template="accessprogram/email/token_leaked.txt",
            recipients=[email],
            context={"tokens": tokens},
        )
    send_notice(
        subject=lazy_message(gettext_noop("%(count)s leaked access token(s) revoked"), count=len(leaked)),
        template="accessprogram/email/token_leaked.txt",
        recipients=program_admin_emails(),
        context={"tokens": leaked, "for_admins": True, "reporter_ip": actor.ip},
    )
    return len(leaked)
