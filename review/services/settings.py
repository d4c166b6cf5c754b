"""Admin edits to review's own settings: reason codes and the program-wide review settings, audited."""

from __future__ import annotations

from django.db import models, transaction

from accessprogram.services.audit import audited_save
from accessprogram.services.context import Actor


@transaction.atomic
def review_setting_save(*, actor: Actor, obj: models.Model, changed: list[str] | None = None) -> models.Model:
    """Save a reason code or the review settings (validated by the admin's form) and audit what changed."""
    name = obj._meta.model_name
    return audited_save(
        actor=actor,
        obj=obj,
        actions=(f"review.{name}_created", f"review.{name}_updated"),
        details=lambda created: {
            f: getattr(obj, f)
            for f in ([f.name for f in obj._meta.concrete_fields if f.name != "id"] if created else (changed or []))
        },
    )
