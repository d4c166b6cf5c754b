"""The whole way in, with the Django test client: invitation, sign-up, NDA, dashboard, and the audit trail."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accessprogram.models import AuditEvent, Invitation, Membership, NdaAcceptance, User
from tests.accessprogram.helpers import invitation_path, signup_data

NEWCOMER = "noor@vernissage.test"


def test_an_invited_artist_signs_up_signs_the_nda_and_reaches_the_dashboard(
    as_admin, cohort, nda, mailoutbox, django_capture_on_commit_callbacks
):
    first_event = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()

    # Given an admin invites an artist through the staff page
    with django_capture_on_commit_callbacks(execute=True):
        response = as_admin.post(
            reverse("accessprogram:invitation_list"),
            {"email": NEWCOMER, "role": "artist", "cohort": cohort.pk, "expires_in_days": 7},
        )
    assert response.status_code == 302
    assert [m.to for m in mailoutbox] == [[NEWCOMER]]
    link = invitation_path(mailoutbox[0])

    # When the newcomer opens the link, sign-up opens with the invited address filled in
    visitor = Client()
    response = visitor.get(link)
    assert response.status_code == 302 and response["Location"] == reverse("account_signup")
    signup_page = visitor.get(reverse("account_signup"))
    assert signup_page.status_code == 200
    assert signup_page.context["form"]["email"].value() == NEWCOMER

    # And they sign up
    response = visitor.post(reverse("account_signup"), signup_data(NEWCOMER, full_name="Noor Newcomer"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accessprogram:dashboard")

    # Then the account exists, bound to the invitation, with a verified address and an artist membership
    user = User.objects.get(email=NEWCOMER)
    assert user.full_name == "Noor Newcomer"
    assert EmailAddress.objects.filter(user=user, email=NEWCOMER, verified=True, primary=True).exists()
    membership = Membership.objects.get(user=user)
    assert (membership.cohort, membership.kind, membership.status) == (cohort, "artist", "active")
    invitation = Invitation.objects.get(email=NEWCOMER)
    assert invitation.status == Invitation.Status.ACCEPTED and invitation.accepted_user == user

    # And the dashboard sends them to the NDA first
    response = visitor.get(reverse("accessprogram:dashboard"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accessprogram:nda"))

    # When they sign it
    response = visitor.post(
        reverse("accessprogram:nda"),
        {
            "typed_name": "Noor Newcomer",
            "shown_sha256": nda.text_sha256,
            "clause_confidentiality": "on",
            "clause_discuss-terms": "on",
        },
    )
    assert response.status_code == 302

    # Then the dashboard opens
    assert visitor.get(reverse("accessprogram:dashboard")).status_code == 200
    assert NdaAcceptance.objects.filter(user=user, nda=nda).exists()

    # And the audit log tells the story in order, with an intact chain
    actions = list(
        AuditEvent.objects.filter(id__gt=first_event or 0)
        .filter(action__in=["invitation.created", "invitation.accepted", "nda.accepted"])
        .order_by("id")
        .values_list("action", "actor_label")
    )
    assert actions == [
        ("invitation.created", "ada@vernissage.test"),
        ("invitation.accepted", NEWCOMER),
        ("nda.accepted", NEWCOMER),
    ]
    call_command("verify_audit")


def test_an_invited_reviewer_becomes_staff_without_a_membership(
    as_admin, nda, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        as_admin.post(
            reverse("accessprogram:invitation_list"),
            {"email": "rev@vernissage.test", "role": "reviewer", "expires_in_days": 7},
        )
    visitor = Client()
    visitor.get(invitation_path(mailoutbox[0]))

    response = visitor.post(reverse("account_signup"), signup_data("rev@vernissage.test", full_name="Rev Iewer"))

    assert response.status_code == 302
    user = User.objects.get(email="rev@vernissage.test")
    assert user.is_staff and user.is_reviewer and not user.is_program_admin
    assert not Membership.objects.filter(user=user).exists()
    # Staff must enrol TOTP before anything else.
    response = visitor.get(reverse("accessprogram:dashboard"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("mfa_activate_totp"))
