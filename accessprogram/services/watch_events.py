"""What the request being served did that the credential watch counts (`accessprogram.services.watch`), and the
names of the Redis windows kept per credential.

Services deep in a request (a job submitted) note events here without knowing the request; the watch counts
them against the request's credential once the request is answered. Outside a request, noting does nothing.
"""

from __future__ import annotations

import contextvars
import hashlib
import uuid

# The signals the watch counts per credential (their thresholds are in accessprogram.services.watch).
WATCH_SIGNALS = ("requests", "submissions", "prompts", "refusals", "headless", "blind_media")
# The signals the anomaly detector counts per token (accessprogram.services.anomalies).
ANOMALY_SIGNALS = ("client_ips", "networks", "user_agents", "requests")
_events: contextvars.ContextVar[list[tuple[str, str]] | None] = contextvars.ContextVar("watch_events", default=None)


class watching:
    """Collects the events of one request: `with watching() as events: response = get_response(request)`."""

    def __enter__(self) -> list[tuple[str, str]]:
        self.events: list[tuple[str, str]] = []
        self._reset = _events.set(self.events)
        return self.events

    def __exit__(self, *exc) -> None:
        _events.reset(self._reset)


def watch_note(signal: str, member: str | None = None) -> None:
    """One event of `signal` (a distinct `member`, or a new one each time) for the request being served."""
    events = _events.get()
    if events is not None:
        events.append((signal, member or uuid.uuid4().hex))


def watch_note_submission(*, prompt: str) -> None:
    """A job was submitted: one submission, and one prompt (the same prompt twice counts once per hour)."""
    watch_note("submissions")
    normalised = " ".join(prompt.lower().split())
    watch_note("prompts", hashlib.sha256(normalised.encode()).hexdigest()[:32])


def watch_key(kind: str, key: str, signal: str) -> str:
    """The Redis window of one signal of one credential (`kind` "session" or "token")."""
    return f"watch:{kind}:{key}:{signal}"


def anomaly_key(token_id: object, signal: str) -> str:
    """The Redis window of one anomaly signal of one token."""
    return f"anomaly:{token_id}:{signal}"


def token_windows(token_id: object) -> list[str]:
    """Every Redis window kept for one token, the anomaly detector's and the watch's: what lifting its suspension
    empties, so old evidence does not trip it again."""
    return [anomaly_key(token_id, signal) for signal in ANOMALY_SIGNALS] + [
        watch_key("token", str(token_id), signal) for signal in WATCH_SIGNALS
    ]
