"""The staff trace page: upload a clip; a worker decodes its mark and names the output, or nobody."""

from __future__ import annotations

from django import forms
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext, gettext_lazy

from accessprogram.access import program_admin_required
from accessprogram.services.context import Actor
from generation.models import TraceRequest
from generation.services.trace import trace_request_create

MAX_CLIP_BYTES = 200 * 1024 * 1024


class TraceForm(forms.Form):
    clip = forms.FileField(
        help_text=gettext_lazy("A video file, or an excerpt of one (MP4, WebM, MOV…), at most 200 MB."),
        label=gettext_lazy("Clip"),
    )

    def clean_clip(self):
        clip = self.cleaned_data["clip"]
        if clip.size > MAX_CLIP_BYTES:
            raise forms.ValidationError(gettext("The clip is larger than 200 MB."))
        return clip


@program_admin_required
def trace(request):
    form = TraceForm(request.POST, request.FILES) if request.method == "POST" else TraceForm()
    if request.method == "POST" and form.is_valid():
        traced = trace_request_create(actor=Actor.from_request(request), upload=form.cleaned_data["clip"])
        return redirect("generation:trace_result", pk=traced.pk)
    recent = TraceRequest.objects.select_related("output__owner", "requested_by")[:20]
    return render(
        request, "generation/trace.html", {"form": form, "recent": recent}, status=400 if form.errors else 200
    )


@program_admin_required
def trace_result(request, pk):
    traced = get_object_or_404(TraceRequest.objects.select_related("output__owner", "output__job"), pk=pk)
    return render(request, "generation/trace_result.html", {"trace": traced})
