"""Review metrics for staff: backlog, time to decision, decisions per reviewer, approval rate per cohort."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from accessprogram.services.context import Actor
from review.models import Review
from review.services.metrics import review_metrics
from review.services.reviews import review_decide
from tests.conftest import make_output
from tests.review.conftest import approve


def test_metrics_add_up(artist, reviewer, admin_user, demo_generation_model):
    outputs = [make_output(artist, demo_generation_model) for _ in range(4)]
    for hours, output in zip((1, 2, 3, 4), outputs, strict=True):
        Review.objects.filter(output=output).update(created_at=timezone.now() - timedelta(hours=hours))
    approve(outputs[0], reviewer)
    approve(outputs[1], reviewer)
    review_decide(actor=Actor(user=admin_user), output=outputs[2], decision="reject", reason="policy")
    metrics = review_metrics()
    assert metrics.backlog == 1
    assert 3.9 < metrics.oldest_waiting.total_seconds() / 3600 < 4.1
    assert round(metrics.median_to_decision.total_seconds() / 3600) == 2
    assert round(metrics.p95_to_decision.total_seconds() / 3600) == 3
    per_reviewer = {r["reviewer__email"]: r for r in metrics.decisions_per_reviewer}
    assert per_reviewer[reviewer.email]["approvals"] == 2 and per_reviewer[admin_user.email]["rejections"] == 1
    [cohort_row] = metrics.approval_rate_per_cohort
    assert cohort_row["decided"] == 3 and cohort_row["approved"] == 2


def test_the_metrics_page_is_for_staff(as_reviewer, as_artist, artist_output):
    response = as_reviewer.get(reverse("review:review_metrics"))
    assert response.status_code == 200 and "Backlog" in response.content.decode()
    assert as_artist.get(reverse("review:review_metrics")).status_code == 403
