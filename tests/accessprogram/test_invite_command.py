"""manage.py invite EMAIL --role ROLE --cohort NAME."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from accessprogram.models import AuditEvent, Invitation
from tests.accessprogram.helpers import invitation_path, path_of


def _invite(*args, mail_callbacks) -> str:
    out = StringIO()
    with mail_callbacks(execute=True):
        call_command("invite", *args, stdout=out)
    return out.getvalue().strip()


def test_it_prints_a_working_link_and_mails_it(cohort, mailoutbox, django_capture_on_commit_callbacks):
    link = _invite(
        "noor@vernissage.test",
        "--role",
        "artist",
        "--cohort",
        "founding ARTISTS",
        mail_callbacks=django_capture_on_commit_callbacks,
    )

    assert link.startswith("http") and "/invite/" in link
    assert invitation_path(mailoutbox[0]) == path_of(link)
    invitation = Invitation.objects.get(email="noor@vernissage.test")
    assert invitation.cohort == cohort and invitation.role == "artist" and invitation.invited_by is None
    assert Client().get(path_of(link))["Location"] == reverse("account_signup")
    assert AuditEvent.objects.filter(action="invitation.created", actor_label="system").exists()


def test_it_can_only_print_the_link(cohort, mailoutbox, django_capture_on_commit_callbacks):
    link = _invite(
        "quiet@vernissage.test",
        "--role",
        "red_teamer",
        "--cohort",
        cohort.name,
        "--no-email",
        mail_callbacks=django_capture_on_commit_callbacks,
    )

    assert "/invite/" in link
    assert mailoutbox == []


def test_it_invites_staff_without_a_cohort(db, django_capture_on_commit_callbacks):
    _invite("staff@vernissage.test", "--role", "reviewer", mail_callbacks=django_capture_on_commit_callbacks)

    assert Invitation.objects.get(email="staff@vernissage.test").cohort is None


def test_it_refuses_an_unknown_cohort(cohort):
    with pytest.raises(CommandError, match="No cohort named “Nowhere”.*Founding artists"):
        call_command("invite", "noor@vernissage.test", "--role", "artist", "--cohort", "Nowhere")
    assert not Invitation.objects.filter(email="noor@vernissage.test").exists()


def test_it_refuses_a_tester_without_a_cohort(db):
    with pytest.raises(CommandError, match="cohort"):
        call_command("invite", "noor@vernissage.test", "--role", "artist")


def test_it_refuses_a_bad_email(cohort):
    with pytest.raises(CommandError, match="not a valid e-mail"):
        call_command("invite", "nope", "--role", "artist", "--cohort", cohort.name)


def test_it_refuses_an_unknown_role(cohort):
    with pytest.raises(CommandError, match="role"):
        call_command("invite", "noor@vernissage.test", "--role", "wizard", "--cohort", cohort.name)


def test_it_refuses_an_expiry_out_of_range(cohort):
    with pytest.raises(CommandError, match="between 1 and 90 days"):
        call_command("invite", "noor@vernissage.test", "--role", "artist", "--cohort", cohort.name, "--days", "0")
