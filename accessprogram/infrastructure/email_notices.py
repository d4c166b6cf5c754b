"""E-mail notices to members and admins: rendered from a plain-text template, sent once the transaction that
caused them commits (a rolled-back action sends nothing)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail, send_mass_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string

from accessprogram.localization import speaking_to
from accessprogram.models import User
from accessprogram.models.users import ROLE_GROUPS, Role


def _readers(recipients: list[str]) -> list[tuple[User | None, list[str]]]:
    """The recipients grouped by the language and time zone they read in (an address with no account: defaults)."""
    users = {user.email: user for user in User.objects.filter(email__in=recipients)}
    groups: dict[tuple[str, str], tuple[User | None, list[str]]] = {}
    for email in recipients:
        user = users.get(email)
        key = (user.language, user.time_zone) if user is not None else ("", "UTC")
        groups.setdefault(key, (user, []))[1].append(email)
    return list(groups.values())


def send_notice(*, subject: str, template: str, recipients: list[str], context: dict, separately: bool = False) -> None:
    """Send one notice, written in each recipient's language with times in their zone.

    Pass `subject` as a lazy translation (gettext_lazy) so that it, too, is in the recipient's language.
    `separately` sends each address its own message, so testers never see each other's addresses.
    """
    if not recipients:
        return
    for reader, addresses in _readers(recipients):
        with speaking_to(reader):
            body = render_to_string(
                template, {"program_name": settings.PROGRAM_NAME, "site_url": settings.SITE_URL, **context}
            )
            title = str(subject)
        title = f"[{settings.PROGRAM_NAME}] {title}"
        if separately:
            messages = [(title, body, None, [address]) for address in addresses]
            transaction.on_commit(lambda messages=messages: send_mass_mail(messages))
        else:
            transaction.on_commit(
                lambda title=title, body=body, addresses=addresses: send_mail(
                    subject=title, message=body, from_email=None, recipient_list=addresses
                )
            )


def program_admin_emails() -> list[str]:
    admins = User.objects.filter(is_active=True).filter(
        Q(is_superuser=True) | Q(groups__name=ROLE_GROUPS[Role.PROGRAM_ADMIN])
    )
    return sorted(set(admins.values_list("email", flat=True)))
