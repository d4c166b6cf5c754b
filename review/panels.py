"""The review and sharing panel under an output on the tester's job page, computed before the template runs."""

from __future__ import annotations

from django.template.loader import render_to_string

from review.access import latest_review
from review.forms import AppealForm, GalleryForm, ShareForm
from review.models import ReviewState
from review.services.metrics import median_time_to_decision, queue_position
from review.services.reviews import review_can_appeal


def review_panel_context(output) -> dict:
    """Review status, the decision's reason and note, queue place, appeal, and sharing, for the owner."""
    review = latest_review(output)
    decision = None
    if review is not None:
        closing = [d for d in review.decisions.all() if d.decision != "approve"]
        decision = closing[-1] if closing else None
    can_appeal = review is not None and review_can_appeal(output)
    approved = output.review_status == ReviewState.APPROVED
    return {
        "output": output,
        "review": review,
        "decision": decision,
        "position": queue_position(review) if review is not None else None,
        "median": median_time_to_decision() if review is not None and review.is_open else None,
        "can_appeal": can_appeal,
        "appeal_form": AppealForm() if can_appeal else None,
        "approved": approved,
        "share_links": list(output.share_links.all()) if approved or output.share_links.exists() else [],
        # Both forms have credit_line and show_prompt fields: distinct ids keep each label on its own input.
        "share_form": ShareForm(auto_id="share_%s") if approved else None,
        "gallery_entry": getattr(output, "gallery_entry", None),
        "gallery_form": (
            GalleryForm(auto_id="gallery_%s", initial={"credit_line": output.owner.display_name}) if approved else None
        ),
    }


def review_panel(*, request, output) -> str:
    """The `output_panels` hook: the panel, rendered with the request (CSRF token, messages)."""
    return render_to_string("review/_job_review.html", review_panel_context(output), request=request)
