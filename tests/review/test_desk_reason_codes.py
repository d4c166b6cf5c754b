"""Reason codes on the admin's desk: added, edited and retired (never deleted), each audited."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accessprogram.models import AuditEvent
from review.forms import DecisionForm
from review.models import ReasonCode

LIST = reverse("review:staff_reason_codes")


def test_an_admin_adds_edits_and_retires_a_reason(as_admin):
    assert as_admin.post(LIST, {"label": "Gore", "code": "gore", "description": "", "position": 1}).status_code == 302
    reason = ReasonCode.objects.get(code="gore")
    edit = reverse("review:staff_reason_code_edit", kwargs={"pk": reason.pk})
    assert (
        as_admin.post(edit, {"label": "Graphic gore", "code": "gore", "description": "", "position": 1}).status_code
        == 302
    )
    retire = reverse("review:staff_reason_code_active", kwargs={"pk": reason.pk})
    assert as_admin.post(retire, {"active": "0"}).status_code == 302

    reason.refresh_from_db()
    assert (reason.label, reason.is_active) == ("Graphic gore", False)
    assert reason not in DecisionForm().fields["reason"].queryset
    actions = list(AuditEvent.objects.order_by("id").values_list("action", flat=True))
    assert actions[-3:] == ["review.reasoncode_created", "review.reasoncode_updated", "review.reasoncode_updated"]
    assert AuditEvent.objects.order_by("id").last().details == {"is_active": False}


@pytest.mark.parametrize(
    ("fields", "field"),
    [({"label": ""}, "label"), ({"code": "not a slug"}, "code"), ({"code": "taken"}, "code")],
)
def test_a_bad_reason_is_a_form_error(as_admin, fields, field):
    ReasonCode.objects.create(code="taken", label="Taken")
    before = ReasonCode.objects.count()

    response = as_admin.post(LIST, {"label": "Gore", "code": "gore", "description": "", "position": 1} | fields)

    assert response.status_code == 400 and response.context["form"].errors[field]
    assert ReasonCode.objects.count() == before
