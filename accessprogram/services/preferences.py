"""A person's own language and time zone."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accessprogram.errors import DomainError
from accessprogram.localization import language_codes, validate_time_zone
from accessprogram.models import ALWAYS_EMAILED, NotificationKind, User

# The notification kinds a person may choose not to receive by e-mail.
OPTIONAL_EMAIL_KINDS = [kind for kind in NotificationKind if kind not in ALWAYS_EMAILED]


def user_preferences_update(
    *,
    user: User,
    language: str | None = None,
    time_zone: str | None = None,
    email_kinds: list[str] | None = None,
) -> User:
    """Store the language (blank: follow the browser), time zone and/or the notifications e-mailed to them.

    `email_kinds` lists the kinds to receive by e-mail; every other optional kind is muted.
    """
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
    if email_kinds is not None:
        unknown = set(email_kinds) - set(NotificationKind.values)
        if unknown:
            raise DomainError(
                _("Unknown notification kind: %(kinds)s.") % {"kinds": ", ".join(sorted(unknown))}, field="email_kinds"
            )
        user.email_muted_kinds = [kind.value for kind in OPTIONAL_EMAIL_KINDS if kind not in email_kinds]
        fields.append("email_muted_kinds")
    if fields:
        user.save(update_fields=fields)
    return user
