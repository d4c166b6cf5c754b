"""Every credential watched: a portal session or a token used by a server in front of it, not by its person.

The signals are ones such a server cannot avoid without becoming as slow as one person: submissions and
distinct prompts faster than a person writes them, refusals (429s, caps) hammered instead of waited out,
portal requests without the `Sec-Fetch-*` headers every browser sends, videos fetched without their page,
and, for sessions, the raw request cadence. Each is counted per credential in a sliding window in Redis and
compared with the admins' thresholds (`AnomalyThresholds`). Crossing one contains that credential alone: a
token is suspended; a session is signed out and its owner paused until staff look. A session that moves to
another network or kind of browser is not contained but asked for the password again (sudo mode).
"""

from __future__ import annotations

import hashlib
import time
import uuid
from dataclasses import dataclass
from functools import lru_cache

from django.contrib.auth import logout
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ua_parser import parse as parse_user_agent

from accessprogram.errors import Conflict
from accessprogram.infrastructure.redis_counters import counters
from accessprogram.models import AccessToken, AnomalyThresholds, Suspension, SuspensionScope, User
from accessprogram.services.anomalies import Anomaly, anomaly_contain, network_of
from accessprogram.services.audit import audit_record
from accessprogram.services.context import Actor, client_ip
from accessprogram.services.suspensions import suspension_active_of, suspension_create
from accessprogram.services.watch_events import watch_key, watch_note

# signal: (threshold field, window field or fixed seconds, what is counted)
SIGNALS = {  # in the order of WATCH_SIGNALS
    "requests": ("max_requests", "window_seconds", "requests"),
    "submissions": ("max_submissions", "submission_window_seconds", "submissions"),
    "prompts": ("max_prompts_per_hour", 3600, "distinct prompts"),
    "refusals": ("max_refusals", "window_seconds", "refused requests (429)"),
    "headless": ("max_headless_requests", "window_seconds", "requests without a browser's Sec-Fetch headers"),
    "blind_media": ("max_blind_media", "window_seconds", "videos asked for without their page"),
}
# How long an output's page counts as opened for its video: a tab left open overnight still plays.
PAGE_MEMORY_SECONDS = 24 * 3600
BINDING_SESSION_KEY = "vern_watch_binding"
MEDIA_WITHOUT_PAGE = gettext_lazy("Open this video from its page in the portal.")


def clock() -> float:
    """Seconds since the epoch; one place, so a simulated hour can run in minutes."""
    return time.time()


@dataclass(frozen=True)
class Credential:
    """One thing a request was authenticated with: a portal session or an access token."""

    kind: str  # "session" or "token"
    key: str
    user: User
    token: AccessToken | None = None

    @property
    def label(self) -> str:
        if self.token is not None:
            return f"token {self.token.prefix}… of {self.user.email}"
        return f"portal session of {self.user.email}"


class Finding(Anomaly):
    """A watch signal crossed: the same shape as a token anomaly, so the same evidence and notices carry it."""

    def describe(self) -> str:
        noun = SIGNALS[self.signal][2]
        return f"{self.observed} {noun} within {self.window_seconds} s (the threshold is {self.limit})"


def _is_watched(user) -> bool:
    # Staff sign in with a second factor and run the kill switches; testers are who a leak comes from.
    return user is not None and user.is_authenticated and user.is_tester and not user.is_program_staff


def session_credential(request: HttpRequest) -> Credential | None:
    """The tester's portal session this request came with (not a Bearer request), or None."""
    if request.META.get("HTTP_AUTHORIZATION", "").lower().startswith("bearer"):
        return None
    user = getattr(request, "user", None)
    session_key = getattr(getattr(request, "session", None), "session_key", None)
    if not _is_watched(user) or not session_key:
        return None
    return Credential("session", hashlib.sha256(session_key.encode()).hexdigest()[:32], user)


def token_credential(request: HttpRequest) -> Credential | None:
    """The access token the API authenticated this request with (set by DRF on the request), or None."""
    token = getattr(request, "auth", None)
    if not isinstance(token, AccessToken) or not _is_watched(token.owner):
        return None
    return Credential("token", str(token.pk), token.owner, token)


def _key(credential: Credential, signal: str) -> str:
    return watch_key(credential.kind, credential.key, signal)


def watch_note_pages(request: HttpRequest, *, output_ids: list[str]) -> None:
    """The session opened a page showing these outputs: their videos may now be played."""
    credential = session_credential(_django_request(request))
    if credential is None or not output_ids:
        return
    counters().observe(
        {_key(credential, f"page:{output_id}"): "seen" for output_id in output_ids},
        window=PAGE_MEMORY_SECONDS,
        cap=1,
        now=clock(),
    )


def watch_media_refused(request: HttpRequest, *, output_id: str) -> bool:
    """True when a session asks for a video whose page it never opened: a browser playing it on its page
    always has; a server relaying the session's videos to the public has not. Counted, and refused."""
    credential = session_credential(_django_request(request))
    if credential is None:
        return False
    seen = counters().last_seen(_key(credential, f"page:{output_id}"), "seen")
    if seen is not None and seen >= clock() - PAGE_MEMORY_SECONDS:
        return False
    watch_note("blind_media")
    return True


def _django_request(request) -> HttpRequest:
    """DRF wraps the Django request; the session and the credential live on the Django one."""
    return getattr(request, "_request", request)


