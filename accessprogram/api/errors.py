"""One error shape for the whole API: {"detail", "code", "errors": {field: [messages]}}."""

from __future__ import annotations

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
            body["errors"] = {"file": [f"line {line}: {message}" for line, message in exc.problems]}
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
        response.data = {"detail": "Some fields are invalid.", "code": "invalid", "errors": _flatten(exc.detail)}
        response.status_code = status.HTTP_400_BAD_REQUEST
    elif isinstance(response.data, dict) and "detail" in response.data:
        codes = exc.get_codes() if hasattr(exc, "get_codes") else None
        response.data = {"detail": str(response.data["detail"]), "code": codes if isinstance(codes, str) else "error"}
        response.data.update(getattr(exc, "extra", {}))
    return response
