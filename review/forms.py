"""Forms for the review pages, the tester's appeal and sharing, and the public passphrase."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from accessprogram.models import Cohort
from generation.models import GenerationModel
from generation.services.submit import PROMPT_MAX
from review.models import Decision, ReasonCode
from review.services.reviews import APPEAL_MAX, NOTE_MAX
from review.services.sharing import CREDIT_MAX


class QueueFilterForm(forms.Form):
    cohort = forms.ModelChoiceField(
        queryset=Cohort.objects.all(),
        required=False,
        empty_label=gettext_lazy("All cohorts"),
        label=gettext_lazy("Cohort"),
    )
    tester = forms.CharField(
        required=False, label=gettext_lazy("Tester"), help_text=gettext_lazy("E-mail or name contains")
    )
    model = forms.ModelChoiceField(
        queryset=GenerationModel.objects.all(),
        required=False,
        empty_label=gettext_lazy("All models"),
        label=gettext_lazy("Model"),
    )
    min_age_hours = forms.FloatField(required=False, min_value=0, label=gettext_lazy("Waiting at least (hours)"))


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=Decision.choices, widget=forms.RadioSelect, label=gettext_lazy("Decision"))
    reason = forms.ModelChoiceField(
        queryset=ReasonCode.objects.filter(is_active=True),
        to_field_name="code",
        required=False,
        empty_label="—",
        help_text=gettext_lazy("Needed to reject."),
        label=gettext_lazy("Reason"),
    )
    note = forms.CharField(
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("The tester sees it. Needed to request changes."),
        label=gettext_lazy("Note"),
    )

    def __init__(self, *args, open_review: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if open_review:
            # An open review is decided; withdrawing applies to an approval already given.
            self.fields["decision"].choices = [c for c in Decision.choices if c[0] != Decision.WITHDRAW]


class AppealForm(forms.Form):
    message = forms.CharField(
        max_length=APPEAL_MAX, widget=forms.Textarea(attrs={"rows": 3}), label=gettext_lazy("Your appeal")
    )


class ShareForm(forms.Form):
    expires_at = forms.DateTimeField(
        required=False, label=gettext_lazy("Expires"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    passphrase = forms.CharField(
        required=False, widget=forms.PasswordInput(render_value=False), strip=False, label=gettext_lazy("Passphrase")
    )
    credit_line = forms.CharField(
        required=False,
        max_length=CREDIT_MAX,
        help_text=gettext_lazy("Defaults to your name."),
        label=gettext_lazy("Credit line"),
    )
    show_prompt = forms.BooleanField(required=False, label=gettext_lazy("Show the prompt on the public page"))


class GalleryForm(forms.Form):
    credit_line = forms.CharField(max_length=CREDIT_MAX, label=gettext_lazy("Credit line"))
    show_prompt = forms.BooleanField(required=False, label=gettext_lazy("Show the prompt in the gallery"))


class PassphraseForm(forms.Form):
    passphrase = forms.CharField(widget=forms.PasswordInput, strip=False, label=gettext_lazy("Passphrase"))


class ReasonCodeForm(forms.ModelForm):
    class Meta:
        model = ReasonCode
        fields = ["label", "code", "description", "position"]
        labels = {
            "label": gettext_lazy("Label"),
            "code": gettext_lazy("Code (letters, digits, hyphens; used by the API)"),
            "description": gettext_lazy("Description shown to testers"),
            "position": gettext_lazy("Position in the list"),
        }
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class RevisionForm(forms.Form):
    """The tester's answer to a request for changes: the prompt, steps and guidance, prefilled and open to change;
    the model, size, length and seed kept, so the versions compare."""

    prompt = forms.CharField(
        max_length=PROMPT_MAX, widget=forms.Textarea(attrs={"rows": 3}), label=gettext_lazy("Revised prompt")
    )
    negative_prompt = forms.CharField(
        required=False,
        max_length=PROMPT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=gettext_lazy("Negative prompt"),
    )
    steps = forms.IntegerField(required=False, min_value=1, label=gettext_lazy("Steps"))
    guidance = forms.FloatField(required=False, min_value=0, label=gettext_lazy("Guidance"))
