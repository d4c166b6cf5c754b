"""Helpers shared by the program's views."""

from __future__ import annotations

from django import forms

from accessprogram.errors import DomainError


def add_domain_error(form: forms.Form, error: DomainError) -> None:
    """Show a service's refusal on the form field it names (or on the whole form)."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)
