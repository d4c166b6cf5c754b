"""Django admin for generation: admins register models; jobs and outputs are read-only records."""

from __future__ import annotations

from django.contrib import admin

from accessprogram.admin import ReadOnlyAdmin
from accessprogram.services.context import Actor
from generation.models import GenerationJob, GenerationModel, Output, StylePreset
from generation.services.catalog import generation_model_save
from generation.services.styles import style_preset_save


@admin.register(GenerationModel)
class GenerationModelAdmin(admin.ModelAdmin):
    list_display = ["name", "family", "version", "directory", "is_active"]
    list_filter = ["family", "is_active"]
    filter_horizontal = ["allowed_cohorts"]

    def save_model(self, request, obj, form, change):
        generation_model_save(actor=Actor.from_request(request), model=obj, changed=form.changed_data)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(StylePreset)
class StylePresetAdmin(admin.ModelAdmin):
    list_display = ["name", "position", "is_active", "prompt_suffix"]
    list_filter = ["is_active"]
    list_editable = ["position"]
    filter_horizontal = ["generation_models"]

    def save_model(self, request, obj, form, change):
        style_preset_save(
            actor=Actor.from_request(request),
            preset=obj,
            generation_models=form.cleaned_data.get("generation_models"),
            changed=form.changed_data,
        )

    def has_delete_permission(self, request, obj=None) -> bool:
        # Jobs record the preset they used: deactivate one instead.
        return False


@admin.register(GenerationJob)
class GenerationJobAdmin(ReadOnlyAdmin):
    list_display = ["id", "owner", "status", "model", "width", "height", "num_frames", "created_at", "worker"]
    list_filter = ["status", "model", "cohort"]
    search_fields = ["prompt", "owner__email"]


@admin.register(Output)
class OutputAdmin(ReadOnlyAdmin):
    list_display = ["id", "owner", "review_status", "model_name", "width", "height", "created_at"]
    list_filter = ["review_status", "model_name"]
    search_fields = ["owner__email", "id"]
    exclude = ["forensic_id"]
