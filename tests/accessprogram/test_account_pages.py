"""Sign-in and sign-up say the same thing: the program is invitation-only, and an invitation names what it opens."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext_noop

from accessprogram.services.context import Actor
from accessprogram.services.invitations import invitation_create
from accessprogram.services.notifications import notify
from tests.accessprogram.helpers import invitation_path, path_of

ROOT = Path(__file__).resolve().parents[2]


def test_the_sign_in_page_says_the_program_is_invitation_only(db):
    page = Client().get(reverse("account_login")).content.decode()

    assert "invitation-only" in page and "invitation e-mail" in page
    assert reverse("account_signup") not in page and "sign up" not in page.lower()


def test_sign_up_without_an_invitation_says_invitation_only(db):
    page = Client().get(reverse("account_signup")).content.decode()

    assert "Invitation only" in page and "Sign Up Closed" not in page


def test_the_invitation_page_names_program_cohort_role_and_inviter_with_a_fixed_address(admin_user, cohort):
    issued = invitation_create(
        actor=Actor(user=admin_user), email="noor@vernissage.test", role="artist", cohort=cohort, send=False
    )
    client = Client()
    client.get(path_of(issued.link))

    page = client.get(reverse("account_signup")).content.decode()

    for shown in (cohort.program.name, cohort.name, "Artist", admin_user.display_name):
        assert f"<dd>{shown}</dd>" in page, shown
    assert f"{admin_user.display_name} invited you" in page
    email_input = page.split('name="email"', 1)[1].split(">", 1)[0]
    assert "readonly" in email_input and 'value="noor@vernissage.test"' in email_input


def test_invitation_and_notification_links_follow_the_site_url(
    settings, admin_user, artist, cohort, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "http://192.0.2.7:9123"

    with django_capture_on_commit_callbacks(execute=True):
        invitation_create(actor=Actor(user=admin_user), email="noor@vernissage.test", role="artist", cohort=cohort)
        notify(user=artist, kind="ledger_status", title=gettext_noop("Your ledger changed"), link="/ledger/")

    invitation, notice = mail.outbox
    assert f"http://192.0.2.7:9123{invitation_path(invitation)}" in invitation.body
    assert "http://192.0.2.7:9123/ledger/" in notice.body and "http://192.0.2.7:9123/notifications/" in notice.body


def test_make_run_serves_and_links_at_the_same_address():
    """`make run ADDR=host:port` gives the site and its worker SITE_URL=http://host:port (unless SITE_URL is set)."""

    without_site_url = {name: value for name, value in os.environ.items() if name != "SITE_URL"}

    def planned(*args: str) -> list[str]:
        result = subprocess.run(  # noqa: S603 -- make, printing (-n) this project's own recipe
            [shutil.which("make"), "-n", "run", *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
            env=without_site_url,
        )
        return [line for line in result.stdout.splitlines() if "runserver" in line or "celery" in line]

    lines = planned("ADDR=192.0.2.7:9123")
    assert len(lines) == 2 and all("SITE_URL=http://192.0.2.7:9123 " in line for line in lines)
    assert lines[-1].endswith("runserver 192.0.2.7:9123")
    assert all("SITE_URL=http://127.0.0.1:9000 " in line for line in planned("ADDR=9000"))
    assert all(
        "SITE_URL=https://vernissage.example " in line for line in planned("SITE_URL=https://vernissage.example")
    )
