"""allauth adapter: sign-up opens only through a valid invitation, bound to the invited address; sign-in limits
count the real client address, as the rest of the site does."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django import forms
from django.contrib.sites.shortcuts import get_current_site
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from accessprogram.errors import DomainError
from accessprogram.localization import language_codes
from accessprogram.services.context import Actor, client_ip
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
    def get_client_ip(self, request) -> str:
        """The address allauth's rate limits count: the client's, through the site's trusted proxies only.

        allauth's own guess reads X-Forwarded-For unless told otherwise; behind the site's proxy it would see the
        proxy's address for every client, so one attacker's failures would refuse everyone's sign-in."""
        return client_ip(request) or "unknown"

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        """Failed sign-ins count per account AND address (allauth's `key`), not per account alone.

        Counted per account, five wrong passwords from any stranger would lock that person out, the admin who
        runs the kill switches included; per account and address, a stranger only locks out themself. Guessing
        from many addresses still meets the per-address limit on every one of them."""
        login = credentials.get("email", credentials.get("username", "")).lower()
        return f"{get_current_site(request).domain}:{login}:{self.get_client_ip(request)}"

    def is_open_for_signup(self, request) -> bool:
        return pending_invitation(request) is not None

    def clean_email(self, email: str) -> str:
        # allauth also cleans addresses after save_user has consumed the invitation (setup_user_email):
        # refusing then would drop the verified address. Without an invitation, sign-up is closed anyway.
        email = super().clean_email(email)
        invitation = pending_invitation(self.request)
        if invitation is not None and email.strip().lower() != invitation.email:
            raise forms.ValidationError(_("Sign up with the address your invitation was sent to."))
        return email.strip().lower()

    def save_user(self, request, user, form, commit=True):
        invitation = pending_invitation(request)
        if invitation is None:
            raise forms.ValidationError(_("Your invitation is no longer valid."))
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
        return reverse("accessprogram:dashboard")
