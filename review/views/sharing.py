"""The owner's side of review and sharing: appeals, share links and the gallery (staff may revoke too)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from accessprogram.access import member_required, tester_required
from accessprogram.errors import DomainError
from accessprogram.services.context import Actor
from accessprogram.views.common import confirmation_page, confirmed
from generation.access import output_for_user
from review.access import share_link_for_user
from review.forms import AppealForm, GalleryForm, ShareForm
from review.services.reviews import review_appeal
from review.services.sharing import gallery_add, gallery_remove, share_link_create, share_link_revoke


def back_to_output(request, output):
    if output.owner_id == request.user.pk:
        return redirect("generation:job_detail", pk=output.job_id)
    return redirect("review:review_item", output_id=output.pk)


def flash_form_errors(request, form) -> None:
    messages.error(request, " ".join(f"{name}: {e}" for name, errors in form.errors.items() for e in errors))


@tester_required
@require_POST
def output_appeal(request, pk):
    output = output_for_user(request.user, pk)
    form = AppealForm(request.POST)
    if not form.is_valid():
        flash_form_errors(request, form)
        return back_to_output(request, output)
    try:
        review_appeal(actor=Actor.from_request(request), output=output, message=form.cleaned_data["message"])
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, gettext("Appeal sent. Your output is back in the review queue."))
    return back_to_output(request, output)


@member_required
@require_POST
def output_share(request, pk):
    output = output_for_user(request.user, pk)
    form = ShareForm(request.POST)
    if not form.is_valid():
        flash_form_errors(request, form)
        return back_to_output(request, output)
    data = form.cleaned_data
    expires_at = data["expires_at"]
    if expires_at is not None and timezone.is_naive(expires_at):
        expires_at = timezone.make_aware(expires_at)
    try:
        link = share_link_create(
            actor=Actor.from_request(request),
            output=output,
            expires_at=expires_at,
            passphrase=data["passphrase"],
            credit_line=data["credit_line"],
            show_prompt=data["show_prompt"],
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            gettext("Share link created: %(url)s")
            % {"url": request.build_absolute_uri(reverse("review:share_page", args=[link.slug]))},
        )
    return back_to_output(request, output)


@member_required
def share_revoke(request, pk):
    """Asks first (a page that works without script); only a POST with the confirm field revokes."""
    link = share_link_for_user(request.user, pk)
    if not confirmed(request) and not link.is_revoked:
        return confirmation_page(
            request,
            title=gettext("Revoke this share link?"),
            lead=gettext(
                "%(url)s stops opening for everyone who has it, at once; it cannot be restored, only replaced by a "
                "new link."
            )
            % {"url": request.build_absolute_uri(reverse("review:share_page", args=[link.slug]))},
            action=reverse("review:share_revoke", args=[link.pk]),
            confirm_label=gettext("Revoke the link"),
            cancel_url=back_to_output(request, link.output).url,
        )
    try:
        share_link_revoke(actor=Actor.from_request(request), link=link)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, gettext("Share link revoked. It no longer opens for anyone."))
    return back_to_output(request, link.output)


@member_required
@require_POST
def output_gallery(request, pk):
    output = output_for_user(request.user, pk)
    actor = Actor.from_request(request)
    try:
        if request.POST.get("action") == "remove":
            gallery_remove(actor=actor, output=output)
            messages.success(request, gettext("Removed from the gallery."))
        else:
            form = GalleryForm(request.POST)
            if not form.is_valid():
                flash_form_errors(request, form)
                return back_to_output(request, output)
            gallery_add(actor=actor, output=output, **form.cleaned_data)
            messages.success(request, gettext("Added to the public gallery."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return back_to_output(request, output)
