"""The language switcher on every page, and the account's preferences: language and time zone."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from accessprogram.errors import DomainError
from accessprogram.localization import time_zone_names
from accessprogram.services.preferences import OPTIONAL_EMAIL_KINDS, user_preferences_update
from accessprogram.views.common import add_domain_error, form_status


class PreferencesForm(forms.Form):
    language = forms.ChoiceField(
        label=gettext_lazy("Language"),
        required=False,
        choices=[("", gettext_lazy("As my browser asks")), *settings.LANGUAGES],
    )
    time_zone = forms.ChoiceField(
        label=gettext_lazy("Time zone"),
        help_text=gettext_lazy("Dates and times in the portal and in e-mails are shown in this zone."),
    )

    email_kinds = forms.MultipleChoiceField(
        label=gettext_lazy("E-mail me about"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy(
            "Every notification appears in the portal. A new NDA to sign and a suspension are always e-mailed."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = [(name, name) for name in time_zone_names()]
        self.fields["email_kinds"].choices = [(kind.value, kind.label) for kind in OPTIONAL_EMAIL_KINDS]


@require_POST
def language_set(request):
    """Django's set_language (cookie, for everyone), remembered on the account of whoever is signed in."""
    response = set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in {code for code, _name in settings.LANGUAGES}:
        user_preferences_update(user=request.user, language=language)
    return response


@login_required
def preferences(request):
    user = request.user
    emailed = [kind.value for kind in OPTIONAL_EMAIL_KINDS if kind not in user.email_muted_kinds]
    form = PreferencesForm(
        request.POST or None,
        initial={"language": user.language, "time_zone": user.time_zone, "email_kinds": emailed},
    )
    if request.method == "POST" and form.is_valid():
        try:
            user_preferences_update(
                user=user,
                language=form.cleaned_data["language"],
                time_zone=form.cleaned_data["time_zone"],
                email_kinds=form.cleaned_data["email_kinds"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            if user.language:
                translation.activate(user.language)
            messages.success(request, _("Your preferences are saved."))
            response = redirect("accessprogram:account_preferences")
            # The cookie follows the account: blank means the browser's Accept-Language decides again.
            if user.language:
                response.set_cookie(settings.LANGUAGE_COOKIE_NAME, user.language, samesite="Lax")
            else:
                response.delete_cookie(settings.LANGUAGE_COOKIE_NAME)
            return response
    return render(request, "accessprogram/preferences.html", {"form": form}, status=form_status(form))
