"""The tester's personal access tokens: create (the secret is shown once), see each one's last use, revoke;
and the admins' grant of the `download` scope to one token."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext, gettext_lazy

from accessprogram.access import program_admin_required, tester_required
from accessprogram.errors import DomainError
from accessprogram.forms import DownloadGrantForm
from accessprogram.models import AccessToken, TokenScope
from accessprogram.models.tokens import SELF_SERVICE_SCOPES
from accessprogram.services.context import Actor
from accessprogram.services.tokens import token_create, token_grant_download, token_revoke, tokens_for_user
from accessprogram.services.watch import session_password_at
from accessprogram.views.common import add_domain_error, confirmation_page, confirmed, form_status


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=80,
        help_text=gettext_lazy("Where it will be used, e.g. “render-farm script”."),
        label=gettext_lazy("Name"),
    )
    scopes = forms.MultipleChoiceField(
        choices=[(scope.value, scope.label) for scope in SELF_SERVICE_SCOPES],
        widget=forms.CheckboxSelectMultiple,
        initial=[TokenScope.READ, TokenScope.GENERATE],
        help_text=gettext_lazy("Downloading videos with a token needs the download scope, which only an admin grants."),
        label=gettext_lazy("Scopes"),
    )
    expires_in_days = forms.IntegerField(
        label=gettext_lazy("Expires after (days)"),
        min_value=1,
        max_value=settings.ACCESS_TOKEN_MAX_DAYS,
        initial=settings.ACCESS_TOKEN_DEFAULT_DAYS,
    )


@tester_required
def token_list(request):
    form = TokenForm(request.POST or None)
    issued = None
    if request.method == "POST" and form.is_valid():
        try:
            issued = token_create(
                actor=Actor.from_request(request), password_at=session_password_at(request), **form.cleaned_data
            )
        except DomainError as exc:
            if exc.code == "reauthentication_required":
                return redirect(f"{reverse('account_reauthenticate')}?{urlencode({'next': request.path})}")
            add_domain_error(form, exc)
        else:
            form = TokenForm()
    tokens = tokens_for_user(request.user).filter(owner=request.user)
    response = render(
        request,
        "accessprogram/tokens.html",
        {"form": form, "tokens": tokens, "issued": issued},
        status=form_status(form),
    )
    response["Cache-Control"] = "no-store"
    return response


@tester_required
def token_revoke_view(request, pk: int):
    """Asks first (a page that works without script); only a POST with the confirm field revokes."""
    try:
        token = tokens_for_user(request.user).filter(owner=request.user).get(pk=pk)
    except AccessToken.DoesNotExist as exc:
        raise Http404(gettext("No such token.")) from exc
    if not confirmed(request):
        return confirmation_page(
            request,
            title=gettext("Revoke the token “%(name)s” (%(prefix)s…)?") % {"name": token.name, "prefix": token.prefix},
            lead=gettext(
                "Every script and tool that uses it stops working at once, and it cannot be restored: "
                "you would create a new token."
            ),
            action=reverse("accessprogram:token_revoke", args=[token.pk]),
            confirm_label=gettext("Revoke the token"),
            cancel_url=reverse("accessprogram:token_list"),
        )
    token_revoke(actor=Actor.from_request(request), token=token)
    messages.success(
        request,
        gettext("Token “%(name)s” (%(prefix)s…) revoked; it no longer works anywhere.")
        % {"name": token.name, "prefix": token.prefix},
    )
    return redirect("accessprogram:token_list")


@program_admin_required
def staff_token_download(request, pk: int):
    """Grant one token the `download` scope, with a reason (program admins; linked from the tester page)."""
    token = get_object_or_404(AccessToken.objects.select_related("owner", "download_granted_by"), pk=pk)
    form = DownloadGrantForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                token_grant_download(actor=Actor.from_request(request), token=token, reason=form.cleaned_data["reason"])
            except DomainError as exc:
                status = add_domain_error(form, exc)
            else:
                messages.success(
                    request,
                    gettext("“%(name)s” (%(prefix)s…) can now download videos.")
                    % {"name": token.name, "prefix": token.prefix},
                )
                return redirect("accessprogram:staff_token_download", pk=token.pk)
        else:
            status = 400
    return render(request, "accessprogram/staff/token_download.html", {"token": token, "form": form}, status=status)
