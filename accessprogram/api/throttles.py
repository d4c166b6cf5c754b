"""The API's rate limits: per token and per tester, burst and sustained, atomic in Redis (429 + Retry-After)."""

from __future__ import annotations

from rest_framework.throttling import BaseThrottle

from accessprogram.models import AccessToken
from accessprogram.services.ratelimits import api_rate_limit_hit


class TokenAndTesterRateThrottle(BaseThrottle):
    """Counts every request made with a token, and every tester's requests however they sign in.

    Staff are not limited here. Over a limit, `api_rate_limit_hit` raises LimitReached, which the API's
    exception handler answers with 429, the reason and `Retry-After`.
    """

    def allow_request(self, request, view) -> bool:
        user = request.user
        if not user or not user.is_authenticated:
            return True
        token = request.auth if isinstance(request.auth, AccessToken) else None
        if token is not None or user.is_tester:
            api_rate_limit_hit(user=user, token=token)
        return True
