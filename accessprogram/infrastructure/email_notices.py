"""E-mail notices to members and admins: rendered from a plain-text template, sent once the transaction that
caused them commits (a rolled-back action sends nothing)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string

from accessprogram.models import User
from accessprogram.models.users import ROLE_GROUPS, Role


def send_notice(*, subject: str, template: str, recipients: list[str], context: dict) -> None:
    if not recipients:
        return
    body = render_to_string(template, {"program_name": settings.PROGRAM_NAME, "site_url": settings.SITE_URL, **context})
    transaction.on_commit(
        lambda: send_mail(
            subject=f"[{settings.PROGRAM_NAME}] {subject}", message=body, from_email=None, recipient_list=recipients
        )
    )


def program_admin_emails() -> list[str]:
    admins = User.objects.filter(is_active=True).filter(
        Q(is_superuser=True) | Q(groups__name=ROLE_GROUPS[Role.PROGRAM_ADMIN])
    )
    return sorted(set(admins.values_list("email", flat=True)))
