"""Browsing and filtering the audit log (program admins)."""

from __future__ import annotations

from datetime import datetime, time

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from accessprogram.access import program_admin_required
from accessprogram.forms import AuditFilterForm
from accessprogram.models import AuditEvent


@program_admin_required
def audit_list(request):
    form = AuditFilterForm(request.GET or None)
    events = AuditEvent.objects.order_by("-id")
    if form.is_valid():
        data = form.cleaned_data
        if data["action"]:
            events = events.filter(action__startswith=data["action"])
        if data["actor"]:
            events = events.filter(actor_label__icontains=data["actor"])
        if data["target"]:
            events = events.filter(target_label__icontains=data["target"])
        if data["since"]:
            events = events.filter(created_at__gte=timezone.make_aware(datetime.combine(data["since"], time.min)))
        if data["until"]:
            events = events.filter(created_at__lte=timezone.make_aware(datetime.combine(data["until"], time.max)))
    page = Paginator(events, 100).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "accessprogram/staff/audit.html", {"form": form, "page": page, "query": query.urlencode()})
