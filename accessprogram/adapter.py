"""allauth adapter: sign-up opens only through a valid invitation, bound to the invited address."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django import forms
from django.urls import reverse
from django.utils import translation

from accessprogram.errors import DomainError
from accessprogram.localization import language_codes
from accessprogram.services.context import Actor
from accessprogram.services.invitations import invitation_accept, invitation_for_token

INVITATION_SESSION_KEY = "invitation_token"


def pending_invitation(request):
    token = request.session.get(INVITATION_SESSION_KEY) if request is not None else None
    if not token:
        return None
    try:
        return invitation_for_token(token)
    except DomainError:
        return None


class InvitationOnlyAccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        return pending_invitation(request) is not None

    def clean_email(self, email: str) -> str:
        # allauth also cleans addresses after save_user has consumed the invitation (setup_user_email):
        # refusing then would drop the verified address. Without an invitation, sign-up is closed anyway.
        email = super().clean_email(email)
        invitation = pending_invitation(self.request)
        if invitation is not None and email.strip().lower() != invitation.email:
            raise forms.ValidationError("Sign up with the address your invitation was sent to.")
        return email.strip().lower()

    def save_user(self, request, user, form, commit=True):
        invitation = pending_invitation(request)
        if invitation is None:
            raise forms.ValidationError("Your invitation is no longer valid.")
        user.full_name = " ".join(form.cleaned_data.get("full_name", "").split())
        user.time_zone = form.cleaned_data.get("time_zone") or "UTC"
        # The language the person signed up in (their browser's, or the one they switched to) is theirs until
        # they change it: e-mails are written in it.
        language = translation.get_language()
        if language in language_codes():
            user.language = language
        user = super().save_user(request, user, form, commit=True)
        invitation_accept(actor=Actor.from_request(request), invitation=invitation, user=user)
        request.session.pop(INVITATION_SESSION_KEY, None)
        return user

    def get_signup_redirect_url(self, request) -> str:
        return reverse("dashboard")
