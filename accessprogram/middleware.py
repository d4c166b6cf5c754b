"""The program gate, applied to every request: staff set up MFA, testers accept the current NDA first."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect

from accessprogram.access import gate_for

# Paths a gated user may still reach: accounts (login, logout, password, MFA), the NDA, static files.
OPEN_PREFIXES = ("/accounts/", "/nda/", "/membership-ended/", "/suspended/", "/" + settings.STATIC_URL.lstrip("/"))
# Public pages (share links, the gallery) show only approved work and show it the same to everyone,
# so a signed-in member is no different from an anonymous visitor there, gated or not.
PUBLIC_PREFIXES = ("/s/", "/gallery/", "/api/v1/leaks/")


class ProgramAccessMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith(OPEN_PREFIXES + PUBLIC_PREFIXES):
            gate = gate_for(user)
            if gate is not None:
                if request.path.startswith("/api/"):
                    return JsonResponse({"detail": gate.message, "code": gate.code, **gate.extra}, status=403)
                if request.method in ("GET", "HEAD"):
                    return redirect(f"{gate.url}?{urlencode({'next': request.get_full_path()})}")
                return redirect(gate.url)
        return self.get_response(request)
