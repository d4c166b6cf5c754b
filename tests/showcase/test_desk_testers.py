"""The admin's desk in the top layer: the tester page (every layer's data about one tester) and a licence request
started from an output's review page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accessprogram.models import AuditEvent
from accessprogram.services.context import Actor
from accessprogram.services.suspensions import suspension_create
from contributions.models import Report
from showcase.models import LicenceRequest
from tests.accessprogram.conftest import issue_token
from tests.conftest import make_output


def test_the_tester_page_gathers_every_layer(as_admin, artist, artist_output, cohort, admin_user):
    Report.objects.create(reporter=artist, type="bug", severity="low", title="Player stutters", text="x")
    token = issue_token(artist, name="farm")
    suspension_create(actor=Actor(user=admin_user), scope="token", target=token.token, reason="Leaked on a forum")

    response = as_admin.get(reverse("showcase:staff_tester_detail", kwargs={"pk": artist.pk}))

    assert response.status_code == 200
    context = response.context
    assert context["membership"].cohort == cohort
    assert list(context["outputs"]) == [artist_output]
    assert dict((label, n) for label, n, _ in context["job_counts"])["Succeeded"] == 1
    assert context["last_seen"] is not None
    assert [s.reason for s in context["suspensions"]] == ["Leaked on a forum"]
    page = response.content.decode()
    for text in ("Player stutters", artist_output.short_id, "farm", cohort.name, "Leaked on a forum"):
        assert text in page
    assert reverse("accessprogram:staff_token_download", kwargs={"pk": token.token.pk}) in page


def test_staff_have_no_tester_page(as_admin, reviewer):
    assert as_admin.get(reverse("showcase:staff_tester_detail", kwargs={"pk": reviewer.pk})).status_code == 404


def test_the_tester_list_filters_by_cohort_and_links_from_the_cohorts_page(as_admin, artist, red_teamer, cohort):
    response = as_admin.get(reverse("showcase:staff_tester_list"), {"cohort": cohort.pk})

    assert [m.user for m in response.context["page"]] == [artist]
    cohorts = as_admin.get(reverse("accessprogram:cohort_list")).content.decode()
    assert f"{reverse('showcase:staff_tester_list')}?cohort={cohort.pk}" in cohorts
    assert as_admin.get(reverse("showcase:staff_tester_list"), {"cohort": "x", "q": "a" * 500}).status_code == 200


@pytest.fixture
def approved(artist, demo_generation_model, reviewer):
    from review.services.reviews import review_decide

    output = make_output(artist, demo_generation_model)
    review_decide(actor=Actor(user=reviewer), output=output, decision="approve")
    return output


def licence_form(**fields):
    today = timezone.localdate()
    return {
        "use": "The spring campaign",
        "term_start": today.isoformat(),
        "term_end": (today + timedelta(days=90)).isoformat(),
        "fee_minor": 15000,
        "currency": "EUR",
        "respond_by": "",
    } | fields


def test_an_admin_starts_a_licence_request_from_the_outputs_review_page(as_admin, approved, artist):
    item = as_admin.get(reverse("review:review_item", kwargs={"output_id": approved.pk})).content.decode()
    start = reverse("showcase:staff_licence_for_output", kwargs={"output_id": approved.pk})
    assert start in item

    response = as_admin.post(start, licence_form())

    assert response.status_code == 302
    assert response["Location"] == reverse("review:review_item", kwargs={"output_id": approved.pk})
    licence = LicenceRequest.objects.get()
    assert (licence.output, licence.tester, licence.fee_minor) == (approved, artist, 15000)
    assert AuditEvent.objects.filter(action__startswith="licence.").exists()


def test_the_licence_button_is_for_admins_and_approved_outputs_only(as_admin, as_reviewer, approved, artist_output):
    start = reverse("showcase:staff_licence_for_output", kwargs={"output_id": approved.pk})
    assert (
        start not in as_reviewer.get(reverse("review:review_item", kwargs={"output_id": approved.pk})).content.decode()
    )
    pending = as_admin.get(reverse("review:review_item", kwargs={"output_id": artist_output.pk})).content.decode()
    assert "once the output is approved" in pending

    response = as_admin.post(
        reverse("showcase:staff_licence_for_output", kwargs={"output_id": artist_output.pk}), licence_form()
    )

    assert response.status_code == 409 and not LicenceRequest.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"use": ""}, "use"),
        ({"fee_minor": 0}, "fee_minor"),
        ({"currency": "E1"}, "currency"),
        ({"term_end": "2000-01-01"}, "term_end"),
    ],
)
def test_a_bad_licence_request_is_a_form_error(as_admin, approved, fields, field):
    response = as_admin.post(
        reverse("showcase:staff_licence_for_output", kwargs={"output_id": approved.pk}), licence_form(**fields)
    )

    assert response.status_code == 400 and response.context["form"].errors[field]
    assert not LicenceRequest.objects.exists()
