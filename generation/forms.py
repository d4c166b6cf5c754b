"""The generate form: presets the tester picks from; the service checks them against cohort and model."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from accessprogram.models import Resolution
from generation.models import Collection, GenerationModel, JobStatus, ReviewStatus
from generation.models.library import COLLECTION_NAME_MAX
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
