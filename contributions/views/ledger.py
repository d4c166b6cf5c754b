"""The contribution ledger: a tester's own ledger and the rate card; the admins' ledger, statements and
session hours."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from accessprogram.access import program_admin_required, tester_required
from accessprogram.errors import DomainError
from accessprogram.localization import speaking_to
from accessprogram.models import User
from accessprogram.services.context import Actor
from accessprogram.views.common import add_domain_error, form_status
from contributions.access import ledger_for_user
from contributions.forms import LedgerAdvanceForm, LedgerFilterForm, SessionHoursForm, StatementForm
from contributions.models import LEDGER_NEXT_STATUS, LedgerEntry, RateCard
from contributions.services.ledger import ledger_entry_advance, session_hours_record
from contributions.services.statements import entries_for_month, month_bounds, statement_csv, totals_by_status

STATEMENT_IDS = "statement_%s"


def _rate_card_context() -> dict:
    card = RateCard.current()
    return {"rate_card": card, "rate_lines": card.lines.all() if card else []}


@tester_required
def my_ledger(request):
    entries = ledger_for_user(request.user)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "contributions/ledger.html",
        {"page": page, "totals": totals_by_status(entries), **_rate_card_context()},
    )


def _staff_page(request, *, hours_form: SessionHoursForm, statement_form: StatementForm, status: int = 200):
    # Each form on the page gets its own ids: three of them have a tester field, two a month.
    filters = LedgerFilterForm(request.GET or None, auto_id="filter_%s")
    entries = LedgerEntry.objects.select_related("tester", "rate_card_line__rate_card").order_by("-created_at", "-pk")
    if filters.is_valid():
        data = filters.cleaned_data
        if data["status"]:
            entries = entries.filter(status=data["status"])
        if data["tester"]:
            who = data["tester"]
            entries = entries.filter(Q(tester__email__icontains=who) | Q(tester__full_name__icontains=who))
        if data["month"]:
            start, end = month_bounds(*data["month"])
            entries = entries.filter(created_at__gte=start, created_at__lt=end)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    for entry in page:
        entry.next_status = LEDGER_NEXT_STATUS.get(entry.status)
    return render(
        request,
        "contributions/staff/ledger.html",
        {
            "page": page,
            "filters": filters,
            "totals": totals_by_status(entries),
            "hours_form": hours_form,
            "statement_form": statement_form,
            **_rate_card_context(),
        },
        status=status,
    )


@program_admin_required
def staff_ledger(request):
    hours_form = SessionHoursForm(request.POST or None)
    if request.method == "POST" and hours_form.is_valid():
        data = hours_form.cleaned_data
        tester = User.objects.filter(email__iexact=data["tester"]).first()
        if tester is None:
            hours_form.add_error("tester", gettext("No account has this e-mail."))
        else:
            try:
                session_hours_record(
                    actor=Actor.from_request(request),
                    tester=tester,
                    held_on=data["held_on"],
                    hours=data["hours"],
                    note=data["note"],
                )
            except DomainError as exc:
                add_domain_error(hours_form, exc)
            else:
                messages.success(
                    request,
                    gettext("Recorded %(hours)s h for %(email)s; the entry is pending.")
                    % {"hours": data["hours"], "email": tester.email},
                )
                return redirect("contributions:staff_ledger")
    return _staff_page(
        request,
        hours_form=hours_form,
        statement_form=StatementForm(auto_id=STATEMENT_IDS),
        status=form_status(hours_form),
    )


@program_admin_required
@require_POST
def staff_ledger_advance(request, pk: int):
    entry = get_object_or_404(LedgerEntry, pk=pk)
    form = LedgerAdvanceForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Say which status the entry moves to."))
        return redirect("contributions:staff_ledger")
    actor = Actor.from_request(request)
    try:
        entry = ledger_entry_advance(actor=actor, entry=entry, to_status=form.cleaned_data["to_status"])
    except DomainError as exc:
        messages.error(request, gettext("Entry %(pk)s: %(message)s") % {"pk": pk, "message": exc.message})
        return _staff_page(
            request,
            hours_form=SessionHoursForm(),
            statement_form=StatementForm(auto_id=STATEMENT_IDS),
            status=exc.status_code,
        )
    messages.success(
        request, gettext("Entry %(pk)s is now %(status)s.") % {"pk": pk, "status": entry.get_status_display().lower()}
    )
    return redirect("contributions:staff_ledger")


@program_admin_required
def staff_ledger_statement(request):
    """The month's statement as CSV: one tester's, or every tester's."""
    form = StatementForm(request.GET, auto_id=STATEMENT_IDS)
    if form.is_valid():
        year, month = form.cleaned_data["month"]
        email = form.cleaned_data["tester"]
        tester = None
        if email:
            tester = User.objects.filter(email__iexact=email).first()
            if tester is None:
                form.add_error("tester", gettext("No account has this e-mail."))
        if not form.errors:
            if tester is None:
                body = statement_csv(entries_for_month(year, month))
            else:
                with speaking_to(tester):
                    body = statement_csv(entries_for_month(year, month, tester))
            name = f"statement-{year}-{month:02d}" + (f"-{tester.pk}" if tester else "-all") + ".csv"
            response = HttpResponse(body, content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            response["Cache-Control"] = "private, no-store"
            return response
    return _staff_page(request, hours_form=SessionHoursForm(), statement_form=form, status=400)
