"""The staff cohorts page: create and edit cohorts and their limits; every change is audited."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accessprogram.models import AuditEvent, Cohort

LIST = reverse("accessprogram:cohort_list")

COHORT = {
    "name": "Night shift",
    "description": "Artists in other time zones.",
    "is_active": "on",
    "quota_period": "week",
    "quota_unit": "video_seconds",
    "quota_amount": 600,
    "max_active_jobs": 2,
    "max_duration_seconds": 8,
    "max_resolution": "1080p",
    "approvals_required": 1,
}


def test_it_lists_cohorts_with_their_testers(as_admin, artist, artist2, cohort):
    response = as_admin.get(LIST)

    assert response.status_code == 200
    counts = {c.name: c.testers for c in response.context["cohorts"]}
    assert counts[cohort.name] == 2


def test_an_admin_creates_a_cohort_and_it_is_audited(as_admin):
    response = as_admin.post(LIST, COHORT)

    assert response.status_code == 302 and response["Location"] == LIST
    cohort = Cohort.objects.get(name="Night shift")
    assert (cohort.quota_period, cohort.quota_unit, cohort.quota_amount, cohort.max_resolution) == (
        "week",
        "video_seconds",
        600,
        "1080p",
    )
    event = AuditEvent.objects.filter(action="cohort.created").latest("id")
    assert event.target_id == str(cohort.pk) and event.actor_label == "ada@vernissage.test"
    assert event.details["quota_amount"] == 600 and event.details["name"] == "Night shift"


def test_an_admin_edits_a_cohort_and_the_audit_names_what_changed(as_admin, cohort):
    response = as_admin.post(
        reverse("accessprogram:cohort_edit", args=[cohort.pk]), {**COHORT, "name": cohort.name, "is_active": ""}
    )

    assert response.status_code == 302
    cohort.refresh_from_db()
    assert not cohort.is_active and cohort.max_resolution == "1080p"
    event = AuditEvent.objects.filter(action="cohort.updated").latest("id")
    assert event.target_id == str(cohort.pk)
    assert "name" not in event.details
    assert event.details["is_active"] is False and event.details["max_duration_seconds"] == 8


def test_the_edit_page_shows_the_cohort(as_admin, cohort):
    response = as_admin.get(reverse("accessprogram:cohort_edit", args=[cohort.pk]))

    assert response.status_code == 200
    assert response.context["form"]["name"].value() == cohort.name


@pytest.mark.parametrize("name", ["Founding artists", "FOUNDING ARTISTS"])
def test_it_refuses_a_duplicate_name(as_admin, cohort, name):
    before = AuditEvent.objects.count()

    response = as_admin.post(LIST, {**COHORT, "name": name})

    assert response.status_code == 400
    assert response.context["form"].errors["name"]
    assert Cohort.objects.filter(name__iexact=name).count() == 1
    assert AuditEvent.objects.count() == before


def test_it_refuses_renaming_onto_another_cohort(as_admin, cohort, other_cohort):
    response = as_admin.post(
        reverse("accessprogram:cohort_edit", args=[other_cohort.pk]), {**COHORT, "name": "founding artists"}
    )

    assert response.status_code == 400
    other_cohort.refresh_from_db()
    assert other_cohort.name == "Red team"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", ""),
        ("quota_amount", "-5"),
        ("max_active_jobs", "0"),
        ("max_duration_seconds", "0"),
        ("max_resolution", "8k"),
        ("quota_period", "fortnight"),
        ("quota_unit", "pixels"),
    ],
)
def test_it_refuses_bad_limits(as_admin, field, value):
    response = as_admin.post(LIST, {**COHORT, field: value})

    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not Cohort.objects.filter(name=COHORT["name"]).exists()


def test_an_unknown_cohort_is_404(as_admin):
    assert as_admin.get(reverse("accessprogram:cohort_edit", args=[999999])).status_code == 404


def test_non_admins_cannot_create_or_edit(as_reviewer, as_artist, cohort):
    for client in (as_reviewer, as_artist):
        assert client.post(LIST, COHORT).status_code == 403
        assert (
            client.post(
                reverse("accessprogram:cohort_edit", args=[cohort.pk]), {**COHORT, "name": "Hijacked"}
            ).status_code
            == 403
        )
    assert not Cohort.objects.filter(name__in=["Night shift", "Hijacked"]).exists()
