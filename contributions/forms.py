"""Forms for reports, findings, the ledger and surveys. They parse input; the services decide."""

from __future__ import annotations

import json
import re

from django import forms

from contributions.models import (
    QuestionKind,
    ReportStatus,
    ReportType,
    SafetyCategory,
    Severity,
)
from contributions.services.findings import FindingDecision
from contributions.services.reports import SCREENSHOTS_PER_REPORT


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name; each is checked (type by its bytes, size) by the report service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


class ReportForm(forms.Form):
    type = forms.ChoiceField(choices=ReportType.choices, initial=ReportType.BUG)
    severity = forms.ChoiceField(
        choices=Severity.choices, initial=Severity.MEDIUM, help_text="How much it gets in your way."
    )
    title = forms.CharField(max_length=200)
    text = forms.CharField(label="Details", widget=forms.Textarea(attrs={"rows": 6}), max_length=10_000)
    screenshots = MultipleFileField(
        help_text=f"Optional: up to {SCREENSHOTS_PER_REPORT} PNG, JPEG or WebP images of at most 5 MB each."
    )
    page_url = forms.CharField(widget=forms.HiddenInput, required=False, max_length=500)
    output = forms.UUIDField(widget=forms.HiddenInput, required=False)


class TriageForm(forms.Form):
    status = forms.ChoiceField(choices=ReportStatus.choices)
    duplicate_of = forms.IntegerField(
        required=False, min_value=1, label="Duplicate of report #", help_text="Only when marking a duplicate."
    )
    reply = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=10_000, help_text="The tester sees it."
    )


class ReplyForm(forms.Form):
    text = forms.CharField(label="Reply", widget=forms.Textarea(attrs={"rows": 3}), max_length=10_000)


def _json_object(value: str) -> dict:
    value = (value or "").strip()
    if not value:
        return {}
    try:
        parsed = json.loads(value)
    except ValueError as exc:
        raise forms.ValidationError("Not valid JSON.") from exc
    if not isinstance(parsed, dict):
        raise forms.ValidationError('A JSON object, such as {"steps": 30, "guidance": 5}.')
    return parsed


class FindingForm(forms.Form):
    category = forms.ChoiceField(choices=SafetyCategory.choices)
    severity = forms.ChoiceField(choices=Severity.choices, initial=Severity.MEDIUM)
    title = forms.CharField(max_length=200)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 5}), max_length=10_000)
    output = forms.ModelChoiceField(
        queryset=None, required=False, help_text="One of your outputs that shows the problem (optional)."
    )
    prompt = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="Filled from the output when you link one.",
    )
    negative_prompt = forms.CharField(required=False, max_length=2000)
    seed = forms.IntegerField(required=False, min_value=0, max_value=2**32 - 1)
    parameters = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text='JSON, such as {"steps": 30}.'
    )
    model_name = forms.CharField(required=False, max_length=80, label="Model")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from generation.access import outputs_for_user

        self.fields["output"].queryset = outputs_for_user(user).order_by("-created_at")

    def clean_parameters(self):
        return _json_object(self.cleaned_data.get("parameters", ""))


class FindingDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[(FindingDecision.VALIDATE, "Validate"), (FindingDecision.DISMISS, "Dismiss")])
    severity = forms.ChoiceField(
        choices=[("", "Keep the filed severity"), *Severity.choices],
        required=False,
        help_text="Validated findings are paid by this severity.",
    )
    reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        help_text="Required to dismiss; the red-teamer sees it.",
    )


_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


class MonthField(forms.CharField):
    """YYYY-MM, cleaned to a (year, month) pair."""

    def to_python(self, value):
        value = super().to_python(value).strip()
        if not value:
            return None
        match = _MONTH.match(value)
        if not match:
            raise forms.ValidationError("A month as YYYY-MM, such as 2025-03.")
        return int(match[1]), int(match[2])


class StatementForm(forms.Form):
    month = MonthField(max_length=7)
    tester = forms.EmailField(required=False, help_text="Leave empty for every tester.")


class LedgerFilterForm(forms.Form):
    status = forms.ChoiceField(choices=[("", "Any status")], required=False)
    tester = forms.CharField(required=False, max_length=254)
    month = MonthField(required=False, max_length=7)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from contributions.models import LedgerStatus

        self.fields["status"].choices = [("", "Any status"), *LedgerStatus.choices]


class SessionHoursForm(forms.Form):
    tester = forms.EmailField(help_text="The tester's e-mail.")
    held_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    hours = forms.IntegerField(min_value=1, max_value=24)
    note = forms.CharField(required=False, max_length=300)


class LedgerAdvanceForm(forms.Form):
    to_status = forms.CharField(max_length=10)


class SurveyAnswerForm(forms.Form):
    """One field per question, named q<question id>."""

    def __init__(self, *args, survey, **kwargs):
        super().__init__(*args, **kwargs)
        for question in survey.questions.all():
            name = f"q{question.pk}"
            if question.kind == QuestionKind.CHOICE:
                field = forms.ChoiceField(
                    choices=[(c, c) for c in question.choice_list], widget=forms.RadioSelect, required=False
                )
            elif question.kind == QuestionKind.RATING:
                field = forms.ChoiceField(
                    choices=[(str(n), str(n)) for n in range(1, 6)], widget=forms.RadioSelect, required=False
                )
            else:
                field = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000)
            field.label = question.text + ("" if question.required else " (optional)")
            self.fields[name] = field
