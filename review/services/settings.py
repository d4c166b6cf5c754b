"""Admin edits to review's own settings: reason codes and the program-wide review settings, audited."""

from __future__ import annotations

from django.db import models, transaction

from accessprogram.services.audit import audit_record
from accessprogram.services.context import Actor


@transaction.atomic
def review_setting_save(*, actor: Actor, obj: models.Model, changed: list[str] | None = None) -> models.Model:
    """Save a reason code or the review settings (validated by the admin's form) and audit what changed."""
    creating = obj.pk is None
    obj.save()
    fields = [f.name for f in obj._meta.concrete_fields if f.name != "id"] if creating else (changed or [])
    audit_record(
        actor=actor,
        action=f"review.{obj._meta.model_name}_{'created' if creating else 'updated'}",
        target=obj,
        details={f: getattr(obj, f) for f in fields},
    )
    return obj
