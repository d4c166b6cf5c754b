"""Red-team findings: red-teamers file and complete theirs; staff validate or dismiss them."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext

from accessprogram.access import reviewer_required, tester_required
from accessprogram.errors import DomainError
from accessprogram.localization import format_money_local
from accessprogram.services.context import Actor
from accessprogram.views.common import add_domain_error, form_status
from contributions.access import finding_for_user, findings_for_user, is_red_teamer, ledger_entry_for
from contributions.forms import FindingDecisionForm, FindingForm
from contributions.models import Finding, FindingStatus
from contributions.services.findings import FindingInput, finding_create, finding_decide, finding_submit


def _red_teamer(request) -> None:
    if not is_red_teamer(request.user):
        raise PermissionDenied(gettext("Only red-teamers file safety findings."))


def _input(data) -> FindingInput:
    return FindingInput(
        category=data["category"],
        severity=data["severity"],
        title=data["title"],
        description=data["description"],
        output=data["output"],
        prompt=data["prompt"],
        negative_prompt=data["negative_prompt"],
        seed=data["seed"],
        parameters=data["parameters"],
        model_name=data["model_name"],
    )


@tester_required
def finding_list(request):
    _red_teamer(request)
    page = Paginator(findings_for_user(request.user), 25).get_page(request.GET.get("page"))
    return render(request, "contributions/finding_list.html", {"page": page})


@tester_required
def finding_new(request):
    _red_teamer(request)
    form = FindingForm(request.POST or None, user=request.user, initial={"output": request.GET.get("output")})
    if request.method == "POST" and form.is_valid():
        try:
            finding = finding_create(
                actor=Actor.from_request(request), reporter=request.user, data=_input(form.cleaned_data)
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, gettext("Finding #%(pk)s was filed for validation.") % {"pk": finding.pk})
            return redirect("contributions:finding_detail", pk=finding.pk)
    return render(request, "contributions/finding_new.html", {"form": form}, status=form_status(form))


@tester_required
def finding_detail(request, pk: int):
    _red_teamer(request)
    finding = finding_for_user(request.user, pk)
    form = None
    if finding.status == FindingStatus.DRAFT:
        initial = {
            field: getattr(finding, field)
            for field in ("category", "severity", "title", "description", "prompt", "negative_prompt", "seed")
        }
        form = FindingForm(request.POST or None, user=request.user, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                finding_submit(actor=Actor.from_request(request), finding=finding, data=_input(form.cleaned_data))
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, gettext("Finding #%(pk)s was submitted for validation.") % {"pk": finding.pk})
                return redirect("contributions:finding_detail", pk=finding.pk)
    return render(
        request,
        "contributions/finding_detail.html",
        {"finding": finding, "form": form, "ledger_entry": ledger_entry_for(finding)},
        status=200 if form is None else form_status(form),
    )


@reviewer_required
def staff_finding_list(request):
    findings = Finding.objects.select_related("reporter").order_by("-created_at", "-pk")
    status = request.GET.get("status", FindingStatus.SUBMITTED)
    if status in FindingStatus.values:
        findings = findings.filter(status=status)
    page = Paginator(findings, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "contributions/staff/finding_list.html",
        {"page": page, "status": status, "statuses": FindingStatus.choices},
    )


@reviewer_required
def staff_finding_detail(request, pk: int):
    finding = finding_for_user(request.user, pk)
    form = FindingDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = finding_decide(
                actor=Actor.from_request(request),
                finding=finding,
                decision=data["decision"],
                reason=data["reason"],
                severity=data["severity"] or None,
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            message = gettext("Finding #%(number)s is %(status)s.") % {
                "number": finding.pk,
                "status": result.finding.get_status_display().lower(),
            }
            if result.ledger_entry is not None:
                message += gettext(" %(amount_display)s posted to the red-teamer's ledger (pending).") % {
                    "amount_display": format_money_local(result.ledger_entry.amount_minor, result.ledger_entry.currency)
                }
            elif result.unpriced:
                message += gettext(" The current rate card has no rate for this severity, so nothing was posted.")
            messages.success(request, message)
            return redirect("contributions:staff_finding_detail", pk=finding.pk)
    return render(
        request,
        "contributions/staff/finding_detail.html",
        {"finding": finding, "form": form, "ledger_entry": ledger_entry_for(finding)},
        status=form_status(form),
    )
