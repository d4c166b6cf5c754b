"""Domain errors raised by services; views turn them into form errors and the API into 4xx."""

from __future__ import annotations

from django.utils.translation import gettext


class DomainError(Exception):
    """A request the program refuses. `field` names the input at fault, when there is one."""

    status_code = 400
    code = "invalid"

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code


class NotAllowed(DomainError):
    status_code = 403
    code = "not_allowed"


class Conflict(DomainError):
    status_code = 409
    code = "conflict"


class BatchInvalid(DomainError):
    """A batch refused whole; `problems` lists every bad row as (row number, message)."""

    def __init__(self, problems: list[tuple[int, str]]) -> None:
        super().__init__(
            gettext("%(count)s problem(s) found; nothing was imported.") % {"count": len(problems)}, field="file"
        )
        self.problems = problems


class InvalidFields(DomainError):
    """Several inputs refused at once: `errors` maps each field to its messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(gettext("Some fields are invalid."), field=next(iter(errors), None))
        self.errors = errors


class LimitReached(DomainError):
    """A quota or rate limit: HTTP 429, with when it resets."""

    status_code = 429
    code = "limit_reached"

    def __init__(self, message: str, *, retry_after_seconds: int | None = None, resets_at=None, code=None) -> None:
        super().__init__(message, code=code)
        self.retry_after_seconds = retry_after_seconds
        self.resets_at = resets_at
