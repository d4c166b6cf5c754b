"""Forms for showcase calls (staff, jurors, testers) and licence requests."""

from __future__ import annotations

from django import forms
from django.db.models import Q

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
        .filter(
            Q(is_superuser=True) | Q(groups__name__in=ROLE_GROUPS.values()) | Q(memberships__status="active")
        )
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
                raise forms.ValidationError(f"Line {number}: write “criterion | maximum points”, e.g. “Craft | 10”.")
            items.append(RubricItem(name.strip(), int(points)))
        return items


class CallForm(forms.Form):
    title = forms.CharField(max_length=160)
    brief = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), max_length=10_000)
    rubric = RubricField(help_text="One criterion per line: “Craft | 10”.")
    deadline = forms.DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    max_submissions_per_tester = forms.IntegerField(min_value=1, max_value=20, initial=3)
    exclude_cohort_mates = forms.BooleanField(required=False, label="Jurors may not score their own cohort-mates")
    jurors = forms.ModelMultipleChoiceField(queryset=User.objects.none(), required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["jurors"].queryset = program_members()


class JurorForm(forms.Form):
    user = forms.ModelChoiceField(queryset=User.objects.none(), label="Juror")
    action = forms.ChoiceField(choices=[("add", "Add"), ("remove", "Remove")], initial="add")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = program_members()


class SubmitForm(forms.Form):
    output = forms.ModelChoiceField(queryset=Output.objects.none(), empty_label=None)
    credit_line = forms.CharField(required=False, max_length=CREDIT_MAX, help_text="Defaults to your name.")
    statement = forms.CharField(required=False, max_length=STATEMENT_MAX, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The choice is limited to the tester's approved outputs; the service checks again under a lock.
        self.fields["output"].queryset = Output.objects.filter(
            owner=user, review_status=ReviewStatus.APPROVED
        ).select_related("job")
        self.fields["output"].label_from_instance = lambda o: f"{o.short_id} · {o.job.prompt[:60]}"


class ConflictForm(forms.Form):
    reason = forms.CharField(max_length=CONFLICT_REASON_MAX, help_text="E.g. “a friend”, “we work together”.")


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
    output = forms.UUIDField(label="Output ID", help_text="The full ID of an approved output.")
    use = forms.CharField(max_length=USE_MAX, help_text="E.g. “the spring campaign on our website”.")
    term_start = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    term_end = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    fee_minor = forms.IntegerField(min_value=1, label="Fee (minor units)", help_text="In cents: 15000 = 150.00.")
    currency = forms.CharField(max_length=3, initial="EUR")
    respond_by = forms.DateTimeField(
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text="Defaults to two weeks from now.",
    )


class LicenceAnswerForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", "Accept"), ("decline", "Decline")])
    credit_line = forms.CharField(required=False, max_length=CREDIT_MAX, help_text="Defaults to your name.")
