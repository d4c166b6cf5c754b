"""Filters that show times in the reader's zone (named) and money in the reader's locale, and the switcher."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.urls import reverse

from accessprogram.localization import format_date_local, format_datetime_zoned, format_money_local

register = template.Library()


@register.filter
def zoned(value) -> str:
    """{{ job.created_at|zoned }} → "Mon, Nov 30, 2026 09:00 (Asia/Tokyo)"."""
    return format_datetime_zoned(value)


@register.filter
def local_date(value) -> str:
    return format_date_local(value)


@register.filter
def money(amount_minor, currency) -> str:
    """{{ entry.amount_minor|money:entry.currency }} → "€1,234.50", "1.234,50 €" or "￥1,234"."""
    if amount_minor in (None, ""):
        return ""
    return format_money_local(int(amount_minor), currency)


@register.inclusion_tag("_language_switcher.html", takes_context=True)
def language_switcher(context):
    """A form posting to Django's set_language, back to the page it is on."""
    request = context.get("request")
    return {
        "languages": settings.LANGUAGES,
        "action": reverse("accessprogram:set_language"),
        "next": request.get_full_path() if request is not None else "/",
        "current": getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE),
        "csrf_token": context.get("csrf_token"),
    }
