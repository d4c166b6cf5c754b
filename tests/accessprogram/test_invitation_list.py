"""The staff invitations page: invite one person, resend, revoke; and the one-pending-invitation rule."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accessprogram.models import AuditEvent, Invitation, User
from accessprogram.services.context import Actor
from accessprogram.services.invitations import invitation_create
from tests.accessprogram.helpers import invitation_path, path_of, signup_data

URL = reverse("accessprogram:invitation_list")


def _invite(client, mail_callbacks, **fields):
    data = {"email": "noor@vernissage.test", "role": "artist", "expires_in_days": 14, **fields}
    with mail_callbacks(execute=True):
        return client.post(URL, data)


def test_it_lists_invitations_for_admins(as_admin, cohort):
    invitation_create(actor=Actor.system(), email="listed@vernissage.test", role="artist", cohort=cohort, send=False)

    response = as_admin.get(URL)

    assert response.status_code == 200
    assert "listed@vernissage.test" in response.content.decode()


def test_it_filters_invitations_by_status_and_email(as_admin, cohort):
    invitation_create(actor=Actor.system(), email="keep@vernissage.test", role="artist", cohort=cohort, send=False)
    invitation_create(actor=Actor.system(), email="other@vernissage.test", role="artist", cohort=cohort, send=False)

    response = as_admin.get(URL, {"status": "pending", "q": "keep"})

    emails = [i.email for i in response.context["page"].object_list]
    assert emails == ["keep@vernissage.test"]


def test_it_refuses_non_admins(as_reviewer, as_artist, cohort):
    for client in (as_reviewer, as_artist):
        response = client.post(
            URL, {"email": "x@vernissage.test", "role": "artist", "cohort": cohort.pk, "expires_in_days": 14}
        )
        assert response.status_code == 403
    assert not Invitation.objects.filter(email="x@vernissage.test").exists()


def test_it_invites_a_tester_into_a_cohort_and_audits_it(
    as_admin, cohort, mailoutbox, django_capture_on_commit_callbacks
):
    response = _invite(as_admin, django_capture_on_commit_callbacks, cohort=cohort.pk, role="red_teamer")

    assert response.status_code == 302
    invitation = Invitation.objects.get(email="noor@vernissage.test")
    assert (invitation.role, invitation.cohort, invitation.status, invitation.sent_count) == (
        "red_teamer",
        cohort,
        "pending",
        1,
    )
    assert len(mailoutbox) == 1 and "/invite/" in mailoutbox[0].body
    event = AuditEvent.objects.filter(action="invitation.created").latest("id")
    assert event.target_id == str(invitation.pk) and event.actor_label == "ada@vernissage.test"


@pytest.mark.parametrize("role", ["reviewer", "admin"])
def test_it_invites_staff_without_a_cohort(as_admin, role, mailoutbox, django_capture_on_commit_callbacks):
    response = _invite(as_admin, django_capture_on_commit_callbacks, email="staff@vernissage.test", role=role)

    assert response.status_code == 302
    invitation = Invitation.objects.get(email="staff@vernissage.test")
    assert invitation.role == role and invitation.cohort is None
    assert len(mailoutbox) == 1


def test_it_refuses_a_tester_invitation_without_a_cohort(as_admin, mailoutbox, django_capture_on_commit_callbacks):
    response = _invite(as_admin, django_capture_on_commit_callbacks, role="artist")

    assert response.status_code == 400
    assert response.context["form"].errors["cohort"] == ["Testers must be invited into a cohort."]
    assert not Invitation.objects.filter(email="noor@vernissage.test").exists()
    assert mailoutbox == []


def test_it_refuses_a_second_pending_invitation_for_the_same_email_and_cohort(
    as_admin, cohort, mailoutbox, django_capture_on_commit_callbacks
):
    _invite(as_admin, django_capture_on_commit_callbacks, cohort=cohort.pk)

    response = _invite(as_admin, django_capture_on_commit_callbacks, email="NOOR@vernissage.test", cohort=cohort.pk)

    assert response.status_code == 409
    assert "already has a pending invitation" in response.context["form"].errors["email"][0]
    assert Invitation.objects.filter(email="noor@vernissage.test").count() == 1
    assert len(mailoutbox) == 1


def test_it_refuses_to_invite_an_existing_account(as_admin, artist, cohort, django_capture_on_commit_callbacks):
    response = _invite(as_admin, django_capture_on_commit_callbacks, email=artist.email.upper(), cohort=cohort.pk)

    assert response.status_code == 409
    assert "already has an account" in response.context["form"].errors["email"][0]


@pytest.mark.parametrize("days", [0, -1, 91, "soon"])
def test_it_refuses_an_expiry_out_of_range(as_admin, cohort, days, django_capture_on_commit_callbacks):
    response = _invite(as_admin, django_capture_on_commit_callbacks, cohort=cohort.pk, expires_in_days=days)

    assert response.status_code == 400
    assert "expires_in_days" in response.context["form"].errors
    assert not Invitation.objects.filter(email="noor@vernissage.test").exists()


@pytest.mark.parametrize("email", ["not-an-email", "", "a@b@c"])
def test_it_refuses_a_bad_email(as_admin, cohort, email, django_capture_on_commit_callbacks):
    response = _invite(as_admin, django_capture_on_commit_callbacks, email=email, cohort=cohort.pk)

    assert response.status_code == 400
    assert "email" in response.context["form"].errors


def test_resend_rotates_the_link(as_admin, cohort, mailoutbox, django_capture_on_commit_callbacks):
    _invite(as_admin, django_capture_on_commit_callbacks, cohort=cohort.pk)
    invitation = Invitation.objects.get(email="noor@vernissage.test")
    old_link = invitation_path(mailoutbox[0])

    with django_capture_on_commit_callbacks(execute=True):
        response = as_admin.post(reverse("accessprogram:invitation_resend", args=[invitation.pk]))

    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.sent_count == 2
    new_link = invitation_path(mailoutbox[1])
    assert new_link != old_link
    assert Client().get(old_link).status_code == 410
    visitor = Client()
    assert visitor.get(new_link)["Location"] == reverse("account_signup")
    assert visitor.post(reverse("account_signup"), signup_data("noor@vernissage.test")).status_code == 302
    assert User.objects.filter(email="noor@vernissage.test").exists()
    assert AuditEvent.objects.filter(action="invitation.resent", target_id=str(invitation.pk)).exists()


def test_resend_revives_an_expired_invitation(as_admin, cohort, mailoutbox, django_capture_on_commit_callbacks):
    issued = invitation_create(
        actor=Actor.system(), email="late@vernissage.test", role="artist", cohort=cohort, send=False
    )
    Invitation.objects.filter(pk=issued.invitation.pk).update(status="expired", expires_at=timezone.now())

    with django_capture_on_commit_callbacks(execute=True):
        as_admin.post(reverse("accessprogram:invitation_resend", args=[issued.invitation.pk]))

    issued.invitation.refresh_from_db()
    assert issued.invitation.status == "pending" and issued.invitation.expires_at > timezone.now()
    assert Client().get(invitation_path(mailoutbox[0]))["Location"] == reverse("account_signup")


def test_resend_of_an_accepted_invitation_is_refused_with_a_message(as_admin, artist, mailoutbox):
    accepted = Invitation.objects.get(email=artist.email)

    response = as_admin.post(reverse("accessprogram:invitation_resend", args=[accepted.pk]), follow=True)

    assert response.status_code == 200
    assert "cannot be resent" in response.content.decode()
    assert mailoutbox == []


def test_revoke_kills_the_link_and_is_audited(as_admin, cohort):
    issued = invitation_create(
        actor=Actor.system(), email="gone@vernissage.test", role="artist", cohort=cohort, send=False
    )

    response = as_admin.post(reverse("accessprogram:invitation_revoke", args=[issued.invitation.pk]))

    assert response.status_code == 302
    issued.invitation.refresh_from_db()
    assert issued.invitation.status == "revoked" and issued.invitation.revoked_at is not None
    assert Client().get(path_of(issued.link)).status_code == 410
    assert AuditEvent.objects.filter(action="invitation.revoked", target_id=str(issued.invitation.pk)).exists()


def test_revoke_of_an_accepted_invitation_is_refused(as_admin, artist):
    accepted = Invitation.objects.get(email=artist.email)

    response = as_admin.post(reverse("accessprogram:invitation_revoke", args=[accepted.pk]), follow=True)

    assert "already accepted" in response.content.decode()
    assert Invitation.objects.get(pk=accepted.pk).status == "accepted"


def test_resend_and_revoke_need_post(as_admin, cohort):
    issued = invitation_create(
        actor=Actor.system(), email="get@vernissage.test", role="artist", cohort=cohort, send=False
    )

    assert as_admin.get(reverse("accessprogram:invitation_resend", args=[issued.invitation.pk])).status_code == 405
    assert as_admin.get(reverse("accessprogram:invitation_revoke", args=[issued.invitation.pk])).status_code == 405


def test_resend_and_revoke_of_an_unknown_invitation_is_404(as_admin):
    assert as_admin.post(reverse("accessprogram:invitation_resend", args=[999999])).status_code == 404
    assert as_admin.post(reverse("accessprogram:invitation_revoke", args=[999999])).status_code == 404


def test_the_database_allows_one_pending_invitation_per_email_and_cohort(cohort):
    invitation_create(actor=Actor.system(), email="twice@vernissage.test", role="artist", cohort=cohort, send=False)

    with pytest.raises(IntegrityError), transaction.atomic():
        Invitation.objects.create(
            email="twice@vernissage.test",
            role="artist",
            cohort=cohort,
            token_hash="f" * 64,
            expires_at=timezone.now(),
        )


def test_the_database_allows_one_pending_staff_invitation_per_email(db):
    invitation_create(actor=Actor.system(), email="staff@vernissage.test", role="reviewer", cohort=None, send=False)

    with pytest.raises(IntegrityError), transaction.atomic():
        Invitation.objects.create(
            email="staff@vernissage.test", role="admin", cohort=None, token_hash="e" * 64, expires_at=timezone.now()
        )


def test_the_database_refuses_a_tester_invitation_without_a_cohort(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        Invitation.objects.create(
            email="t@vernissage.test", role="artist", cohort=None, token_hash="d" * 64, expires_at=timezone.now()
        )


def test_the_same_email_may_be_pending_in_two_cohorts(cohort, other_cohort):
    invitation_create(actor=Actor.system(), email="both@vernissage.test", role="artist", cohort=cohort, send=False)
    invitation_create(
        actor=Actor.system(), email="both@vernissage.test", role="artist", cohort=other_cohort, send=False
    )

    assert Invitation.objects.filter(email="both@vernissage.test", status="pending").count() == 2
