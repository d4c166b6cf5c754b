"""The notification centre: one's own notifications, newest first, and marking them read."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_POST

from accessprogram.errors import DomainError
from accessprogram.services.notifications import notifications_for, notifications_mark_read
from accessprogram.views.common import domain_error_text


@login_required
def notification_list(request):
    page = Paginator(notifications_for(request.user), 30).get_page(request.GET.get("page"))
    return render(request, "accessprogram/notifications.html", {"page": page})


@login_required
@require_POST
def notification_read(request):
    """Mark the notifications named in `ids` read, or every one of them with `all`."""
    ids = None if request.POST.get("all") else request.POST.getlist("ids")
    try:
        if ids is not None and not all(pk.isdigit() for pk in ids):
            raise DomainError(gettext("Name the notifications by their number."), field="ids")
        changed = notifications_mark_read(user=request.user, ids=ids)
    except DomainError as exc:
        messages.error(request, domain_error_text(exc))
        return redirect("accessprogram:notification_list")
    if ids is None:
        messages.success(
            request,
            ngettext("%(count)s notification marked read.", "%(count)s notifications marked read.", changed)
            % {"count": changed},
        )
    return redirect("accessprogram:notification_list")
