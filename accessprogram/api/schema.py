"""The OpenAPI schema's error answers: every operation documents the 4xx it can give, in the API's one error shape.

drf-spectacular documents only the success of each operation; this postprocessing hook adds the refusals that
accessprogram.api.errors.exception_handler writes, chosen from what the operation takes (sign-in, path
parameters, a page number, a body).
"""

from __future__ import annotations

ERROR_COMPONENT = "Error"
WRITE_METHODS = {"post", "put", "patch", "delete"}
HTTP_METHODS = WRITE_METHODS | {"get", "head", "options", "trace"}

ERROR_SCHEMA = {
    "type": "object",
    "description": "Why a request was refused. Some refusals add fields, such as `scope` or `nda`.",
    "properties": {
        "detail": {"type": "string", "description": "What went wrong, in a sentence."},
        "code": {"type": "string", "description": "A stable code: invalid, not_found, nda_required, …"},
        "errors": {
            "type": "object",
            "description": "Each field at fault and its messages.",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
        "resets_at": {
            "type": "string",
            "format": "date-time",
            "nullable": True,
            "description": "When a quota or rate limit resets (429 only).",
        },
    },
    "required": ["detail", "code"],
}

RETRY_AFTER = {"schema": {"type": "integer"}, "description": "Seconds to wait before trying again."}

DESCRIPTIONS = {
    400: "Invalid input: `errors` names each field at fault.",
    401: "The Bearer token is malformed, unknown, expired or revoked.",
    403: "Not signed in, or not allowed: the program gate (NDA, MFA, suspension), the role, or the token's scopes.",
    404: "No such object among those you may see, or no such page.",
    409: "The object is not in a state that allows this.",
    429: "A rate limit or quota is reached: `resets_at` and `Retry-After` say when to try again.",
    503: "A backing service (the database, Redis) is briefly down; nothing was changed. Retry after `Retry-After`.",
}


def _needs_sign_in(operation: dict) -> bool:
    security = operation.get("security")
    return bool(security) and {} not in security


def _statuses(method: str, operation: dict) -> list[int]:
    parameters = operation.get("parameters", [])
    statuses = [429, 503]
    if method in WRITE_METHODS or "requestBody" in operation:
        statuses += [400, 409]
    elif any(p.get("in") == "query" for p in parameters):
        statuses.append(400)  # a query string the site refuses to read (a NUL character)
    if _needs_sign_in(operation):
        statuses += [401, 403]
    if any(p.get("in") == "path" for p in parameters) or any(
        p.get("in") == "query" and p.get("name") == "page" for p in parameters
    ):
        statuses.append(404)
    return sorted(statuses)


def document_error_responses(result, generator, request, public):
    """Add the error component and each operation's possible refusals (unless the view documents them itself)."""
    result.setdefault("components", {}).setdefault("schemas", {})[ERROR_COMPONENT] = ERROR_SCHEMA
    error = {"application/json": {"schema": {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"}}}
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in HTTP_METHODS:
                continue
            responses = operation.setdefault("responses", {})
            for status in _statuses(method, operation):
                response = {"description": DESCRIPTIONS[status], "content": error}
                if status in (429, 503):
                    response["headers"] = {"Retry-After": RETRY_AFTER}
                responses.setdefault(str(status), response)
    return result
