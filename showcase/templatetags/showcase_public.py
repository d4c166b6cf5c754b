"""Credit lines that public pages must show: licences in force for an output, and showcase wins."""

from __future__ import annotations

from django import template

from accessprogram.localization import format_money_local
from showcase.access import licences_in_force, prefetch_licences_in_force

register = template.Library()


@register.simple_tag
def prefetch_public_credits(entries) -> str:
    """Load the licences in force for a page of gallery entries at once; renders nothing."""
    prefetch_licences_in_force(entry.output for entry in entries)
    return ""


@register.simple_tag
def licence_credits(output) -> list[str]:
    """“Licensed to … for <use>, credit: <name>” for each licence in force on this output."""
    licences = getattr(output, "licences_in_force", None)
    if licences is None:
        licences = licences_in_force().filter(output=output).order_by("term_start", "pk")
    return [licence.public_credit for licence in licences]


@register.filter
def money(amount_minor, currency) -> str:
    """The amount as the reader's locale writes it, in its own currency."""
    return format_money_local(int(amount_minor), currency)
