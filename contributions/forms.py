"""Forms for reports, findings, the ledger and surveys. They parse input; the services decide."""

from __future__ import annotations

import json
import re

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext, gettext_lazy

from contributions.models import (
    LedgerStatus,
    PolicyRule,
    QuestionKind,
    RateCardLine,
    ReportStatus,
    ReportType,
    SafetyCategory,
    Severity,
    Survey,
    SurveyQuestion,
)
from contributions.services.findings import FindingDecision
from contributions.services.reports import SCREENSHOTS_PER_REPORT
from generation.access import outputs_for_user


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
    type = forms.ChoiceField(choices=ReportType.choices, initial=ReportType.BUG, label=gettext_lazy("Type"))
    severity = forms.ChoiceField(
        choices=Severity.choices,
        initial=Severity.MEDIUM,
        help_text=gettext_lazy("How much it gets in your way."),
        label=gettext_lazy("Severity"),
    )
    title = forms.CharField(max_length=200, label=gettext_lazy("Title"))
    text = forms.CharField(label=gettext_lazy("Details"), widget=forms.Textarea(attrs={"rows": 6}), max_length=10_000)
    screenshots = MultipleFileField(
        help_text=format_lazy(
            gettext_lazy("Optional: up to {count} PNG, JPEG or WebP images of at most 5 MB each."),
            count=SCREENSHOTS_PER_REPORT,
        ),
        label=gettext_lazy("Screenshots"),
    )
    page_url = forms.CharField(widget=forms.HiddenInput, required=False, max_length=500)
    output = forms.UUIDField(widget=forms.HiddenInput, required=False)


class TriageForm(forms.Form):
    status = forms.ChoiceField(choices=ReportStatus.choices, label=gettext_lazy("Status"))
    duplicate_of = forms.IntegerField(
        required=False,
        min_value=1,
        label=gettext_lazy("Duplicate of report #"),
        help_text=gettext_lazy("Only when marking a duplicate."),
    )
    reply = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=10_000,
        help_text=gettext_lazy("The tester sees it."),
        label=gettext_lazy("Reply"),
    )


class ReplyForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("Reply"), widget=forms.Textarea(attrs={"rows": 3}), max_length=10_000)


def _json_object(value: str) -> dict:
    value = (value or "").strip()
    if not value:
        return {}
    try:
        parsed = json.loads(value)
    except ValueError as exc:
        raise forms.ValidationError(gettext("Not valid JSON.")) from exc
    if not isinstance(parsed, dict):
        raise forms.ValidationError(gettext('A JSON object, such as {"steps": 30, "guidance": 5}.'))
    return parsed


