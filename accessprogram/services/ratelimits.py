"""API rate limits per token and per tester (burst and sustained), and leak reports per client IP.

Counted atomically in Redis (see counters): a request is counted against all its limits or none.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext

from accessprogram.errors import LimitReached
from accessprogram.infrastructure.redis_counters import Limit, counters


def _limits(subject: str, rates: tuple[tuple[int, int], ...]) -> list[Limit]:
    return [Limit(f"rl:{subject}:{seconds}", count, seconds) for count, seconds in rates]


def _hit(limits: list[Limit], message: str) -> None:
    wait = counters().hit(limits)
    if wait:
        raise LimitReached(
            gettext("%(message)s Try again in %(wait)s s.") % {"message": message, "wait": wait},
            retry_after_seconds=wait,
            code="rate_limited",
        )


def api_rate_limit_hit(*, user, token=None) -> None:
    """Count one API request for the tester (and their token); LimitReached (429) when over a limit."""
    limits = _limits(f"user:{user.pk}", settings.API_RATE_LIMIT_TESTER)
    if token is not None:
        limits += _limits(f"token:{token.pk}", settings.API_RATE_LIMIT_TOKEN)
    _hit(limits, gettext("Too many requests."))


def leak_report_rate_limit_hit(*, ip: str | None) -> None:
    _hit(
        _limits(f"leak:{ip or 'unknown'}", settings.LEAK_REPORT_RATE_LIMIT), gettext("Too many leak reports from here.")
    )
