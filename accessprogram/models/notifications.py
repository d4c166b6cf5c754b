"""The notification centre: what happened to a member (a review decision, a new NDA, a licence request…).

Each row keeps its message id and parameters, never the rendered text, so it is read in the language the
recipient reads the portal in at that moment, and an e-mail is written in the recipient's own language.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy


class NotificationKind(models.TextChoices):
    REVIEW_DECISION = "review_decision", gettext_lazy("Review decisions on my outputs")
    APPEAL_OUTCOME = "appeal_outcome", gettext_lazy("Outcomes of my appeals")
    NDA_VERSION = "nda_version", gettext_lazy("A new NDA version to sign")
    SUSPENSION = "suspension", gettext_lazy("Suspensions of my access and their lifting")
    LICENCE_REQUEST = "licence_request", gettext_lazy("Licence requests for my outputs")
    TRIAGE_REPLY = "triage_reply", gettext_lazy("Replies and decisions on my feedback and findings")
    LEDGER_STATUS = "ledger_status", gettext_lazy("Status changes in my contribution ledger")
    SHOWCASE_RESULT = "showcase_result", gettext_lazy("Showcase results")


# Sent by e-mail whatever the preferences say: each changes what the person may do in the portal.
ALWAYS_EMAILED = frozenset({NotificationKind.NDA_VERSION, NotificationKind.SUSPENSION})


def render_message(message: str, params: dict) -> str:
    """A stored message in the active language; a parameter stored as {"msgid": …} is translated too."""
    if not message:
        return ""
    values = {
        key: translation.gettext(value["msgid"]) if isinstance(value, dict) else value for key, value in params.items()
    }
    return translation.gettext(message) % values


class Notification(models.Model):
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=32, choices=NotificationKind.choices)
    # Message ids (marked with gettext_noop where they are written) and their parameters, rendered when read.
    title = models.CharField(max_length=300)
    body = models.CharField(max_length=600, blank=True)
    params = models.JSONField(default=dict, blank=True)
    # A path on this site (no host): the e-mail prefixes SITE_URL, the portal links it as is.
    link = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_recipient_recent"),
            # The unread count in the navigation, on every page: an index of the unread rows only.
            models.Index(fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.recipient_id}"

    @property
    def title_text(self) -> str:
        return render_message(self.title, self.params)

    @property
    def body_text(self) -> str:
        return render_message(self.body, self.params)

    @property
    def is_unread(self) -> bool:
        return self.read_at is None
