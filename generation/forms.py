"""The generate form: presets the tester picks from; the service checks them against cohort and model."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext, gettext_lazy

from accessprogram.models import Resolution
from generation.models import GenerationModel
from generation.services.presets import ASPECT_RATIOS, resolution_allowed
from generation.services.stills import STILL_FORMATS, STILL_MAX_BYTES, STILL_MAX_PIXELS
from generation.services.submit import PROMPT_MAX, SEED_MAX, models_for_cohort


class ModelChoice(forms.ModelChoiceField):
    """Models by name; an image-to-video model says it starts from a still."""

    def label_from_instance(self, obj: GenerationModel) -> str:
        if obj.accepts_image:
            return gettext("%(model)s (starts from a still)") % {"model": obj}
        return str(obj)


class GenerateForm(forms.Form):
    prompt = forms.CharField(
        max_length=PROMPT_MAX, widget=forms.Textarea(attrs={"rows": 4}), label=gettext_lazy("Prompt")
    )
    negative_prompt = forms.CharField(
        max_length=PROMPT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=gettext_lazy("Negative prompt"),
    )
    model = ModelChoice(queryset=GenerationModel.objects.none(), empty_label=None, label=gettext_lazy("Model"))
    resolution = forms.ChoiceField(choices=Resolution.choices, label=gettext_lazy("Resolution"))
    aspect_ratio = forms.ChoiceField(choices=[(a, a) for a in ASPECT_RATIOS], label=gettext_lazy("Aspect ratio"))
    duration_seconds = forms.FloatField(
        min_value=0.1, max_value=600, initial=1.0, label=gettext_lazy("Duration (seconds)")
    )
    steps = forms.IntegerField(
        min_value=1,
        max_value=500,
        required=False,
        help_text=gettext_lazy("Blank: the model's default."),
        label=gettext_lazy("Steps"),
    )
    guidance = forms.FloatField(
        min_value=0,
        max_value=100,
        required=False,
        help_text=gettext_lazy("Blank: the model's default."),
        label=gettext_lazy("Guidance"),
    )
    seed = forms.IntegerField(
        min_value=0,
        max_value=SEED_MAX,
        required=False,
        help_text=gettext_lazy("Blank: a random seed."),
        label=gettext_lazy("Seed"),
    )

    def __init__(self, *args, cohort, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["model"].queryset = models_for_cohort(cohort)
        self.fields["resolution"].choices = [
            (r.value, r.label) for r in Resolution if resolution_allowed(r.value, cohort.max_resolution)
        ]


class StillForm(forms.Form):
    """The optional first frame, in a block of its own beside the composer. The service checks its content."""

    image = forms.FileField(
        required=False,
        label=gettext_lazy("First frame (optional)"),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(kind for kind, _, _ in STILL_FORMATS.values())}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["image"].help_text = gettext(
            "A PNG, JPEG or WebP still of at most %(megabytes)s MB and %(side)s×%(side)s pixels, for models that "
            "start from a still. It is cropped to the video's frame; its metadata (camera, location) is removed."
        ) % {"megabytes": STILL_MAX_BYTES // (1024 * 1024), "side": int(STILL_MAX_PIXELS**0.5)}


class LibrarySearchForm(forms.Form):
    q = forms.CharField(required=False, label=gettext_lazy("Search prompts"))
