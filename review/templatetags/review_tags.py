"""The tester's review and sharing panel on the job page, and a readable duration."""

from __future__ import annotations

from datetime import timedelta

from django import template
from django.utils.translation import gettext

from review.access import latest_review
from review.forms import AppealForm, GalleryForm, ShareForm
from review.models import Review, ReviewState
from review.services.metrics import median_time_to_decision, queue_position

register = template.Library()


@register.filter
def duration(value: timedelta | None) -> str:
    if value is None:
        return ""
    seconds = int(value.total_seconds())
    days, seconds = divmod(seconds, 86400)
    hours, seconds = divmod(seconds, 3600)
    minutes = seconds // 60
    if days:
        return gettext("%(days)s d %(hours)s h") % {"days": days, "hours": hours}
    if hours:
        return gettext("%(hours)s h %(minutes)s min") % {"hours": hours, "minutes": minutes}
    return gettext("%(minutes)s min") % {"minutes": minutes} if minutes else gettext("under a minute")


@register.inclusion_tag("review/_job_review.html", takes_context=True)
def review_panel(context, output):
    """Review status, the decision's reason and note, queue place, appeal, and sharing, for the owner."""
    review = latest_review(output)
    decision = None
    if review is not None:
        closing = [d for d in review.decisions.all() if d.decision != "approve"]
        decision = closing[-1] if closing else None
    can_appeal = (
        review is not None
        and review.state == ReviewState.REJECTED
        and not Review.objects.filter(output=output, appeal_of__isnull=False).exists()
    )
    approved = output.review_status == ReviewState.APPROVED
    return {
        "request": context["request"],
        "csrf_token": context.get("csrf_token"),
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
