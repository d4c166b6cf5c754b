"""Accepting an invitation (public link) and managing invitations (program admins)."""

from __future__ import annotations

from allauth.account.adapter import get_adapter
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from accessprogram.access import program_admin_required
from accessprogram.adapter import INVITATION_SESSION_KEY
from accessprogram.errors import BatchInvalid, DomainError
from accessprogram.forms import InvitationFilterForm, InvitationForm, InvitationImportForm
from accessprogram.models import Invitation
from accessprogram.services.context import Actor
from accessprogram.services.invitations import (
    invitation_batch_create,
    invitation_create,
    invitation_for_token,
    invitation_resend,
    invitation_revoke,
)
from accessprogram.views.common import add_domain_error, form_status


def invitation_accept(request, token: str):
    """The link in the e-mail: check it, remember it in the session, and open sign-up for that address."""
    try:
        invitation = invitation_for_token(token)
    except DomainError as exc:
        return render(request, "accessprogram/invitation_invalid.html", {"reason": exc.message}, status=exc.status_code)
    if request.user.is_authenticated:
        return render(request, "accessprogram/invitation_signed_in.html", {"invitation": invitation}, status=409)
    request.session[INVITATION_SESSION_KEY] = token
    get_adapter(request).stash_verified_email(request, invitation.email)
    return redirect("account_signup")


@program_admin_required
def invitation_list(request):
    # Its own ids: the invitation form on the same page has a cohort field too.
    filters = InvitationFilterForm(request.GET or None, auto_id="filter_%s")
    invitations = Invitation.objects.select_related("cohort", "invited_by").order_by("-created_at")
    if filters.is_valid():
        if filters.cleaned_data["status"]:
            invitations = invitations.filter(status=filters.cleaned_data["status"])
        if filters.cleaned_data["cohort"]:
            invitations = invitations.filter(cohort=filters.cleaned_data["cohort"])
        if filters.cleaned_data["q"]:
            invitations = invitations.filter(email__icontains=filters.cleaned_data["q"])
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            issued = invitation_create(
                actor=Actor.from_request(request),
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                cohort=form.cleaned_data["cohort"],
                expires_in_days=form.cleaned_data["expires_in_days"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, gettext("Invitation sent to %(email)s.") % {"email": issued.invitation.email})
            return redirect("accessprogram:invitation_list")
    page = Paginator(invitations, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "accessprogram/staff/invitations.html",
        {"form": form, "filters": filters, "page": page},
        status=form_status(form),
    )


@program_admin_required
def invitation_import(request):
    form = InvitationImportForm(request.POST or None, request.FILES or None)
    problems: list[tuple[int, str]] = []
    if request.method == "POST" and form.is_valid():
        try:
            issued = invitation_batch_create(
                actor=Actor.from_request(request),
                data=form.cleaned_data["file"],
                default_role=form.cleaned_data["default_role"] or None,
                default_cohort=form.cleaned_data["default_cohort"],
                expires_in_days=form.cleaned_data["expires_in_days"],
            )
        except BatchInvalid as exc:
            problems = exc.problems
            form.add_error("file", exc.message)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, gettext("%(count)s invitations sent.") % {"count": len(issued)})
            return redirect("accessprogram:invitation_list")
    return render(
        request,
        "accessprogram/staff/invitation_import.html",
        {"form": form, "problems": problems},
        status=form_status(form),
    )


@program_admin_required
@require_POST
def invitation_resend_view(request, pk: int):
    invitation = get_object_or_404(Invitation, pk=pk)
    try:
        invitation_resend(actor=Actor.from_request(request), invitation=invitation)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            gettext("A new link was sent to %(email)s; the old one no longer works.") % {"email": invitation.email},
        )
    return redirect("accessprogram:invitation_list")


@program_admin_required
@require_POST
def invitation_revoke_view(request, pk: int):
    invitation = get_object_or_404(Invitation, pk=pk)
    try:
        invitation_revoke(actor=Actor.from_request(request), invitation=invitation)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, gettext("The invitation to %(email)s was revoked.") % {"email": invitation.email})
    return redirect("accessprogram:invitation_list")
