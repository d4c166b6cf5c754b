"""The review and sharing panel under an output on the tester's job page, computed before the template runs."""

from __future__ import annotations

from django.template.loader import render_to_string

from review.access import latest_review, notes_for_output, output_versions
from review.forms import AppealForm, GalleryForm, RevisionForm, ShareForm
from review.models import ReviewState
from review.services.dashboard import reviewer_dashboard
from review.services.metrics import median_time_to_decision, queue_position
from review.services.reviews import review_can_appeal
from review.services.revisions import revision_request_open


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


def notes_panel(*, request, output) -> str:
    """The `output_panels` hook: the notes on the timeline, and the answer to a request for changes."""
    request_open = revision_request_open(output)
    job = output.job
    return render_to_string(
        "review/_job_notes.html",
        {
            "output": output,
            "notes": notes_for_output(output),
            "can_write_notes": True,
            "revision_request": request_open,
            "revision_form": (
                RevisionForm(
                    auto_id="revision_%s",
                    initial={
                        "prompt": job.prompt,
                        "negative_prompt": job.negative_prompt,
                        "steps": job.steps,
                        "guidance": job.guidance,
                    },
                )
                if request_open is not None
                else None
            ),
            "versions": output_versions(output),
        },
        request=request,
    )


def reviewer_dashboard_panel(*, request) -> str:
    """The `dashboard_panels` hook: the reviewer's own figures."""
    return render_to_string("review/_dashboard.html", {"figures": reviewer_dashboard(request.user)}, request=request)
