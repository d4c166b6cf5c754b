"""Each reader's language, time zone and locale formats: what the portal, e-mails and statements show them.

The API is not localised: it speaks UTC ISO 8601 and plain amounts whatever the reader's settings.
"""

from __future__ import annotations

import zoneinfo
from contextlib import contextmanager
from datetime import date, datetime, tzinfo
from decimal import Decimal
from functools import cache

from babel.dates import format_skeleton
from babel.numbers import format_currency, get_currency_precision
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

UTC = zoneinfo.ZoneInfo("UTC")


@cache
def time_zone_names() -> tuple[str, ...]:
    """Every IANA zone this machine knows, sorted, without the legacy aliases nobody picks ("US/Pacific")."""
    return tuple(sorted(name for name in zoneinfo.available_timezones() if "/" in name or name == "UTC"))


def validate_time_zone(value: str) -> None:
    if value not in time_zone_names():
        raise ValidationError(_("Choose a time zone from the list, such as Europe/Rome or Asia/Tokyo."))


def language_codes() -> set[str]:
    return {code for code, _name in settings.LANGUAGES}


def user_language(user) -> str:
    """The language to write to this person in: their setting, else the site's default."""
    language = getattr(user, "language", "") or ""
    return language if language in language_codes() else settings.LANGUAGE_CODE


def user_time_zone(user) -> tzinfo:
    name = getattr(user, "time_zone", "") or "UTC"
    return zoneinfo.ZoneInfo(name) if name in time_zone_names() else UTC


@contextmanager
def speaking_to(user):
    """Render for one person (an e-mail, a receipt, a statement): their language and their time zone."""
    with translation.override(user_language(user)), timezone.override(user_time_zone(user)):
        yield


def _locale() -> str:
    return translation.to_locale(translation.get_language() or settings.LANGUAGE_CODE)


def _zone_name() -> str:
    return timezone.get_current_timezone_name()


def format_datetime_zoned(value: datetime | None) -> str:
    """In the active zone and language, the zone always named: Mon, Nov 30, 2026 09:00 (Asia/Tokyo)."""
    if value is None:
        return ""
    zone = timezone.get_current_timezone()
    locale = _locale()
    day = format_skeleton("yMMMEd", value, tzinfo=zone, locale=locale)
    time = format_skeleton("Hm", value, tzinfo=zone, locale=locale)
    return f"{day} {time} ({_zone_name()})"


def format_time_zoned(value: datetime | None) -> str:
    """The time of day only, in the active zone and language (09:00): for "ready about 09:00" today."""
    if value is None:
        return ""
    return format_skeleton("Hm", value, tzinfo=timezone.get_current_timezone(), locale=_locale())


def format_date_local(value: date | None) -> str:
    """A calendar date (an NDA's end date, a deadline's day) in the active language."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value).date()
    return format_skeleton("yMMMEd", value, locale=_locale())


def format_money_local(amount_minor: int, currency: str) -> str:
    """Integer minor units in the currency's own decimals, written the way the active language writes money."""
    amount = Decimal(int(amount_minor)).scaleb(-get_currency_precision(currency))
    return format_currency(amount, currency, locale=_locale())


def _render_message(message: str, params: dict) -> str:
    values = {key: value() if callable(value) else str(value) for key, value in params.items()}
    return translation.gettext(message) % values


def lazy_message(message: str, **params):
    """A message translated only when it is shown, so an e-mail subject is in its recipient's language.

    Mark `message` with gettext_noop; a parameter that is itself translated (a status's display, say) is passed
    as a callable or a lazy string, so that it is translated then too.
    """
    return lazy(_render_message, str)(message, params)
