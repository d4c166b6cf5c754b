"""Who is acting, from where: passed to every service so it can write the audit row."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest

from accessprogram.models import AccessToken


def client_ip(request: HttpRequest) -> str | None:
    """The client address, trusting X-Forwarded-For only through TRUSTED_PROXY_COUNT proxies."""
    candidate = request.META.get("REMOTE_ADDR")
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
        if len(hops) >= proxies:
            candidate = hops[-proxies]
    try:
        return str(ipaddress.ip_address(candidate)) if candidate else None
    except ValueError:
        return None


@dataclass(frozen=True)
class Actor:
    user: object | None
    ip: str | None = None
    user_agent: str = ""
    # The personal access token the request came with (API only); None for the portal's session.
    token: object | None = None

    @classmethod
    def from_request(cls, request: HttpRequest) -> Actor:
        user = request.user if getattr(request, "user", None) and request.user.is_authenticated else None
        auth = getattr(request, "auth", None)
        return cls(
            user=user,
            ip=client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:500],
            token=auth if isinstance(auth, AccessToken) else None,
        )

    @classmethod
    def system(cls) -> Actor:
        return cls(user=None)

    @property
    def label(self) -> str:
        if self.user is None:
            return "system"
        return f"{self.user.email} (token {self.token.prefix}…)" if self.token is not None else self.user.email
