"""Admin edits to review's own settings: reason codes and the program-wide review settings, audited."""

from __future__ import annotations

from django.db import models, transaction

from accessprogram.services.audit import audited_save
from accessprogram.services.context import Actor
from review.models import ReasonCode


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


@transaction.atomic
def reason_code_set_active(*, actor: Actor, reason: ReasonCode, active: bool) -> ReasonCode:
    """Retire a reason code (past decisions keep naming it; reviewers no longer see it) or bring it back."""
    reason = ReasonCode.objects.select_for_update().get(pk=reason.pk)
    if reason.is_active == active:
        return reason
    reason.is_active = active
    return review_setting_save(actor=actor, obj=reason, changed=["is_active"])
