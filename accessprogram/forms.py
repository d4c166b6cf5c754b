"""Forms: they parse and validate input; services do the writing."""

from __future__ import annotations

from allauth.core import context as allauth_context
from django import forms
from django.conf import settings
from django.utils.translation import gettext, gettext_lazy

from accessprogram.adapter import pending_invitation
from accessprogram.localization import time_zone_names
from accessprogram.models import Cohort, Invitation, NdaVersion, Role
from accessprogram.services.nda import ClauseSpec, TranslationSpec

MAX_CSV_BYTES = 1024 * 1024


class SignupDetailsForm(forms.Form):
    """Extra fields on allauth's sign-up form (used through ACCOUNT_SIGNUP_FORM_CLASS)."""

    full_name = forms.CharField(
        max_length=200, label=gettext_lazy("Full name"), help_text=gettext_lazy("As you will sign the NDA.")
    )
    time_zone = forms.ChoiceField(
        label=gettext_lazy("Time zone"),
        initial="UTC",
        required=False,
        help_text=gettext_lazy("Proposed from your browser; dates and times are shown to you in this zone."),
        # static/js/timezone.js fills in the browser's zone (Intl.DateTimeFormat) unless one was chosen.
        widget=forms.Select(attrs={"data-detect-time-zone": ""}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = [(name, name) for name in time_zone_names()]
        if self.is_bound:
            self.fields["time_zone"].widget.attrs["data-chosen"] = "true"
        # The invitation this sign-up opens (the page names the program, cohort, role and inviter); its address
        # is fixed: shown read-only here, and the adapter refuses any other.
        self.invitation = pending_invitation(allauth_context.request)
        if "email" in self.fields:
            self.fields["email"].widget.attrs["readonly"] = True
            self.fields["email"].help_text = gettext_lazy("The address your invitation was sent to.")

    def signup(self, request, user) -> None:
        """The adapter already stored the name; allauth calls this hook after saving the user."""


class InvitationForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("E-mail"))
    role = forms.ChoiceField(choices=Role.choices, initial=Role.ARTIST, label=gettext_lazy("Role"))
    cohort = forms.ModelChoiceField(
        queryset=Cohort.objects.all(),
        required=False,
        help_text=gettext_lazy("Required for testers."),
        label=gettext_lazy("Cohort"),
    )
    expires_in_days = forms.IntegerField(
        min_value=1,
        max_value=settings.INVITATION_MAX_DAYS,
        initial=settings.INVITATION_DEFAULT_DAYS,
        label=gettext_lazy("Expires after (days)"),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("role") in {Role.ARTIST, Role.RED_TEAMER, Role.CREATIVE_PARTNER} and not cleaned.get("cohort"):
            self.add_error("cohort", gettext("Testers must be invited into a cohort."))
        return cleaned


class InvitationImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("CSV file"), help_text=gettext_lazy("Columns: email, role, cohort (header line first).")
    )
    default_role = forms.ChoiceField(
        choices=[("", gettext_lazy("— from the file —")), *Role.choices],
        required=False,
        label=gettext_lazy("Role for rows without one"),
    )
    default_cohort = forms.ModelChoiceField(
        queryset=Cohort.objects.all(), required=False, label=gettext_lazy("Cohort for rows without one")
    )
    expires_in_days = InvitationForm.base_fields["expires_in_days"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_CSV_BYTES:
            raise forms.ValidationError(gettext("The file is larger than 1 MB."))
        return upload.read()


class InvitationFilterForm(forms.Form):
    status = forms.ChoiceField(
        choices=[("", gettext_lazy("Any status")), *Invitation.Status.choices],
        required=False,
        label=gettext_lazy("Status"),
    )
    cohort = forms.ModelChoiceField(
        queryset=Cohort.objects.all(),
        required=False,
        empty_label=gettext_lazy("Any cohort"),
        label=gettext_lazy("Cohort"),
    )
    q = forms.CharField(required=False, label=gettext_lazy("E-mail contains"))


class NdaDraftForm(forms.Form):
    title = forms.CharField(max_length=200, label=gettext_lazy("Title"))
    body_markdown = forms.CharField(widget=forms.Textarea(attrs={"rows": 16}), label=gettext_lazy("Text (Markdown)"))
    ends_on = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), label=gettext_lazy("Ends on")
    )
    clauses = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "One per line: key | text | required or optional. "
            "E.g. “discuss-terms | I may discuss the program's terms publicly | optional”."
        ),
        label=gettext_lazy("Clauses"),
    )

    def clean_clauses(self):
        specs = []
        for number, line in enumerate(self.cleaned_data["clauses"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")]
            if len(parts) != 3 or parts[2].lower() not in {"required", "optional"} or not parts[0] or not parts[1]:
                raise forms.ValidationError(
                    gettext("Line %(number)s: write “key | text | required” or “… | optional”.") % {"number": number}
                )
            if not forms.SlugField().clean(parts[0]):
                raise forms.ValidationError(
                    gettext("Line %(number)s: the key must be letters, digits and hyphens.") % {"number": number}
                )
            specs.append(ClauseSpec(key=parts[0], text=parts[1], required=parts[2].lower() == "required"))
        return specs


class NdaAcceptForm(forms.Form):
    typed_name = forms.CharField(max_length=200, label=gettext_lazy("Type your full name to sign"))
    shown_sha256 = forms.CharField(widget=forms.HiddenInput, max_length=64)
    # The language of the text on the page: the evidence records it with the fingerprint of that text.
    language = forms.CharField(widget=forms.HiddenInput, max_length=10, required=False)

    def __init__(self, *args, nda: NdaVersion, clause_texts: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.nda = nda
        for clause in nda.clauses.all():
            self.fields[f"clause_{clause.key}"] = forms.BooleanField(
                required=clause.required,
                label=(clause_texts or {}).get(clause, clause.text),
                help_text="Required" if clause.required else "Optional",
            )

    def clause_answers(self) -> dict[str, bool]:
        return {c.key: bool(self.cleaned_data.get(f"clause_{c.key}")) for c in self.nda.clauses.all()}


class NdaTranslationForm(forms.Form):
    """A draft's full text in one more language; clauses one per line as “key | text”."""

    language = forms.ChoiceField(label=gettext_lazy("Language"))
    title = forms.CharField(max_length=200, label=gettext_lazy("Title"))
    body_markdown = forms.CharField(widget=forms.Textarea(attrs={"rows": 12}), label=gettext_lazy("Text (Markdown)"))
    clauses = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        label=gettext_lazy("Clauses"),
        help_text=gettext_lazy("One per line: key | text in this language."),
    )

    def __init__(self, *args, nda: NdaVersion, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [(code, name) for code, name in settings.LANGUAGES if code != nda.language]

    def clean_clauses(self):
        texts = {}
        for number, line in enumerate(self.cleaned_data["clauses"].splitlines(), start=1):
            if not line.strip():
                continue
            key, bar, text = line.partition("|")
            if not bar or not key.strip() or not text.strip():
                raise forms.ValidationError(gettext_lazy("Line %(number)s: write “key | text”.") % {"number": number})
            texts[key.strip()] = text.strip()
        return texts

    def spec(self):
        data = self.cleaned_data
        return TranslationSpec(data["language"], data["title"], data["body_markdown"], data["clauses"])


class CohortForm(forms.ModelForm):
    class Meta:
        model = Cohort
        fields = [
            "name",
            "description",
            "is_active",
            "quota_period",
            "quota_unit",
            "quota_amount",
            "max_active_jobs",
            "max_duration_seconds",
            "max_resolution",
            "approvals_required",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        labels = {
            "name": gettext_lazy("Name"),
            "description": gettext_lazy("Description"),
            "is_active": gettext_lazy("Is active"),
            "quota_period": gettext_lazy("Quota period"),
            "quota_unit": gettext_lazy("Quota unit"),
            "quota_amount": gettext_lazy("Quota amount"),
            "max_active_jobs": gettext_lazy("Videos at once"),
            "max_duration_seconds": gettext_lazy("Max duration seconds"),
            "max_resolution": gettext_lazy("Max resolution"),
            "approvals_required": gettext_lazy("Approvals required"),
        }


class AuditFilterForm(forms.Form):
    action = forms.CharField(required=False, label=gettext_lazy("Action starts with"))
    actor = forms.CharField(required=False, label=gettext_lazy("Actor e-mail contains"))
    target = forms.CharField(required=False, label=gettext_lazy("Target contains"))
    since = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}), label=gettext_lazy("Since"))
    until = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}), label=gettext_lazy("Until"))


class DownloadGrantForm(forms.Form):
    reason = forms.CharField(
        max_length=500,
        label=gettext_lazy("Why may this token download videos?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Recorded in the audit log, e.g. “the artist's render farm archives approved work”."),
    )
