"""Feedback and bug reports: testers file and follow theirs; staff triage and reply."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext

from accessprogram.access import member_required, reviewer_required, tester_required
from accessprogram.errors import DomainError
from accessprogram.localization import format_money_local
from accessprogram.services.context import Actor
from accessprogram.views.common import add_domain_error, form_status
from contributions.access import ledger_entry_for, report_for_user, reports_for_user, screenshot_for_user
from contributions.forms import ReplyForm, ReportForm, TriageForm
from contributions.models import Report, ReportStatus, ReportType
from contributions.services.reports import report_create, report_reply, report_triage
from generation.access import output_for_user
from generation.infrastructure.media_responses import media_response


def _safe_page(request, url: str) -> str:
    return url if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}) else ""


@tester_required
def report_list(request):
    page = Paginator(reports_for_user(request.user), 25).get_page(request.GET.get("page"))
    return render(request, "contributions/report_list.html", {"page": page})


@tester_required
def report_new(request):
    initial = {"page_url": _safe_page(request, request.GET.get("from", "")), "output": request.GET.get("output")}
    form = ReportForm(request.POST or None, request.FILES or None, initial=initial)
    output = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["output"]:
                output = output_for_user(request.user, data["output"])
            report = report_create(
                actor=Actor.from_request(request),
                reporter=request.user,
                type=data["type"],
                severity=data["severity"],
                title=data["title"],
                text=data["text"],
                page_url=_safe_page(request, data["page_url"]),
                output=output,
                screenshots=request.FILES.getlist("screenshots"),
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request, gettext("Thank you: report #%(pk)s was filed. Staff replies appear here.") % {"pk": report.pk}
            )
            return redirect("contributions:report_detail", pk=report.pk)
    elif request.GET.get("output"):
        try:
            output = output_for_user(request.user, request.GET["output"])
        except Http404:
            form.initial["output"] = None
    return render(
        request,
        "contributions/report_new.html",
        {"form": form, "output": output},
        status=form_status(form),
    )


@tester_required
def report_detail(request, pk: int):
    report = report_for_user(request.user, pk)
    return render(
        request,
        "contributions/report_detail.html",
        {
            "report": report,
            "replies": report.replies.select_related("author"),
            "screenshots": report.screenshots.all(),
            "ledger_entry": ledger_entry_for(report),
        },
    )


@reviewer_required
def staff_report_list(request):
    reports = Report.objects.select_related("reporter").order_by("-created_at", "-pk")
    status = request.GET.get("status", ReportStatus.NEW)
    if status in ReportStatus.values:
        reports = reports.filter(status=status)
    kind = request.GET.get("type", "")
    if kind in ReportType.values:
        reports = reports.filter(type=kind)
    page = Paginator(reports, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "contributions/staff/report_list.html",
        {
            "page": page,
            "status": status,
            "type": kind,
            "statuses": ReportStatus.choices,
            "types": ReportType.choices,
        },
    )


@reviewer_required
def staff_report_detail(request, pk: int):
    report = report_for_user(request.user, pk)
    action = request.POST.get("action") if request.method == "POST" else None
    triage_form = TriageForm(request.POST if action == "triage" else None)
    reply_form = ReplyForm(request.POST if action == "reply" else None)
    actor = Actor.from_request(request)
    if action == "triage" and triage_form.is_valid():
        data = triage_form.cleaned_data
        original = None
        if data["duplicate_of"]:
            original = Report.objects.filter(pk=data["duplicate_of"]).first()
            if original is None:
                triage_form.add_error(
                    "duplicate_of",
                    gettext("There is no report #%(duplicate_of)s.") % {"duplicate_of": data["duplicate_of"]},
                )
        if not triage_form.errors:
            try:
                result = report_triage(
                    actor=actor, report=report, status=data["status"], reply=data["reply"], duplicate_of=original
                )
            except DomainError as exc:
                add_domain_error(triage_form, exc)
            else:
                message = gettext("Report #%(number)s is now %(status)s.") % {
                    "number": report.pk,
                    "status": result.report.get_status_display().lower(),
                }
                if result.ledger_entry is not None:
                    message += gettext(" %(amount_display)s posted to the tester's ledger (pending).") % {
                        "amount_display": format_money_local(
                            result.ledger_entry.amount_minor, result.ledger_entry.currency
                        )
                    }
                elif result.unpriced:
                    message += gettext(" The current rate card has no rate for this severity, so nothing was posted.")
                messages.success(request, message)
                return redirect("contributions:staff_report_detail", pk=report.pk)
    elif action == "reply" and reply_form.is_valid():
        try:
            report_reply(actor=actor, report=report, text=reply_form.cleaned_data["text"])
        except DomainError as exc:
            add_domain_error(reply_form, exc)
        else:
            messages.success(request, gettext("Reply sent; the tester sees it on their report."))
            return redirect("contributions:staff_report_detail", pk=report.pk)
    return render(
        request,
        "contributions/staff/report_detail.html",
        {
            "report": report,
            "replies": report.replies.select_related("author"),
            "screenshots": report.screenshots.all(),
            "triage_form": triage_form,
            "reply_form": reply_form,
            "ledger_entry": ledger_entry_for(report),
        },
        status=max(form_status(triage_form), form_status(reply_form)),
    )


@member_required
def report_screenshot(request, pk: int, screenshot_id: int):
    """A screenshot's bytes, for its reporter and staff only."""
    shot = screenshot_for_user(request.user, pk, screenshot_id)
    extension = shot.content_type.rsplit("/", 1)[-1].replace("jpeg", "jpg")
    return media_response(
        request, shot.key, content_type=shot.content_type, filename=f"report-{pk}-{shot.pk}.{extension}"
    )
