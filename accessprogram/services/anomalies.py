"""Anomaly detection per access token: a token shared behind a public proxy looks unlike one person's.

Over a sliding window (Redis sorted sets, one Lua call per request) each token's distinct client IPs,
networks and user agents and its request count are compared with admin-set thresholds; a browser
`Origin` other than the portal's trips at once. Crossing any suspends that token alone, on the request
that crossed it, with the evidence in the audit log and in e-mails to the owner and the admins.
"""

from __future__ import annotations

import ipaddress
import uuid
from dataclasses import asdict, dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from accessprogram.errors import Conflict, NotAllowed
from accessprogram.infrastructure.redis_counters import counters
from accessprogram.models import AccessToken, AnomalyThresholds, Suspension, SuspensionScope, User
from accessprogram.services.audit import audit_record, audited_save
from accessprogram.services.context import Actor
from accessprogram.services.suspensions import suspension_active_for, suspension_active_of, suspension_create
from accessprogram.services.watch_events import ANOMALY_SIGNALS, anomaly_key

SIGNALS = {
    "client_ips": ("max_client_ips", "distinct client IP addresses"),
    "networks": ("max_networks", "distinct networks"),
    "user_agents": ("max_user_agents", "distinct user agents"),
    "requests": ("max_requests", "requests"),
}
assert tuple(SIGNALS) == ANOMALY_SIGNALS  # lifting a suspension empties exactly these windows
EVIDENCE_MEMBERS = 50


@dataclass(frozen=True)
class Anomaly:
    signal: str
    observed: int
    limit: int
    window_seconds: int
    detail: str = ""

    def describe(self) -> str:
        if self.signal == "foreign_origin":
            return f"used from a web page at {self.detail}, not the portal"
        noun = SIGNALS[self.signal][1]
        return f"{self.observed} {noun} within {self.window_seconds} s (the threshold is {self.limit})"


def network_of(ip: str | None) -> str:
    """The /24 (IPv4) or /48 (IPv6) network an address belongs to."""
    if not ip:
        return "unknown"
    address = ipaddress.ip_address(ip)
    prefix = 24 if address.version == 4 else 48
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


def portal_origin() -> str:
    site = urlsplit(settings.SITE_URL)
    return f"{site.scheme}://{site.netloc}".lower()


def _key(token: AccessToken, signal: str) -> str:
    return anomaly_key(token.pk, signal)


def anomaly_observe(*, token: AccessToken, ip: str | None, user_agent: str, origin: str) -> list[Anomaly]:
    """Record one request of this token; the thresholds it crossed (none, usually)."""
    thresholds = AnomalyThresholds.current()
    window = thresholds.window_seconds
    findings = []
    if origin and thresholds.refuse_foreign_origin and origin.strip().lower() != portal_origin():
        findings.append(Anomaly("foreign_origin", 1, 0, window, detail=origin[:200]))
    members = {
        "client_ips": ip or "unknown",
        "networks": network_of(ip),
        "user_agents": user_agent[:200] or "(none)",
        "requests": uuid.uuid4().hex,
    }
    limits = {signal: getattr(thresholds, field) for signal, (field, _) in SIGNALS.items()}
    sizes = counters().observe(
        {_key(token, signal): member for signal, member in members.items()},
        window=window,
        cap=max(limits.values()) + 1,
    )
    for signal, limit in limits.items():
        observed = sizes[_key(token, signal)]
        if observed > limit:
            findings.append(Anomaly(signal, observed, limit, window))
    return findings


def _evidence(token: AccessToken, findings: list[Anomaly], actor: Actor, origin: str) -> dict:
    seen = {
        signal: counters().members(_key(token, signal), limit=EVIDENCE_MEMBERS)
        for signal in ("client_ips", "networks", "user_agents")
    }
    return {
        "findings": [asdict(finding) | {"description": finding.describe()} for finding in findings],
        "tripping_request": {"ip": actor.ip, "user_agent": actor.user_agent, "origin": origin},
        "recently_seen": seen,
    }


def anomaly_contain(*, token: AccessToken, findings: list[Anomaly], actor: Actor, origin: str = "") -> Suspension:
    """Suspend this one token for what was found (its queued jobs are cancelled, its owner and admins told),
    and pause its owner when their credentials have been contained too often (`containment_escalate`)."""
    reason = "Anomaly detected: token " + "; ".join(finding.describe() for finding in findings) + "."
    evidence = _evidence(token, findings, actor, origin)
    system = Actor(user=None, ip=actor.ip, user_agent=actor.user_agent)
    try:
        suspension = suspension_create(
            actor=system,
            scope=SuspensionScope.TOKEN,
            target=token,
            reason=reason,
            automatic=True,
            evidence=evidence,
        )
    except Conflict:
        # Another request of the same token tripped it a moment earlier: keep its suspension, note this one.
        with transaction.atomic():
            existing = suspension_active_of(scope=SuspensionScope.TOKEN, target=token)
            audit_record(actor=system, action="token.anomaly_repeated", target=existing, details=evidence)
        return existing
    containment_escalate(user=token.owner, actor=system)
    return suspension


def _containments_of(user: User) -> QuerySet[Suspension]:
    """Automatic suspensions of this tester or of any of their tokens."""
    return Suspension.objects.filter(automatic=True).filter(
        Q(scope=SuspensionScope.TOKEN, token__owner=user) | Q(scope=SuspensionScope.TESTER, user=user)
    )


def containment_latest(user: User, *, within_seconds: int) -> Suspension | None:
    """The newest containment of this tester's credentials in the last `within_seconds`, or None."""
    since = timezone.now() - timedelta(seconds=within_seconds)
    return _containments_of(user).filter(created_at__gte=since).order_by("-created_at").first()


def containment_escalate(*, user: User, actor: Actor) -> Suspension | None:
    """Pause a tester as a whole once their credentials were contained `escalate_after` times within the
    admins' window: a leaker who mints a new token after each containment soon has none left to mint."""
    thresholds = AnomalyThresholds.current()
    since = timezone.now() - timedelta(seconds=thresholds.escalate_window_seconds)
    count = _containments_of(user).filter(created_at__gte=since).count()
    if count < thresholds.escalate_after or suspension_active_for(user) is not None:
        return None
    try:
        return suspension_create(
            actor=actor,
            scope=SuspensionScope.TESTER,
            target=user,
            reason=(
                f"Credentials contained {count} times within {thresholds.escalate_window_seconds} s "
                f"(the threshold is {thresholds.escalate_after}): generation paused until staff review."
            ),
            automatic=True,
            evidence={"containments": count, "window_seconds": thresholds.escalate_window_seconds},
        )
    except Conflict:
        return None


@transaction.atomic
def anomaly_thresholds_save(*, actor: Actor, thresholds: AnomalyThresholds, changed: list[str]) -> AnomalyThresholds:
    """Save the admin-edited thresholds (validated by their form) and audit what changed."""
    if actor.user is None or not actor.user.is_program_admin:
        raise NotAllowed(gettext("Only program admins can change the anomaly thresholds."))
    thresholds.pk = AnomalyThresholds.current().pk
    return audited_save(
        actor=actor,
        obj=thresholds,
        actions=("anomaly_thresholds.updated", "anomaly_thresholds.updated"),
        details=lambda created: {field: getattr(thresholds, field) for field in changed},
    )
