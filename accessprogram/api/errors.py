"""One error shape for the whole API: {"detail", "code", "errors": {field: [messages]}}."""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.views.defaults import bad_request as site_bad_request
from django.views.defaults import page_not_found
from django.views.defaults import server_error as site_server_error
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from accessprogram.errors import BatchInvalid, DomainError, InvalidFields, LimitReached


def _flatten(detail) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        return {key: [str(v) for v in (value if isinstance(value, list) else [value])] for key, value in detail.items()}
    return {"non_field_errors": [str(v) for v in (detail if isinstance(detail, list) else [detail])]}


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        body = {"detail": exc.message, "code": exc.code}
        if exc.field:
            body["errors"] = {exc.field: [exc.message]}
        headers = {}
        if isinstance(exc, BatchInvalid):
            body["errors"] = {
                "file": [
                    gettext("line %(line)s: %(message)s") % {"line": line, "message": message}
                    for line, message in exc.problems
                ]
            }
        if isinstance(exc, InvalidFields):
            body["errors"] = exc.errors
        if isinstance(exc, LimitReached):
            body["resets_at"] = exc.resets_at.isoformat() if exc.resets_at else None
            if exc.retry_after_seconds is not None:
                headers["Retry-After"] = str(exc.retry_after_seconds)
        return Response(body, status=exc.status_code, headers=headers)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, ValidationError):
        response.data = {
            "detail": gettext("Some fields are invalid."),
            "code": "invalid",
            "errors": _flatten(exc.detail),
        }
        response.status_code = status.HTTP_400_BAD_REQUEST
    elif isinstance(response.data, dict) and "detail" in response.data:
        codes = exc.get_codes() if hasattr(exc, "get_codes") else None
        response.data = {"detail": str(response.data["detail"]), "code": codes if isinstance(codes, str) else "error"}
        response.data.update(getattr(exc, "extra", {}))
    return response


def bad_request(request, exception):
    """The site's 400 for requests Django refuses before any view (too many form fields, too large a body):
    under /api/ in the API's error shape, a page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": gettext("The request could not be read."), "code": "bad_request"}, status=400)
    return site_bad_request(request, exception)


def not_found(request, exception):
    """The site's 404: under /api/ the API's error shape (an id that matches no route, say), a page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": gettext("Not found."), "code": "not_found"}, status=status.HTTP_404_NOT_FOUND)
    return page_not_found(request, exception)


# A backing service that is down (the database, or Redis for the shared rate limits and the cache) makes a
# request impossible for now, not wrong: 503 with Retry-After, so clients and proxies retry, rather than 500.
UNAVAILABLE_RETRY_SECONDS = 5


def _backing_service_down(exc: BaseException | None) -> bool:
    return isinstance(exc, (OperationalError, InterfaceError, RedisConnectionError, RedisTimeoutError))


def server_error(request):
    """The site's 500, or a 503 with Retry-After when a backing service is down (nothing was changed)."""
    exc = sys.exc_info()[1]
    if _backing_service_down(exc):
        message = gettext("The service is briefly unavailable; nothing was changed. Try again in a few seconds.")
        if request.path.startswith("/api/"):
            response = JsonResponse({"detail": message, "code": "unavailable"}, status=503)
        else:
            title = gettext("Briefly unavailable")
            page = format_html("<!doctype html><title>{}</title><h1>{}</h1><p>{}</p>", title, title, message)
            response = HttpResponse(page, status=503)
        response["Retry-After"] = str(UNAVAILABLE_RETRY_SECONDS)
        return response
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": gettext("Server error."), "code": "server_error"}, status=500)
    return site_server_error(request)
