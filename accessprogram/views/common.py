"""Helpers shared by every app's views."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accessprogram.errors import DomainError, InvalidFields


def domain_error_messages(error: DomainError) -> list[tuple[str | None, str]]:
    """Each (field, message) a service's refusal carries: one per field it names, or its one message."""
    if isinstance(error, InvalidFields):
        return [(field, message) for field, messages in error.errors.items() for message in messages]
    return [(error.field, error.message)]


def domain_error_text(error: DomainError) -> str:
    """The refusal in one line, for a flash message on a page without a form."""
    return " ".join(message for _, message in domain_error_messages(error))


def add_domain_error(form: forms.Form, error: DomainError, *, also: tuple[forms.Form, ...] = ()) -> int:
    """Show a service's refusal on the fields it names (or the whole form); the HTTP status its class gives.

    A page with more than one form passes the others in `also`: a field one of them holds gets its message.
    """
    for field, message in domain_error_messages(error):
        holder = next((other for other in also if field in other.fields), form)
        holder.add_error(field if field in holder.fields else None, message)
    form.refusal_status = error.status_code
    return error.status_code


def form_status(form: forms.Form) -> int:
    """The status of a page that shows `form`: 200, 400 for bad input, or the status of the service's refusal
    `add_domain_error` put on it."""
    return getattr(form, "refusal_status", 400) if form.errors else 200


# The second step of a dangerous action posts this field; the first step only shows what the action reaches.
CONFIRM_FIELD = "confirm"


def confirmed(request: HttpRequest) -> bool:
    """True when the person saw what a dangerous action reaches and confirmed it (the second step)."""
    return request.method == "POST" and request.POST.get(CONFIRM_FIELD) == "yes"


def confirmation_page(
    request: HttpRequest,
    *,
    title: str,
    lead: str,
    action: str,
    confirm_label: str,
    cancel_url: str,
    reach: list[str] | None = None,
    fields: dict[str, str] | None = None,
) -> HttpResponse:
    """Ask before a dangerous action: what it does, what it reaches, and a form that repeats the request
    (`fields`) with the confirm field. Works without script; static/js/confirm.js only adds a dialog."""
    context = {
        "title": title,
        "lead": lead,
        "reach": reach or [],
        "action": action,
        "fields": sorted((fields or {}).items()),
        "confirm_field": CONFIRM_FIELD,
        "confirm_label": confirm_label,
        "cancel_url": cancel_url,
    }
    response = render(request, "confirm.html", context)
    response["Cache-Control"] = "no-store"
    return response
