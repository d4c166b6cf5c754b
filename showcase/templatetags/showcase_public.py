"""Money as the showcase pages show it."""

from __future__ import annotations

from django import template

from contributions.models import format_money

register = template.Library()


@register.filter
def money(amount_minor, currency) -> str:
    return format_money(int(amount_minor), currency)
