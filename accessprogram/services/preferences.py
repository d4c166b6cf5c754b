"""A person's own language and time zone."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accessprogram.errors import DomainError
from accessprogram.localization import language_codes, validate_time_zone
from accessprogram.models import User


def user_preferences_update(*, user: User, language: str | None = None, time_zone: str | None = None) -> User:
    """Store the language (blank: follow the browser) and/or time zone someone chose for themself."""
    fields = []
    if language is not None:
        if language and language not in language_codes():
            raise DomainError(_("This language is not offered."), field="language")
        user.language = language
        fields.append("language")
    if time_zone is not None:
        try:
            validate_time_zone(time_zone)
        except ValidationError as exc:
            raise DomainError(exc.messages[0], field="time_zone") from None
        user.time_zone = time_zone
        fields.append("time_zone")
    if fields:
        user.save(update_fields=fields)
    return user
