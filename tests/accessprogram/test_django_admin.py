"""The Django admin: program admins read freely; no account can be created there; writes go through services."""

from __future__ import annotations

from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from accessprogram.models import AuditEvent, User


def test_program_admins_browse_the_admin(as_admin, artist):
    assert as_admin.get(reverse("admin:index")).status_code == 200
    assert as_admin.get(reverse("admin:accessprogram_user_changelist")).status_code == 200
    assert as_admin.get(reverse("admin:accessprogram_user_change", args=[artist.pk])).status_code == 200
    assert as_admin.get(reverse("admin:accessprogram_auditevent_changelist")).status_code == 200


def test_no_account_can_be_added_through_the_admin(as_admin):
    before = User.objects.count()

    page = as_admin.get(reverse("admin:accessprogram_user_add"))
    post = as_admin.post(
        reverse("admin:accessprogram_user_add"),
        {"email": "sneaky@vernissage.test", "password1": "x" * 20, "password2": "x" * 20},
    )

    assert page.status_code == 403 and post.status_code == 403
    assert User.objects.count() == before


def test_accounts_cannot_be_edited_or_deleted_through_the_admin(as_admin, artist):
    post = as_admin.post(
        reverse("admin:accessprogram_user_change", args=[artist.pk]),
        {"email": "renamed@vernissage.test", "is_superuser": "on"},
    )
    delete = as_admin.post(reverse("admin:accessprogram_user_delete", args=[artist.pk]), {"post": "yes"})

    assert post.status_code == 403 and delete.status_code == 403
    artist.refresh_from_db()
    assert artist.email == "aiko@vernissage.test" and not artist.is_superuser


def test_the_audit_log_cannot_be_changed_through_the_admin(as_admin, artist):
    event = AuditEvent.objects.latest("id")

    assert as_admin.get(reverse("admin:accessprogram_auditevent_add")).status_code == 403
    assert (
        as_admin.post(reverse("admin:accessprogram_auditevent_delete", args=[event.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_the_make_reviewer_action_goes_through_the_audited_service(as_admin, artist):
    response = as_admin.post(
        reverse("admin:accessprogram_user_changelist"),
        {"action": "make_reviewer", ACTION_CHECKBOX_NAME: [artist.pk]},
    )

    assert response.status_code == 302
    artist.refresh_from_db()
    assert artist.is_reviewer
    assert AuditEvent.objects.filter(action="user.roles_changed", target_id=str(artist.pk)).exists()


def test_a_cohort_saved_in_the_admin_is_audited(as_admin, cohort):
    response = as_admin.post(
        reverse("admin:accessprogram_cohort_change", args=[cohort.pk]),
        {
            "name": cohort.name,
            "description": "",
            "is_active": "",
            "quota_period": "day",
            "quota_unit": "gpu_seconds",
            "quota_amount": 100,
            "max_active_jobs": 2,
            "max_duration_seconds": 4,
            "max_resolution": "480p",
            "approvals_required": 1,
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    cohort.refresh_from_db()
    assert not cohort.is_active and cohort.quota_amount == 100
    event = AuditEvent.objects.filter(action="cohort.updated").latest("id")
    assert event.details["is_active"] is False and event.details["quota_amount"] == 100


def test_reviewers_and_testers_cannot_reach_the_admin(as_reviewer, as_artist):
    for client in (as_reviewer, as_artist):
        response = client.get(reverse("admin:accessprogram_user_changelist"))
        assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))
