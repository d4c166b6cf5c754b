"""Staff actions under an output's review page (the `output_staff_actions` hook), computed before rendering."""

from __future__ import annotations

from django.template.loader import render_to_string

from generation.models import ReviewStatus
from showcase.models import LicenceRequest


def licence_action_panel(*, request, output) -> str:
    """For program admins: the owner's tester page, and a licence request for this output (approved ones only)."""
    if not request.user.is_program_admin:
        return ""
    context = {
        "output": output,
        "licensable": output.review_status == ReviewStatus.APPROVED,
        "licences": list(LicenceRequest.objects.filter(output=output)[:5]),
    }
    return render_to_string("showcase/staff/_output_actions.html", context, request=request)