def is_headless(request: HttpRequest) -> bool:
    """No `Sec-Fetch-Site`/`Sec-Fetch-Mode`: every current browser sends both with every request to a secure
    origin (https, or localhost), for pages, media and the portal's own fetches alike."""
    return not (request.META.get("HTTP_SEC_FETCH_SITE") and request.META.get("HTTP_SEC_FETCH_MODE"))


def watch_observe(
    credential: Credential, *, request: HttpRequest, status: int, events: list[tuple[str, str]]
) -> list[Finding]:
    """Count one answered request of this credential; the thresholds it crossed (none, usually)."""
    thresholds = AnomalyThresholds.current()
    noted: dict[str, list[str]] = {}
    for signal, member in events:
        noted.setdefault(signal, []).append(member)
    if credential.kind == "session":
        # A token's raw request count is already watched by its anomaly detector.
        noted.setdefault("requests", []).append(uuid.uuid4().hex)
        if is_headless(request):
            noted.setdefault("headless", []).append(uuid.uuid4().hex)
    if status == 429:
        noted.setdefault("refusals", []).append(uuid.uuid4().hex)
    findings = []
    now = clock()
    for signal, members in noted.items():
        limit_field, window_field, _noun = SIGNALS[signal]
        limit = getattr(thresholds, limit_field)
        window = window_field if isinstance(window_field, int) else getattr(thresholds, window_field)
        size = 0
        for member in members:
            size = counters().observe({_key(credential, signal): member}, window=window, cap=limit + 1, now=now)[
                _key(credential, signal)
            ]
        if size > limit:
            findings.append(Finding(signal, size, limit, window))
    return findings


def watch_contain(*, credential: Credential, findings: list[Finding], request: HttpRequest) -> Suspension:
    """Contain this credential alone: suspend the token, or sign the session out and pause its owner.
    Either way its queued and running jobs stop, its owner and the admins are told, the audit log records it."""
    actor = Actor(user=None, ip=client_ip(request), user_agent=request.META.get("HTTP_USER_AGENT", "")[:500])
    if credential.token is not None:
        return anomaly_contain(token=credential.token, findings=findings, actor=actor)
    described = "; ".join(finding.describe() for finding in findings)
    evidence = {
        "credential": "portal session",
        "findings": [{**finding.__dict__, "description": finding.describe()} for finding in findings],
        "tripping_request": {
            "ip": actor.ip,
            "user_agent": actor.user_agent,
            "path": request.path[:200],
            "sec_fetch_site": request.META.get("HTTP_SEC_FETCH_SITE", "")[:40],
        },
    }
    logout(request)
    try:
        return suspension_create(
            actor=actor,
            scope=SuspensionScope.TESTER,
            target=credential.user,
            reason=f"Anomaly detected: portal session {described}. Signed out; generation paused until staff review.",
            automatic=True,
            evidence=evidence,
        )
    except Conflict:
        with transaction.atomic():
            existing = suspension_active_of(scope=SuspensionScope.TESTER, target=credential.user)
            audit_record(actor=actor, action="session.anomaly_repeated", target=existing, details=evidence)
        return existing


@lru_cache(maxsize=1024)
def user_agent_family(user_agent: str) -> str:
    """The browser and operating system a user agent names, without versions (an update is not a new device)."""
    parsed = parse_user_agent(user_agent or "")
    browser = parsed.user_agent.family if parsed.user_agent else "Other"
    system = parsed.os.family if parsed.os else "Other"
    return f"{browser} on {system}"


def session_password_at(request: HttpRequest) -> float | None:
    """When this session last proved the password (sign-in or allauth's reauthentication)."""
    request = _django_request(request)
    if not hasattr(request, "session"):
        return None
    records = request.session.get("account_authentication_methods") or []
    times = [r.get("at") for r in records if isinstance(r, dict) and r.get("method") == "password"]
    return max((t for t in times if isinstance(t, (int, float))), default=None)


def session_needs_password(request: HttpRequest) -> bool:
    """Sudo mode for a session seen from a network or kind of browser it was not signed in from: True until
    the password is typed again (then that network and browser join the session's own). The session's first
    request binds it, right after sign-in."""
    if not AnomalyThresholds.current().reauthenticate_on_new_network:
        return False
    network = network_of(client_ip(request))
    family = user_agent_family(request.META.get("HTTP_USER_AGENT", "")[:500])
    binding = request.session.get(BINDING_SESSION_KEY)
    if not isinstance(binding, dict):
        request.session[BINDING_SESSION_KEY] = {"networks": [network], "families": [family]}
        return False
    if network in binding["networks"] and family in binding["families"]:
        return False
    asked_at = binding.get("asked_at")
    password_at = session_password_at(request)
    if asked_at is not None and password_at is not None and password_at >= asked_at:
        binding["networks"] = sorted({*binding["networks"], network})
        binding["families"] = sorted({*binding["families"], family})
        binding.pop("asked_at")
        request.session[BINDING_SESSION_KEY] = binding
        return False
    if asked_at is None:
        binding["asked_at"] = clock()
        request.session[BINDING_SESSION_KEY] = binding
    return True


def reauthenticate_message() -> str:
    return _("Confirm your password to continue: this session is being used from a new network or browser.")
