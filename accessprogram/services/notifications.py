"""Telling members what happened to them: a row in their notification centre and, as they prefer, an e-mail.

Every app may call `notify` (this is the lowest layer). Call it inside the transaction of the event it
announces: a rolled-back event leaves no notification, and the e-mail leaves only once that transaction commits.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone, translation
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext

from accessprogram.errors import DomainError
from accessprogram.infrastructure.email_notices import send_notice
from accessprogram.models import ALWAYS_EMAILED, Notification, NotificationKind, User
from accessprogram.models.notifications import render_message

TEMPLATE = "accessprogram/email/notification.txt"


def _stored_params(params: dict) -> dict:
    """Parameters as JSON: a lazy translation (a status's label) keeps its message id, to translate when read."""
    stored = {}
    for key, value in params.items():
        if isinstance(value, Promise):
            with translation.override(None):
                stored[key] = {"msgid": str(value)}
        else:
            stored[key] = value if isinstance(value, int | float) else str(value)
    return stored


def wants_email(user: User, kind: str) -> bool:
    return kind in ALWAYS_EMAILED or kind not in (user.email_muted_kinds or [])


@transaction.atomic
def notify_each(
    *,
    users: Iterable[User],
    kind: str,
    title: str,
    body: str = "",
    params: dict | None = None,
    link: str = "",
    email_template: str = TEMPLATE,
    email_context: dict | None = None,
) -> list[Notification]:
    """Notify several people of the same event: one row each, one e-mail each (to those who want it).

    `title` and `body` are message ids marked with gettext_noop, formatted with `params` when read.
    """
    if kind not in NotificationKind.values:
        raise ValueError(f"Unknown notification kind {kind!r}.")
    stored = _stored_params(params or {})
    recipients = [user for user in users if user.is_active]
    created = Notification.objects.bulk_create(
        [
            Notification(recipient=user, kind=kind, title=title, body=body, params=stored, link=link)
            for user in recipients
        ]
    )
    addresses = [user.email for user in recipients if wants_email(user, kind)]
    if addresses:
        sample = created[0]
        send_notice(
            subject=lazy(render_message, str)(title, stored),
            template=email_template,
            recipients=addresses,
            context={"notification": sample, "link_path": link, **(email_context or {})},
            separately=True,
        )
    return created


def notify(*, user: User, **message: Any) -> Notification | None:
    """Notify one person (None when their account is inactive); `message` takes notify_each's keywords."""
    created = notify_each(users=[user], **message)
    return created[0] if created else None


def unread_count(user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notifications_for(user: User):
    return Notification.objects.filter(recipient=user)


@transaction.atomic
def notifications_mark_read(*, user: User, ids: Iterable[int] | None = None) -> int:
    """Mark some of one's own notifications read (`ids`), or all of them (None); how many changed.

    Ids of other people's notifications are refused, never silently skipped, so a client learns its mistake."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        ids = {int(pk) for pk in ids}
        if not ids:
            raise DomainError(gettext("Name the notifications to mark read, or mark them all."), field="ids")
        own = set(Notification.objects.filter(recipient=user, pk__in=ids).values_list("pk", flat=True))
        if own != ids:
            raise DomainError(
                gettext("No notification of yours has the id %(ids)s.")
                % {"ids": ", ".join(str(pk) for pk in sorted(ids - own))},
                field="ids",
            )
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())
