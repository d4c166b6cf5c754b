"""Registering generation models: every change is audited."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from accessprogram.errors import InvalidFields
from accessprogram.models import Cohort
from accessprogram.services.audit import audit_record, audited_save
from accessprogram.services.context import Actor
from generation.models import GenerationModel


@transaction.atomic
def generation_model_save(
    *,
    actor: Actor,
    model: GenerationModel,
    changed: list[str] | None = None,
    cohorts: Iterable[Cohort] | None = None,
) -> GenerationModel:
    """Save a model's settings and, when `cohorts` is given, set the cohorts it serves (audited apart)."""
    fields = [
        "name", "family", "directory", "version", "is_active", "default_steps", "max_steps", "default_guidance",
        "max_guidance", "max_frames", "fps", "attention_backend", "compile_blocks", "step_cache",
        "step_cache_threshold",
    ]  # fmt: skip
    try:
        model.full_clean(exclude=["allowed_cohorts"])
    except ValidationError as exc:
        raise InvalidFields(exc.message_dict) from exc
    model = audited_save(
        actor=actor,
        obj=model,
        actions=("generation_model.created", "generation_model.updated"),
        details=lambda created: {
            f: getattr(model, f) for f in (fields if created else [f for f in changed or [] if f in fields])
        },
    )
    if cohorts is not None:
        before = set(model.allowed_cohorts.values_list("name", flat=True))
        cohorts = list(cohorts)
        after = {cohort.name for cohort in cohorts}
        if before != after:
            model.allowed_cohorts.set(cohorts)
            audit_record(
                actor=actor,
                action="generation_model.cohorts_changed",
                target=model,
                details={"added": sorted(after - before), "removed": sorted(before - after)},
            )
    return model
