"""Kill switches for program admins (suspend, lift, anomaly thresholds) and the page suspended testers see."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from accessprogram.access import program_admin_required
from accessprogram.errors import DomainError
from accessprogram.models import AnomalyThresholds, Suspension, SuspensionScope
from accessprogram.models.suspensions import SCOPE_FIELDS
from accessprogram.services.anomalies import anomaly_thresholds_save
from accessprogram.services.context import Actor
from accessprogram.services.suspensions import (
    SUSPENDED_MESSAGES,
    SuspensionReach,
    suspension_active_for,
    suspension_create,
    suspension_lift,
    suspension_reach_count,
    suspension_resolve_target,
)
from accessprogram.views.common import add_domain_error, confirmation_page, confirmed, form_status


class SuspensionForm(forms.Form):
    scope = forms.ChoiceField(choices=SuspensionScope.choices, label=gettext_lazy("Scope"))
    target = forms.CharField(
        max_length=254,
        help_text=gettext_lazy(
            "A token's id, a tester's e-mail or a cohort's name; for the whole program, type the program's name."
        ),
        label=gettext_lazy("Target"),
    )
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, label=gettext_lazy("Reason"))


class ThresholdsForm(forms.ModelForm):
    class Meta:
        model = AnomalyThresholds
        fields = [
            "window_seconds",
            "max_client_ips",
            "max_networks",
            "max_user_agents",
            "max_requests",
            "refuse_foreign_origin",
            "submission_window_seconds",
            "max_submissions",
            "max_prompts_per_hour",
            "max_refusals",
            "max_headless_requests",
            "max_blind_media",
            "reauthenticate_on_new_network",
            "escalate_after",
            "escalate_window_seconds",
            "mint_cooldown_seconds",
        ]
        labels = {
            "window_seconds": gettext_lazy("Window seconds"),
            "max_client_ips": gettext_lazy("Max client ips"),
            "max_networks": gettext_lazy("Max networks"),
            "max_user_agents": gettext_lazy("Max user agents"),
            "max_requests": gettext_lazy("Max requests"),
            "refuse_foreign_origin": gettext_lazy("Refuse foreign origin"),
            "submission_window_seconds": gettext_lazy("Submission window seconds"),
            "max_submissions": gettext_lazy("Max submissions"),
            "max_prompts_per_hour": gettext_lazy("Max prompts per hour"),
            "max_refusals": gettext_lazy("Max refusals"),
            "max_headless_requests": gettext_lazy("Max headless requests"),
            "max_blind_media": gettext_lazy("Max blind media"),
            "reauthenticate_on_new_network": gettext_lazy("Reauthenticate on new network"),
            "escalate_after": gettext_lazy("Escalate after"),
            "escalate_window_seconds": gettext_lazy("Escalate window seconds"),
            "mint_cooldown_seconds": gettext_lazy("Mint cooldown seconds"),
        }


def _page(request, *, form: SuspensionForm, thresholds_form: ThresholdsForm, status: int = 200):
    suspensions = Suspension.objects.select_related("token__owner", "user", "cohort", "program", "created_by")
    return render(
        request,
        "accessprogram/staff/suspensions.html",
        {
            "form": form,
            "thresholds_form": thresholds_form,
            "active": suspensions.filter(lifted_at__isnull=True).order_by("-created_at"),
            "lifted": suspensions.filter(lifted_at__isnull=False)
            .select_related("lifted_by")
            .order_by("-lifted_at")[:50],
        },
        status=status,
    )


def _reach_lines(reach: SuspensionReach) -> list[str]:
    return [
        ngettext("%(count)d tester loses access", "%(count)d testers lose access", reach.testers)
        % {"count": reach.testers},
        ngettext("%(count)d live access token stops working", "%(count)d live access tokens stop working", reach.tokens)
        % {"count": reach.tokens},
        ngettext("%(count)d rendering video stops", "%(count)d rendering videos stop", reach.running)
        % {"count": reach.running},
        ngettext("%(count)d queued video is cancelled", "%(count)d queued videos are cancelled", reach.queued)
        % {"count": reach.queued},
    ]


def _confirm_suspension(request, *, data: dict, target, reach: SuspensionReach):
    scope = SuspensionScope(data["scope"])
    label = Suspension(scope=scope, **{SCOPE_FIELDS[scope]: target}).target_label
    title = {
        SuspensionScope.TOKEN: gettext("Suspend the %(target_label)s?"),
        SuspensionScope.TESTER: gettext("Suspend the tester %(target_label)s?"),
        SuspensionScope.COHORT: gettext("Suspend the cohort “%(target_label)s”?"),
        SuspensionScope.PROGRAM: gettext("Suspend the whole program, “%(target_label)s”?"),
    }[scope]
    return confirmation_page(
        request,
        title=title % {"target_label": label},
        lead=gettext("It takes effect on the next request in every web process and GPU worker:"),
        reach=_reach_lines(reach),
        action=reverse("accessprogram:suspension_list"),
        fields={name: data[name] for name in ("scope", "target", "reason")},
        confirm_label=gettext("Suspend now"),
        cancel_url=reverse("accessprogram:suspension_list"),
    )


@program_admin_required
def suspension_list(request):
    """Suspend in two steps: the form shows what the suspension would stop, and only a confirmation applies it."""
    form = SuspensionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        actor = Actor.from_request(request)
        try:
            target = suspension_resolve_target(scope=data["scope"], target=data["target"], typed=True)
            if not confirmed(request):
                reach = suspension_reach_count(actor=actor, scope=data["scope"], target=target)
                return _confirm_suspension(request, data=data, target=target, reach=reach)
            suspension = suspension_create(actor=actor, scope=data["scope"], target=target, reason=data["reason"])
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request,
                gettext("Suspended %(target_label)s. It takes effect on the next request.")
                % {"target_label": suspension.target_label},
            )
            return redirect("accessprogram:suspension_list")
    thresholds_form = ThresholdsForm(instance=AnomalyThresholds.current())
    return _page(request, form=form, thresholds_form=thresholds_form, status=form_status(form))


@program_admin_required
@require_POST
def suspension_lift_view(request, pk: int):
    suspension = get_object_or_404(Suspension, pk=pk)
    try:
        suspension_lift(actor=Actor.from_request(request), suspension=suspension)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, gettext("Lifted the suspension of %(target_label)s.") % {"target_label": suspension.target_label}
        )
    return redirect("accessprogram:suspension_list")


@program_admin_required
@require_POST
def anomaly_thresholds_edit(request):
    thresholds_form = ThresholdsForm(request.POST, instance=AnomalyThresholds.current())
    if thresholds_form.is_valid():
        anomaly_thresholds_save(
            actor=Actor.from_request(request), thresholds=thresholds_form.instance, changed=thresholds_form.changed_data
        )
        messages.success(request, gettext("Anomaly thresholds saved; they apply from the next request."))
        return redirect("accessprogram:suspension_list")
    return _page(request, form=SuspensionForm(), thresholds_form=thresholds_form, status=400)


@login_required
def access_suspended(request):
    suspension = suspension_active_for(request.user)
    message = SUSPENDED_MESSAGES[suspension.scope] if suspension is not None else None
    # An automatic pause of this tester (a contained session, repeated containments) says why.
    reason = suspension.reason if suspension is not None and suspension.automatic and suspension.user_id else ""
    return render(request, "accessprogram/suspended.html", {"message": message, "reason": reason})
