"""Style presets (program admins): the list, a new one, and editing or deactivating one."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext

from accessprogram.access import program_admin_required
from accessprogram.errors import DomainError
from accessprogram.services.context import Actor
from accessprogram.views.common import add_domain_error
from generation.forms import StylePresetForm
from generation.models import StylePreset
from generation.services.styles import style_preset_save


def _style_form_page(request, preset: StylePreset | None):
    form = StylePresetForm(request.POST or None, instance=preset)
    refused = None
    if request.method == "POST" and form.is_valid():
        try:
            saved = style_preset_save(
                actor=Actor.from_request(request),
                preset=form.instance,
                generation_models=form.cleaned_data["generation_models"],
                changed=form.changed_data,
            )
        except DomainError as exc:
            refused = add_domain_error(form, exc)
        else:
            messages.success(request, gettext("Style “%(name)s” saved.") % {"name": saved.name})
            return redirect("generation:style_list")
    presets = StylePreset.objects.prefetch_related("generation_models")
    return render(
        request,
        "generation/staff/styles.html",
        {"form": form, "presets": presets, "editing": preset},
        status=refused or (400 if form.errors else 200),
    )


@program_admin_required
def style_list(request):
    return _style_form_page(request, None)


@program_admin_required
def style_edit(request, pk: int):
    return _style_form_page(request, get_object_or_404(StylePreset, pk=pk))
