"""The generate form: presets the tester picks from; the service checks them against cohort and model."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from accessprogram.models import Cohort, Resolution
from generation.models import GenerationModel
from generation.services.presets import ASPECT_RATIOS, resolution_allowed
from generation.services.submit import PROMPT_MAX, SEED_MAX, models_for_cohort


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
    model = forms.ModelChoiceField(
        queryset=GenerationModel.objects.none(), empty_label=None, label=gettext_lazy("Model")
    )
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


class LibrarySearchForm(forms.Form):
    q = forms.CharField(required=False, label=gettext_lazy("Search prompts"))


class ModelSettingsForm(forms.ModelForm):
    """What admins change day to day on a model; registering one (directory, family, speed options) stays in
    the Django admin."""

    allowed_cohorts = forms.ModelMultipleChoiceField(
        queryset=Cohort.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("Cohorts it serves"),
    )

    class Meta:
        model = GenerationModel
        fields = [
            "is_active", "allowed_cohorts", "default_steps", "max_steps", "default_guidance", "max_guidance",
            "max_frames", "fps",
        ]  # fmt: skip
        labels = {
            "is_active": gettext_lazy("Active (testers can choose it)"),
            "default_steps": gettext_lazy("Default steps"),
            "max_steps": gettext_lazy("Most steps"),
            "default_guidance": gettext_lazy("Default guidance"),
            "max_guidance": gettext_lazy("Highest guidance"),
            "max_frames": gettext_lazy("Most frames"),
            "fps": gettext_lazy("Frames per second"),
        }
