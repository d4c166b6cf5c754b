"""Who is acting, from where: passed to every service so it can write the audit row."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest


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

    @classmethod
    def from_request(cls, request: HttpRequest) -> Actor:
        user = request.user if getattr(request, "user", None) and request.user.is_authenticated else None
        return cls(user=user, ip=client_ip(request), user_agent=request.META.get("HTTP_USER_AGENT", "")[:500])

    @classmethod
    def system(cls) -> Actor:
        return cls(user=None)

    @property
    def label(self) -> str:
        return self.user.email if self.user is not None else "system"
