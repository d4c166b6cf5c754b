"""Style presets: admins create, edit and deactivate them; every change is audited."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext

from accessprogram.errors import DomainError
from accessprogram.services.audit import audited_save
from accessprogram.services.context import Actor
from generation.models import GenerationModel, StylePreset

STYLE_PRESET_FIELDS = (
    "name", "description", "prompt_suffix", "negative_prompt", "resolution", "aspect_ratio",
    "duration_seconds", "steps", "guidance", "is_active", "position",
)  # fmt: skip


@transaction.atomic
def style_preset_save(
    *,
    actor: Actor,
    preset: StylePreset,
    generation_models: Iterable[GenerationModel] | None = None,
    changed: list[str] | None = None,
) -> StylePreset:
    """Create or update a preset (already validated by its form); `generation_models` None leaves them as they are."""
    if StylePreset.objects.exclude(pk=preset.pk).filter(name__iexact=preset.name).exists():
        raise DomainError(gettext("A style named “%(name)s” already exists.") % {"name": preset.name}, field="name")
    models = list(generation_models) if generation_models is not None else None

    def details(created: bool) -> dict:
        fields = STYLE_PRESET_FIELDS if created else [f for f in changed or [] if f in STYLE_PRESET_FIELDS]
        recorded = {field: getattr(preset, field) for field in fields}
        if models is not None and (created or "generation_models" in (changed or [])):
            recorded["generation_models"] = sorted(model.name for model in models)
        return recorded

    audited_save(actor=actor, obj=preset, actions=("style_preset.created", "style_preset.updated"), details=details)
    if models is not None:
        preset.generation_models.set(models)
    return preset
