"""Helpers shared by every app's views."""

from __future__ import annotations

from django import forms

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
    return error.status_code
