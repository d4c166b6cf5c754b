"""The portal shell: one dashboard per role, navigation per role, flash messages."""

from __future__ import annotations

import re

from django.urls import reverse

STAFF_LINKS = (
    "accessprogram:invitation_list",
    "accessprogram:cohort_list",
    "accessprogram:nda_admin_list",
    "accessprogram:audit_list",
    "admin:index",
)


def _nav(response) -> str:
    match = re.search(r'<nav aria-label="Main">(.*?)</nav>', response.content.decode(), re.S)
    assert match, "the page has no main navigation"
    return match.group(1)


def test_the_tester_dashboard_shows_membership_and_agreements(as_artist, artist, cohort, nda):
    response = as_artist.get(reverse("accessprogram:dashboard"))

    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "accessprogram/dashboard_tester.html"
    page = response.content.decode()
    assert "Welcome, Aiko Artist" in page and cohort.name in page
    assert f"{nda.title} v{nda.version}" in page
    nav = _nav(response)
    assert f'href="{reverse("accessprogram:nda")}"' in nav
    assert not any(f'href="{reverse(name)}"' in nav for name in STAFF_LINKS)


def test_the_reviewer_dashboard_has_no_admin_navigation(as_reviewer):
    response = as_reviewer.get(reverse("accessprogram:dashboard"))

    assert response.status_code == 200
    # The review app's panels are rendered first (the dashboard_panels hook), then the page around them.
    assert response.templates[0].name == "review/_dashboard.html"
    assert "accessprogram/dashboard_reviewer.html" in [t.name for t in response.templates]
    nav = _nav(response)
    assert not any(f'href="{reverse(name)}"' in nav for name in STAFF_LINKS)


def test_the_admin_dashboard_shows_the_program_and_staff_navigation(as_admin, artist, unsigned_tester, cohort):
    response = as_admin.get(reverse("accessprogram:dashboard"))

    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "accessprogram/dashboard_admin.html"
    assert response.context["active_testers"] == 2
    assert response.context["signed_current"] == 1
    nav = _nav(response)
    assert all(f'href="{reverse(name)}"' in nav for name in STAFF_LINKS)
    assert "invitation.accepted" in response.content.decode()


def test_a_saved_form_flashes_a_message(as_admin, cohort):
    response = as_admin.post(
        reverse("accessprogram:cohort_edit", args=[cohort.pk]),
        {
            "name": cohort.name,
            "quota_period": "day",
            "quota_unit": "gpu_seconds",
            "quota_amount": 10,
            "max_active_jobs": 1,
            "max_duration_seconds": 1,
            "max_resolution": "480p",
            "approvals_required": 1,
            "is_active": "on",
        },
        follow=True,
    )

    assert f"Cohort “{cohort.name}” saved." in response.content.decode()
    assert '<div role="status"><ul class="messages">' in response.content.decode()


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    response = client.get(reverse("accessprogram:dashboard"))

    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def test_form_fields_have_labels(as_admin):
    page = as_admin.get(reverse("accessprogram:invitation_list")).content.decode()

    inputs = re.findall(r'<(?:input|select|textarea)\b[^>]*\bid="([^"]+)"', page)
    hidden = set(re.findall(r'<input\b[^>]*type="hidden"[^>]*\bid="([^"]+)"', page))
    assert inputs
    for field_id in set(inputs) - hidden:
        assert f'<label for="{field_id}"' in page, f"no label for #{field_id}"
