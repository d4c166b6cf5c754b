"""Registering generation models: every change is audited."""

from __future__ import annotations

from django.db import transaction

from accessprogram.services.audit import audited_save
from accessprogram.services.context import Actor
from generation.models import GenerationModel


@transaction.atomic
def generation_model_save(*, actor: Actor, model: GenerationModel, changed: list[str] | None = None) -> GenerationModel:
    fields = [
        "name", "family", "directory", "version", "is_active", "max_steps", "max_frames", "fps",
        "attention_backend", "compile_blocks", "step_cache", "step_cache_threshold",
    ]  # fmt: skip
    return audited_save(
        actor=actor,
        obj=model,
        actions=("generation_model.created", "generation_model.updated"),
        details=lambda created: {
            f: getattr(model, f) for f in (fields if created else [f for f in changed or [] if f in fields])
        },
    )
