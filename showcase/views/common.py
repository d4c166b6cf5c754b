"""What the showcase views share: turning a service refusal into form errors and a status."""

from __future__ import annotations

from django import forms

from accessprogram.errors import DomainError, InvalidFields
from accessprogram.views.common import add_domain_error


def add_service_error(form: forms.Form, error: DomainError) -> int:
    """Show a service's refusal on the form (field by field when it names several); return the HTTP status."""
    if isinstance(error, InvalidFields):
        for field, messages in error.errors.items():
            for message in messages:
                form.add_error(field if field in form.fields else None, message)
    else:
        add_domain_error(form, error)
    return error.status_code
