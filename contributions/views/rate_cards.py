"""Rate cards (program admins): draft a version, edit its lines, publish it after a confirmation that says
which version it replaces. Published cards never change."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext

from accessprogram.access import program_admin_required
from accessprogram.errors import DomainError
from accessprogram.services.context import Actor
from accessprogram.views.common import add_domain_error, domain_error_text
from contributions.forms import RateCardLineForm
from contributions.models import RateCard, RateCardLine
from contributions.services.ledger import (
    rate_card_draft_from,
    rate_card_line_delete,
    rate_card_line_save,
    rate_card_publish,
)


@program_admin_required
def staff_rate_cards(request):
    if request.method == "POST":
        draft = rate_card_draft_from(actor=Actor.from_request(request), card=RateCard.current())
        messages.success(request, gettext("Drafted version %(version)s.") % {"version": draft.version})
        return redirect("contributions:staff_rate_card", pk=draft.pk)
    cards = RateCard.objects.select_related("published_by").prefetch_related("lines")
    return render(request, "contributions/staff/rate_cards.html", {"cards": cards, "current": RateCard.current()})


@program_admin_required
def staff_rate_card(request, pk: int):
    """A card's lines; on a draft, POST adds a line (`line` empty), changes one, or removes one (`remove`)."""
    card = get_object_or_404(RateCard, pk=pk)
    line_id = (request.POST if request.method == "POST" else request.GET).get("line", "")
    line = get_object_or_404(RateCardLine, pk=int(line_id), rate_card=card) if line_id.isdigit() else None
    form = RateCardLineForm(request.POST or None, instance=line or RateCardLine(rate_card=card))
    status = 200
    if request.method == "POST":
        actor = Actor.from_request(request)
        try:
            if line is not None and "remove" in request.POST:
                rate_card_line_delete(actor=actor, line=line)
                messages.success(request, gettext("Line removed."))
                return redirect("contributions:staff_rate_card", pk=card.pk)
            if form.is_valid():
                rate_card_line_save(actor=actor, line=form.instance)
                messages.success(request, gettext("Line saved."))
                return redirect("contributions:staff_rate_card", pk=card.pk)
            status = 400
        except DomainError as exc:
            status = add_domain_error(form, exc)
    return render(
        request,
        "contributions/staff/rate_card.html",
        {
            "card": card,
            "lines": card.lines.all(),
            "form": form,
            "editing": line,
            "current": RateCard.current(),
        },
        status=status,
    )


@program_admin_required
def staff_rate_card_publish(request, pk: int):
    """GET: what publishing changes (the card it replaces, line by line); POST: publish."""
    card = get_object_or_404(RateCard, pk=pk)
    current = RateCard.current()
    status = 200
    if request.method == "POST":
        try:
            rate_card_publish(actor=Actor.from_request(request), card=card)
        except DomainError as exc:
            messages.error(request, domain_error_text(exc))
            status = exc.status_code
        else:
            messages.success(
                request,
                gettext("Version %(version)s is published: it prices every contribution accepted from now on.")
                % {"version": card.version},
            )
            return redirect("contributions:staff_rate_cards")
    before = {(line.kind, line.severity): line for line in current.lines.all()} if current else {}
    after = {(line.kind, line.severity): line for line in card.lines.all()}
    rows = []
    for key in sorted(before.keys() | after.keys()):
        old, new = before.get(key), after.get(key)
        shown = new or old
        rows.append(
            {
                "kind": shown.get_kind_display(),
                "severity": shown.get_severity_display() if shown.severity else "",
                "before": old.amount_display if old else None,
                "after": new.amount_display if new else None,
            }
        )
    return render(
        request,
        "contributions/staff/rate_card_publish.html",
        {"card": card, "current": current, "rows": rows},
        status=status,
    )
