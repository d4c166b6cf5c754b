"""The prompt policy's rules (program admins): list, create, edit, switch off and on, and a test box."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from accessprogram.access import program_admin_required
from accessprogram.errors import DomainError
from accessprogram.services.context import Actor
from accessprogram.views.common import add_domain_error
from contributions.forms import PolicyRuleForm, PolicyTestForm
from contributions.models import PolicyRule
from contributions.services.policy import policy_rule_save, policy_rule_set_active, policy_rules_matching


def _policy_page(request, rule: PolicyRule | None):
    form = PolicyRuleForm(request.POST or None, instance=rule)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                saved = policy_rule_save(
                    actor=Actor.from_request(request), rule=form.instance, changed=form.changed_data
                )
            except DomainError as exc:
                status = add_domain_error(form, exc)
            else:
                messages.success(request, gettext("Rule “%(pattern)s” saved.") % {"pattern": saved.pattern})
                return redirect("contributions:staff_policy_list")
        else:
            status = 400
    test_form = PolicyTestForm(request.GET if "prompt" in request.GET else None)
    matches = None
    if test_form.is_bound:
        if test_form.is_valid():
            matches = policy_rules_matching(test_form.cleaned_data["prompt"])
        elif status == 200:
            status = 400
    rules = PolicyRule.objects.annotate(block_count=Count("blocks"))
    return render(
        request,
        "contributions/staff/policy.html",
        {
            "form": form,
            "editing": rule,
            "rules": rules,
            "test_form": test_form,
            "matches": matches,
            "blocking": next((match.rule for match in matches or [] if match.blocks), None),
        },
        status=status,
    )


@program_admin_required
def staff_policy_list(request):
    return _policy_page(request, None)


@program_admin_required
def staff_policy_edit(request, pk: int):
    return _policy_page(request, get_object_or_404(PolicyRule, pk=pk))


@program_admin_required
@require_POST
def staff_policy_active(request, pk: int):
    rule = get_object_or_404(PolicyRule, pk=pk)
    active = request.POST.get("active") == "1"
    policy_rule_set_active(actor=Actor.from_request(request), rule=rule, active=active)
    if active:
        messages.success(request, gettext("Rule “%(pattern)s” is on again.") % {"pattern": rule.pattern})
    else:
        messages.success(request, gettext("Rule “%(pattern)s” is off: it blocks nothing.") % {"pattern": rule.pattern})
    return redirect("contributions:staff_policy_list")