class FindingForm(forms.Form):
    category = forms.ChoiceField(choices=SafetyCategory.choices, label=gettext_lazy("Category"))
    severity = forms.ChoiceField(choices=Severity.choices, initial=Severity.MEDIUM, label=gettext_lazy("Severity"))
    title = forms.CharField(max_length=200, label=gettext_lazy("Title"))
    description = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 5}), max_length=10_000, label=gettext_lazy("Description")
    )
    output = forms.ModelChoiceField(
        queryset=None,
        required=False,
        help_text=gettext_lazy("One of your outputs that shows the problem (optional)."),
        label=gettext_lazy("Output"),
    )
    prompt = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=gettext_lazy("Filled from the output when you link one."),
        label=gettext_lazy("Prompt"),
    )
    negative_prompt = forms.CharField(required=False, max_length=2000, label=gettext_lazy("Negative prompt"))
    seed = forms.IntegerField(required=False, min_value=0, max_value=2**32 - 1, label=gettext_lazy("Seed"))
    parameters = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy('JSON, such as {"steps": 30}.'),
        label=gettext_lazy("Parameters"),
    )
    model_name = forms.CharField(required=False, max_length=80, label=gettext_lazy("Model"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["output"].queryset = outputs_for_user(user).order_by("-created_at")

    def clean_parameters(self):
        return _json_object(self.cleaned_data.get("parameters", ""))


class FindingDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[
            (FindingDecision.VALIDATE, gettext_lazy("Validate")),
            (FindingDecision.DISMISS, gettext_lazy("Dismiss")),
        ],
        label=gettext_lazy("Decision"),
    )
    severity = forms.ChoiceField(
        choices=[("", gettext_lazy("Keep the filed severity")), *Severity.choices],
        required=False,
        help_text=gettext_lazy("Validated findings are paid by this severity."),
        label=gettext_lazy("Severity"),
    )
    reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        help_text=gettext_lazy("Required to dismiss; the red-teamer sees it."),
        label=gettext_lazy("Reason"),
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
            raise forms.ValidationError(gettext("A month as YYYY-MM, such as 2025-03."))
        return int(match[1]), int(match[2])


class StatementForm(forms.Form):
    month = MonthField(max_length=7, label=gettext_lazy("Month"))
    tester = forms.EmailField(
        required=False, help_text=gettext_lazy("Leave empty for every tester."), label=gettext_lazy("Tester")
    )


class LedgerFilterForm(forms.Form):
    status = forms.ChoiceField(choices=[("", gettext_lazy("Any status"))], required=False, label=gettext_lazy("Status"))
    tester = forms.CharField(required=False, max_length=254, label=gettext_lazy("Tester"))
    month = MonthField(required=False, max_length=7, label=gettext_lazy("Month"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", gettext("Any status")), *LedgerStatus.choices]


class SessionHoursForm(forms.Form):
    tester = forms.EmailField(help_text=gettext_lazy("The tester's e-mail."), label=gettext_lazy("Tester"))
    held_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), label=gettext_lazy("Held on"))
    hours = forms.IntegerField(min_value=1, max_value=24, label=gettext_lazy("Hours"))
    note = forms.CharField(required=False, max_length=300, label=gettext_lazy("Note"))


class LedgerAdvanceForm(forms.Form):
    to_status = forms.CharField(max_length=10, label=gettext_lazy("To status"))


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


class PolicyRuleForm(forms.ModelForm):
    """A prompt-policy rule; the model's clean refuses a pattern that does not compile or could be slow."""

    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"),
        choices=[
            ("term", gettext_lazy("Term (whole words, any case)")),
            ("pattern", gettext_lazy("Regular expression (any case)")),
        ],
    )

    class Meta:
        model = PolicyRule
        fields = ["kind", "pattern", "category", "note"]
        labels = {
            "pattern": gettext_lazy("Term or pattern"),
            "category": gettext_lazy("Category"),
            "note": gettext_lazy("Note"),
        }


class PolicyTestForm(forms.Form):
    prompt = forms.CharField(
        max_length=2000,
        label=gettext_lazy("Prompt to test"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Nothing is recorded: this only says which rules the prompt matches."),
    )


class RateCardLineForm(forms.ModelForm):
    class Meta:
        model = RateCardLine
        fields = ["kind", "severity", "amount_minor", "currency"]
        labels = {
            "kind": gettext_lazy("Contribution"),
            "severity": gettext_lazy("Severity"),
            "amount_minor": gettext_lazy("Amount in minor units"),
            "currency": gettext_lazy("Currency"),
        }


class SurveyForm(forms.ModelForm):
    class Meta:
        model = Survey
        fields = ["title", "cohort", "description"]
        labels = {
            "title": gettext_lazy("Title"),
            "cohort": gettext_lazy("Cohort"),
            "description": gettext_lazy("Description"),
        }
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class SurveyQuestionForm(forms.ModelForm):
    class Meta:
        model = SurveyQuestion
        fields = ["text", "kind", "choices", "required", "position"]
        labels = {
            "text": gettext_lazy("Question"),
            "kind": gettext_lazy("Kind of answer"),
            "choices": gettext_lazy("Choices"),
            "required": gettext_lazy("An answer is required"),
            "position": gettext_lazy("Position"),
        }
        widgets = {"choices": forms.Textarea(attrs={"rows": 3})}
