"""The program gate, applied to every request: staff set up MFA, testers accept the current NDA first."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accessprogram.access import gate_for
from accessprogram.localization import language_codes, user_time_zone
from accessprogram.models import SuspensionScope
from accessprogram.services.suspensions import SUSPENDED_MESSAGES
from accessprogram.services.watch import (
    reauthenticate_message,
    session_credential,
    session_needs_password,
    token_credential,
    watch_contain,
    watch_observe,
)
from accessprogram.services.watch_events import watching

# Paths a gated user may still reach: accounts (login, logout, password, MFA, preferences), the NDA, the
# language switcher, static files.
OPEN_PREFIXES = (
    "/accounts/",
    "/nda/",
    "/i18n/",
    "/membership-ended/",
    "/suspended/",
    "/" + settings.STATIC_URL.lstrip("/"),
)
# Public pages (share links, the gallery) show only approved work and show it the same to everyone,
# so a signed-in member is no different from an anonymous visitor there, gated or not; nor on health probes.
PUBLIC_PREFIXES = ("/s/", "/gallery/", "/api/v1/leaks/", "/healthz", "/readyz")


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


class RefuseNulCharactersMiddleware:
    """A NUL character in the path, the query string, a header or a form field is refused with 400 before any
    view reads it: PostgreSQL text cannot hold NUL, so a lookup, search or audit row built from it would fail
    in the database. No browser sends one. (The API's JSON parser refuses NUL in JSON bodies.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _carries_nul(request):
            message = _("The request contains a NUL character; remove it and try again.")
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message, "code": "bad_request"}, status=400)
            return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _nul_in(query) -> bool:
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in query.lists())


def _carries_nul(request: HttpRequest) -> bool:
    if "\x00" in request.path_info:
        return True
    if _nul_in(request.GET) or (request.content_type in FORM_TYPES and _nul_in(request.POST)):
        return True
    return any(
        "\x00" in value for key, value in request.META.items() if key.startswith("HTTP_") and isinstance(value, str)
    )


class CredentialWatchMiddleware:
    """Watches every tester credential (`accessprogram.services.watch`): a session seen from a new network or
    browser is asked for the password again; a request that crosses a threshold contains its credential and
    is answered with the suspension instead of what it asked for."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(OPEN_PREFIXES + PUBLIC_PREFIXES):
            return self.get_response(request)
        session = session_credential(request)
        if session is not None and session_needs_password(request):
            return _ask_password(request)
        with watching() as events:
            response = self.get_response(request)
        credential = session or token_credential(request)
        if credential is None:
            return response
        findings = watch_observe(credential, request=request, status=response.status_code, events=events)
        if not findings:
            return response
        suspension = watch_contain(credential=credential, findings=findings, request=request)
        if credential.kind == "session" and not request.path.startswith("/api/"):
            return redirect(reverse("account_login"))
        scope = SuspensionScope(suspension.scope)
        return JsonResponse({"detail": SUSPENDED_MESSAGES[scope], "code": "suspended", "scope": scope}, status=403)


def _ask_password(request: HttpRequest) -> HttpResponse:
    url = reverse("account_reauthenticate")
    if request.path.startswith("/api/"):
        detail = {"detail": reauthenticate_message(), "code": "reauthentication_required", "url": url}
        return JsonResponse(detail, status=403)
    return redirect(f"{url}?{urlencode({'next': request.get_full_path()})}")


class UserPreferencesMiddleware:
    """A signed-in person's own language and time zone win over the browser's Accept-Language and UTC.

    Runs after LocaleMiddleware (which read the cookie and Accept-Language) and AuthenticationMiddleware.
    The API keeps UTC: its times are ISO 8601 in UTC whatever the member's zone (only error details translate).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            if user.language in language_codes():
                translation.activate(user.language)
                request.LANGUAGE_CODE = user.language
            if not request.path.startswith("/api/"):
                timezone.activate(user_time_zone(user))
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
