"""Registering generation models: every change is audited."""

from __future__ import annotations

from django.db import transaction

from accessprogram.services.audit import audit_record
from accessprogram.services.context import Actor
from generation.models import GenerationModel


@transaction.atomic
def generation_model_save(*, actor: Actor, model: GenerationModel, changed: list[str] | None = None) -> GenerationModel:
    creating = model.pk is None
    model.save()
    fields = [
        "name", "family", "directory", "version", "is_active", "max_steps", "max_frames", "fps",
        "attention_backend", "compile_blocks", "step_cache", "step_cache_threshold",
    ]  # fmt: skip
    audit_record(
        actor=actor,
        action="generation_model.created" if creating else "generation_model.updated",
        target=model,
        details={f: getattr(model, f) for f in (fields if creating else [f for f in changed or [] if f in fields])},
    )
    return model
