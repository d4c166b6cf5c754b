"""The staff trace page: upload a clip, learn whose output it is."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django import forms
from django.shortcuts import render

from accessprogram.access import program_admin_required
from accessprogram.services.context import Actor
from generation.services.trace import trace_clip

MAX_CLIP_BYTES = 200 * 1024 * 1024


class TraceForm(forms.Form):
    clip = forms.FileField(help_text="A video file, or an excerpt of one (MP4, WebM, MOV…).")

    def clean_clip(self):
        clip = self.cleaned_data["clip"]
        if clip.size > MAX_CLIP_BYTES:
            raise forms.ValidationError("The clip is larger than 200 MB.")
        return clip


@program_admin_required
def trace(request):
    form = TraceForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        with tempfile.NamedTemporaryFile(suffix=Path(form.cleaned_data["clip"].name).suffix[:10]) as handle:
            for chunk in form.cleaned_data["clip"].chunks():
                handle.write(chunk)
            handle.flush()
            result = trace_clip(actor=Actor.from_request(request), path=Path(handle.name))
    return render(
        request, "generation/trace.html", {"form": form, "result": result}, status=400 if form.errors else 200
    )
