"""Small helpers the accessprogram tests share: reading invitation links out of e-mails and issued invitations."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from django.core.mail import EmailMessage

_LINK = re.compile(r"https?://\S+/invite/[\w-]+/")


def invitation_path(message: EmailMessage) -> str:
    """The path of the single invitation link in an e-mail (the test client needs no host)."""
    links = _LINK.findall(message.body)
    assert len(links) == 1, f"expected one invitation link in:\n{message.body}"
    return urlsplit(links[0]).path


def path_of(link: str) -> str:
    return urlsplit(link).path


SIGNUP_PASSWORD = "a-long-unusual-passphrase-42"


def signup_data(email: str, *, full_name: str = "Noor Newcomer") -> dict:
    """The allauth sign-up form, filled in."""
    return {"email": email, "password1": SIGNUP_PASSWORD, "password2": SIGNUP_PASSWORD, "full_name": full_name}
