"""Forms for showcase calls (staff, jurors, testers) and licence requests."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext, gettext_lazy

from accessprogram.models import User
from accessprogram.models.users import ROLE_GROUPS
from generation.models import Output, ReviewStatus
from review.services.sharing import CREDIT_MAX
from showcase.services.calls import CONFLICT_REASON_MAX, STATEMENT_MAX, RubricItem
from showcase.services.licences import USE_MAX


def program_members():
    """Everyone who may sit on a jury: staff and active testers."""
    return (
        User.objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(groups__name__in=ROLE_GROUPS.values()) | Q(memberships__status="active"))
        .distinct()
        .order_by("email")
    )


class RubricField(forms.CharField):
    """One criterion per line: “Name | maximum points”."""

    widget = forms.Textarea(attrs={"rows": 4})

    def to_python(self, value) -> list[RubricItem]:
        items = []
        for number, line in enumerate((value or "").splitlines(), start=1):
            if not line.strip():
                continue
            name, bar, points = line.rpartition("|")
            if not bar or not points.strip().isdigit():
                raise forms.ValidationError(
                    gettext("Line %(number)s: write “criterion | maximum points”, e.g. “Craft | 10”.")
                    % {"number": number}
                )
            items.append(RubricItem(name.strip(), int(points)))
        return items


class CallForm(forms.Form):
    title = forms.CharField(max_length=160, label=gettext_lazy("Title"))
    brief = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), max_length=10_000, label=gettext_lazy("Brief"))
    rubric = RubricField(help_text=gettext_lazy("One criterion per line: “Craft | 10”."), label=gettext_lazy("Rubric"))
    deadline = forms.DateTimeField(
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}), label=gettext_lazy("Deadline")
    )
    max_submissions_per_tester = forms.IntegerField(
        min_value=1, max_value=20, initial=3, label=gettext_lazy("Max submissions per tester")
    )
    exclude_cohort_mates = forms.BooleanField(
        required=False, label=gettext_lazy("Jurors may not score their own cohort-mates")
    )
    jurors = forms.ModelMultipleChoiceField(queryset=User.objects.none(), required=False, label=gettext_lazy("Jurors"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["jurors"].queryset = program_members()


class JurorForm(forms.Form):
    user = forms.ModelChoiceField(queryset=User.objects.none(), label=gettext_lazy("Juror"))
    action = forms.ChoiceField(
        choices=[("add", gettext_lazy("Add")), ("remove", gettext_lazy("Remove"))],
        initial="add",
        label=gettext_lazy("Action"),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = program_members()


class SubmitForm(forms.Form):
    output = forms.ModelChoiceField(queryset=Output.objects.none(), empty_label=None, label=gettext_lazy("Output"))
    credit_line = forms.CharField(
        required=False,
        max_length=CREDIT_MAX,
        help_text=gettext_lazy("Defaults to your name."),
        label=gettext_lazy("Credit line"),
    )
    statement = forms.CharField(
        required=False,
        max_length=STATEMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=gettext_lazy("Statement"),
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The choice is limited to the tester's approved outputs; the service checks again under a lock.
        self.fields["output"].queryset = Output.objects.filter(
            owner=user, review_status=ReviewStatus.APPROVED
        ).select_related("job")
        self.fields["output"].label_from_instance = lambda o: f"{o.short_id} · {o.job.prompt[:60]}"


class ConflictForm(forms.Form):
    reason = forms.CharField(
        max_length=CONFLICT_REASON_MAX,
        help_text=gettext_lazy("E.g. “a friend”, “we work together”."),
        label=gettext_lazy("Reason"),
    )


class ScoreForm(forms.Form):
    """One integer field per criterion of the call's rubric, named c<criterion id>."""

    def __init__(self, *args, criteria, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for criterion in criteria:
            self.fields[f"c{criterion.pk}"] = forms.IntegerField(
                label=f"{criterion.name} (0–{criterion.max_points})", min_value=0, max_value=criterion.max_points
            )

    def points(self) -> dict[int, int]:
        return {int(name[1:]): value for name, value in self.cleaned_data.items()}


class LicenceRequestForm(forms.Form):
    output = forms.UUIDField(
        label=gettext_lazy("Output ID"), help_text=gettext_lazy("The full ID of an approved output.")
    )
    use = forms.CharField(
        max_length=USE_MAX,
        help_text=gettext_lazy("E.g. “the spring campaign on our website”."),
        label=gettext_lazy("Use"),
    )
    term_start = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), label=gettext_lazy("Term start"))
    term_end = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), label=gettext_lazy("Term end"))
    fee_minor = forms.IntegerField(
        min_value=1, label=gettext_lazy("Fee (minor units)"), help_text=gettext_lazy("In cents: 15000 = 150.00.")
    )
    currency = forms.CharField(max_length=3, initial="EUR", label=gettext_lazy("Currency"))
    respond_by = forms.DateTimeField(
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=gettext_lazy("Defaults to two weeks from now."),
        label=gettext_lazy("Respond by"),
    )


class LicenceAnswerForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("accept", gettext_lazy("Accept")), ("decline", gettext_lazy("Decline"))],
        label=gettext_lazy("Decision"),
    )
    credit_line = forms.CharField(
        required=False,
        max_length=CREDIT_MAX,
        help_text=gettext_lazy("Defaults to your name."),
        label=gettext_lazy("Credit line"),
    )


class OutputLicenceRequestForm(LicenceRequestForm):
    """The licence request started from an output's page: the output is known, so no ID to paste."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["output"]
