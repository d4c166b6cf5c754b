"""The NDA: testers read and sign it; admins draft, publish and export the evidence."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accessprogram.access import program_admin_required
from accessprogram.csv_files import csv_lines
from accessprogram.errors import DomainError
from accessprogram.forms import NdaAcceptForm, NdaDraftForm, NdaTranslationForm
from accessprogram.models import NdaAcceptance, NdaClause, NdaClauseDecision, NdaVersion
from accessprogram.services.context import Actor
from accessprogram.services.nda import (
    nda_accept,
    nda_create_draft,
    nda_current,
    nda_missing_languages,
    nda_publish,
    nda_publish_reach,
    nda_receipt_text,
    nda_render_html,
    nda_required_for,
    nda_text_for_reader,
    nda_translation_save,
)
from accessprogram.views.common import add_domain_error, confirmation_page, confirmed, form_status


def _safe_next(request) -> str | None:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return None


@login_required
def nda_view(request):
    nda = nda_current()
    if nda is None:
        return render(request, "accessprogram/nda.html", {"nda": None})
    pending = nda_required_for(request.user)
    text = nda_text_for_reader(nda, request.LANGUAGE_CODE)
    form = NdaAcceptForm(
        request.POST or None,
        nda=nda,
        clause_texts=dict(text.clauses),
        initial={"shown_sha256": text.text_sha256, "language": text.language, "typed_name": request.user.full_name},
    )
    if request.method == "POST":
        if pending is None:
            messages.info(request, _("You have already accepted the current agreement."))
            return redirect("accessprogram:dashboard")
        if form.is_valid():
            try:
                nda_accept(
                    actor=Actor.from_request(request),
                    user=request.user,
                    nda=nda,
                    typed_name=form.cleaned_data["typed_name"],
                    shown_sha256=form.cleaned_data["shown_sha256"],
                    clause_answers=form.clause_answers(),
                    language=form.cleaned_data["language"] or text.language,
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(
                    request,
                    _("Thank you. You accepted %(title)s, version %(version)s.")
                    % {"title": nda.title, "version": nda.version},
                )
                return redirect(_safe_next(request) or "accessprogram:dashboard")
    context = {
        "nda": nda,
        "text": text,
        "nda_html": nda_render_html(nda, text.language),
        "form": form,
        "must_accept": pending is not None,
        "previously_accepted": NdaAcceptance.objects.filter(user=request.user).exists(),
        "next": _safe_next(request) or "",
    }
    return render(request, "accessprogram/nda.html", context, status=form_status(form))


@login_required
def nda_receipt(request, pk: int):
    acceptance = get_object_or_404(
        NdaAcceptance.objects.select_related("nda", "nda__program", "user"), pk=pk, user=request.user
    )
    response = HttpResponse(nda_receipt_text(acceptance), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="nda-v{acceptance.nda.version}-receipt.txt"'
    return response


@program_admin_required
def nda_admin_list(request):
    form = NdaDraftForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            nda = nda_create_draft(
                actor=Actor.from_request(request),
                title=form.cleaned_data["title"],
                body_markdown=form.cleaned_data["body_markdown"],
                ends_on=form.cleaned_data["ends_on"],
                clauses=form.cleaned_data["clauses"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request, _("Draft version %(version)s saved. Review it, then publish.") % {"version": nda.version}
            )
            return redirect("accessprogram:nda_admin_detail", pk=nda.pk)
    versions = NdaVersion.objects.annotate(acceptance_count=Count("acceptances"))
    return render(
        request,
        "accessprogram/staff/nda_list.html",
        {"form": form, "versions": versions},
        status=form_status(form),
    )


@program_admin_required
def nda_admin_detail(request, pk: int):
    nda = get_object_or_404(NdaVersion, pk=pk)
    form = NdaTranslationForm(request.POST or None, nda=nda)
    if request.method == "POST" and form.is_valid():
        try:
            nda_translation_save(actor=Actor.from_request(request), nda=nda, spec=form.spec())
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Translation saved."))
            return redirect("accessprogram:nda_admin_detail", pk=nda.pk)
    acceptances = nda.acceptances.select_related("user").prefetch_related("clause_decisions__clause")
    context = {
        "nda": nda,
        "nda_html": nda_render_html(nda),
        "acceptances": acceptances,
        "translations": nda.translations.all(),
        "missing_languages": nda_missing_languages(nda),
        "translation_form": form,
    }
    return render(request, "accessprogram/staff/nda_detail.html", context, status=form_status(form))


@program_admin_required
def nda_admin_publish(request, pk: int):
    """Publish in two steps: first how many testers must sign again, then the confirmed publication."""
    nda = get_object_or_404(NdaVersion, pk=pk)
    # A draft that cannot be published yet (a language without its text) is refused at once, not confirmed first.
    if not confirmed(request) and nda.status == NdaVersion.Status.DRAFT and not nda_missing_languages(nda):
        testers = nda_publish_reach(nda)
        return confirmation_page(
            request,
            title=_("Publish version %(version)s of “%(title)s”?") % {"version": nda.version, "title": nda.title},
            lead=_("It becomes the current agreement at once and replaces the version in force."),
            reach=[
                ngettext(
                    "%(count)d tester must accept it before they can go on.",
                    "%(count)d testers must accept it before they can go on.",
                    testers,
                )
                % {"count": testers}
            ],
            action=reverse("accessprogram:nda_admin_publish", args=[nda.pk]),
            confirm_label=_("Publish version %(version)s") % {"version": nda.version},
            cancel_url=reverse("accessprogram:nda_admin_detail", args=[nda.pk]),
        )
    try:
        nda_publish(actor=Actor.from_request(request), nda=nda)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Version %(version)s is now current; every tester must accept it.") % {"version": nda.version},
        )
    return redirect("accessprogram:nda_admin_detail", pk=nda.pk)


@program_admin_required
def nda_admin_evidence(request, pk: int):
    """Every acceptance of one version, with each clause decision, as CSV."""
    nda = get_object_or_404(NdaVersion, pk=pk)
    clauses = list(NdaClause.objects.filter(nda=nda))
    decisions: dict[tuple[int, int], bool] = {
        (d.acceptance_id, d.clause_id): d.agreed for d in NdaClauseDecision.objects.filter(acceptance__nda=nda)
    }
    header = [
        "email",
        "typed_name",
        "version",
        "language",
        "text_sha256",
        "accepted_at",
        "ip_address",
        "user_agent",
    ] + [f"clause:{c.key}" for c in clauses]
    rows = (
        [
            a.user.email,
            a.typed_name,
            nda.version,
            a.language,
            a.text_sha256,
            a.accepted_at.isoformat(),
            a.ip_address or "",
            a.user_agent,
        ]
        + ["yes" if decisions.get((a.pk, c.pk)) else "no" for c in clauses]
        for a in nda.acceptances.select_related("user").order_by("accepted_at").iterator()
    )

    response = StreamingHttpResponse(csv_lines(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="nda-v{nda.version}-acceptances.csv"'
    return response
