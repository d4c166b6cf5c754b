"""The composer's form: presets the tester picks from; the service checks them against cohort and model."""

from __future__ import annotations

import json

from django import forms
from django.utils.translation import gettext, gettext_lazy

from accessprogram.models import Cohort, Resolution
from generation.models import Collection, GenerationModel, JobStatus, Output, ReviewStatus, StylePreset
from generation.models.library import COLLECTION_NAME_MAX
from generation.services.presets import ASPECT_RATIOS, resolution_allowed
from generation.services.stills import STILL_FORMATS, STILL_MAX_BYTES, STILL_MAX_PIXELS
from generation.services.submit import PROMPT_MAX, SEED_MAX, VARIATION_CHOICES, models_for_cohort


class StylePresetSelect(forms.Select):
    """Each option carries the preset's defaults and models, for the composer's script to fill the settings."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        preset = getattr(value, "instance", None)
        if isinstance(preset, StylePreset):
            option["attrs"]["data-defaults"] = json.dumps(preset.defaults)
            option["attrs"]["data-models"] = json.dumps([m.pk for m in preset.generation_models.all()])
            if preset.description:
                option["attrs"]["title"] = preset.description
        return option


class ModelChoice(forms.ModelChoiceField):
    """Models by name; an image-to-video model says it starts from a still."""

    def label_from_instance(self, obj: GenerationModel) -> str:
        if obj.accepts_image:
            return gettext("%(model)s (starts from a still)") % {"model": obj}
        return str(obj)


class GenerateForm(forms.Form):
    # The composer's blocks, in the order the page shows them (templates/generation/generate.html).
    QUICK_FIELDS = ("style_preset", "variations")
    SETTINGS_FIELDS = ("model", "resolution", "aspect_ratio", "duration_seconds")
    ADVANCED_FIELDS = ("negative_prompt", "steps", "guidance", "seed")

    prompt = forms.CharField(
        max_length=PROMPT_MAX,
        widget=forms.Textarea(attrs={"rows": 5, "class": "composer-prompt"}),
        label=gettext_lazy("Prompt"),
    )
    style_preset = forms.ModelChoiceField(
        queryset=StylePreset.objects.none(),
        required=False,
        empty_label=gettext_lazy("No style"),
        widget=StylePresetSelect,
        label=gettext_lazy("Style"),
    )
    variations = forms.TypedChoiceField(
        choices=[(count, str(count)) for count in VARIATION_CHOICES],
        coerce=int,
        initial=1,
        required=False,
        empty_value=1,
        widget=forms.RadioSelect(attrs={"class": "segmented"}),
        label=gettext_lazy("Variations"),
    )
    model = ModelChoice(queryset=GenerationModel.objects.none(), empty_label=None, label=gettext_lazy("Model"))
    resolution = forms.ChoiceField(choices=Resolution.choices, label=gettext_lazy("Resolution"))
    aspect_ratio = forms.ChoiceField(choices=[(a, a) for a in ASPECT_RATIOS], label=gettext_lazy("Aspect ratio"))
    duration_seconds = forms.FloatField(
        min_value=0.1, max_value=600, initial=1.0, label=gettext_lazy("Duration (seconds)")
    )
    negative_prompt = forms.CharField(
        max_length=PROMPT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=gettext_lazy("Negative prompt"),
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
        help_text=gettext_lazy("Blank: a random seed. Variations use this seed, then the next ones."),
        label=gettext_lazy("Seed"),
    )
    remix_of = forms.ModelChoiceField(queryset=Output.objects.none(), required=False, widget=forms.HiddenInput)

    def __init__(self, *args, cohort, presets, remixable, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["model"].queryset = models_for_cohort(cohort)
        self.fields["resolution"].choices = [
            (r.value, r.label) for r in Resolution if resolution_allowed(r.value, cohort.max_resolution)
        ]
        self.fields["style_preset"].queryset = presets
        self.fields["remix_of"].queryset = remixable

    def _bound(self, names: tuple[str, ...]) -> list[forms.BoundField]:
        return [self[name] for name in names]

    def quick_fields(self) -> list[forms.BoundField]:
        return self._bound(self.QUICK_FIELDS)

    def settings_fields(self) -> list[forms.BoundField]:
        return self._bound(self.SETTINGS_FIELDS)

    def advanced_fields(self) -> list[forms.BoundField]:
        return self._bound(self.ADVANCED_FIELDS)

    def settings_open(self) -> bool:
        """Unfold the settings when one of them, or an advanced one, has an error to show."""
        return any(self[name].errors for name in self.SETTINGS_FIELDS + self.ADVANCED_FIELDS)

    def advanced_open(self) -> bool:
        return any(self[name].errors for name in self.ADVANCED_FIELDS)


class LibraryFilterForm(forms.Form):
    """The library's filters and sort, all from the query string so a view can be bookmarked. A bad value is
    shown as that field's error and left out; the rest still filter."""

    SORTS = [
        ("newest", gettext_lazy("Newest first")),
        ("oldest", gettext_lazy("Oldest first")),
        ("favourites", gettext_lazy("Favourites first")),
    ]

    q = forms.CharField(required=False, max_length=PROMPT_MAX, label=gettext_lazy("Search prompts"))
    status = forms.ChoiceField(
        required=False, choices=[("", gettext_lazy("Any"))] + JobStatus.choices, label=gettext_lazy("Job status")
    )
    review = forms.ChoiceField(
        required=False, choices=[("", gettext_lazy("Any"))] + ReviewStatus.choices, label=gettext_lazy("Review")
    )
    model = forms.ModelChoiceField(
        queryset=GenerationModel.objects.none(), required=False, empty_label=gettext_lazy("Any"),
        label=gettext_lazy("Model"),
    )  # fmt: skip
    since = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}), label=gettext_lazy("From"))
    until = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}), label=gettext_lazy("To"))
    sort = forms.ChoiceField(required=False, choices=SORTS, label=gettext_lazy("Sort"))
    favourites = forms.BooleanField(required=False, label=gettext_lazy("Favourites only"))
    collection = forms.ModelChoiceField(
        queryset=Collection.objects.none(), required=False, empty_label=gettext_lazy("All"),
        label=gettext_lazy("Collection"),
    )  # fmt: skip

    def __init__(self, *args, user, models, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["model"].queryset = models
        self.fields["collection"].queryset = Collection.objects.filter(owner=user)

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", gettext_lazy("The end date is before the start date."))
        return cleaned

    def valid_filters(self) -> dict:
        """The values that passed, whatever failed: a bookmarked view with one stale value still filters."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if name not in self.errors}


class CollectionForm(forms.Form):
    name = forms.CharField(max_length=COLLECTION_NAME_MAX, label=gettext_lazy("Collection name"))


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


class StylePresetForm(forms.ModelForm):
    class Meta:
        model = StylePreset
        fields = [
            "name",
            "description",
            "prompt_suffix",
            "negative_prompt",
            "resolution",
            "aspect_ratio",
            "duration_seconds",
            "steps",
            "guidance",
            "generation_models",
            "is_active",
            "position",
        ]
        widgets = {
            "prompt_suffix": forms.Textarea(attrs={"rows": 2}),
            "negative_prompt": forms.Textarea(attrs={"rows": 2}),
            "generation_models": forms.CheckboxSelectMultiple,
        }


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
