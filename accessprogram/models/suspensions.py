"""Kill switches at four scopes (token, tester, cohort, program) and the thresholds that trip the token one."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from accessprogram.models.program import Cohort, Program
from accessprogram.models.tokens import AccessToken


class SuspensionScope(models.TextChoices):
    TOKEN = "token", gettext_lazy("One access token")
    TESTER = "tester", gettext_lazy("One tester")
    COHORT = "cohort", gettext_lazy("A cohort")
    PROGRAM = "program", gettext_lazy("The whole program")


# The target field each scope uses; exactly that one is set.
SCOPE_FIELDS = {
    SuspensionScope.TOKEN: "token",
    SuspensionScope.TESTER: "user",
    SuspensionScope.COHORT: "cohort",
    SuspensionScope.PROGRAM: "program",
}


def _only_target(scope: str) -> Q:
    condition = Q(scope=scope)
    for other_scope, field in SCOPE_FIELDS.items():
        condition &= Q(**{f"{field}__isnull": other_scope != scope})
    return condition


class Suspension(models.Model):
    """One kill switch. Active while `lifted_at` is empty; read from the database on every request."""

    scope = models.CharField(max_length=8, choices=SuspensionScope.choices)
    token = models.ForeignKey(AccessToken, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cohort = models.ForeignKey(Cohort, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    program = models.ForeignKey(Program, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    automatic = models.BooleanField(
        default=False, help_text=gettext_lazy("Tripped by anomaly detection or a leak report.")
    )
    evidence = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=_only_target(SuspensionScope.TOKEN)
                | _only_target(SuspensionScope.TESTER)
                | _only_target(SuspensionScope.COHORT)
                | _only_target(SuspensionScope.PROGRAM),
                name="suspension_has_exactly_its_scopes_target",
            ),
            *(
                models.UniqueConstraint(
                    fields=[field], condition=Q(lifted_at__isnull=True), name=f"one_active_suspension_per_{field}"
                )
                for field in SCOPE_FIELDS.values()
            ),
        ]
        indexes = [models.Index(fields=["scope"], name="suspension_active_idx", condition=Q(lifted_at__isnull=True))]

    def __str__(self) -> str:
        return f"{self.get_scope_display()}: {self.target_label}"

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None

    @property
    def target(self):
        return getattr(self, SCOPE_FIELDS[SuspensionScope(self.scope)])

    @property
    def target_label(self) -> str:
        target = self.target
        if self.scope == SuspensionScope.TOKEN:
            return f"token {target.prefix}… “{target.name}” of {target.owner.email}"
        if self.scope == SuspensionScope.TESTER:
            return target.email
        return str(target)


class AnomalyThresholds(models.Model):
    """The one row of thresholds, edited by program admins, beyond which a token is suspended on its own."""

    window_seconds = models.PositiveIntegerField(
        default=600,
        validators=[MinValueValidator(10)],
        help_text=gettext_lazy("The sliding window every count covers."),
    )
    max_client_ips = models.PositiveIntegerField(
        default=8, validators=[MinValueValidator(1)], help_text=gettext_lazy("Distinct client IP addresses per token.")
    )
    max_networks = models.PositiveIntegerField(
        default=4,
        validators=[MinValueValidator(1)],
        help_text=gettext_lazy("Distinct networks per token (/24 for IPv4, /48 for IPv6)."),
    )
    max_user_agents = models.PositiveIntegerField(
        default=3, validators=[MinValueValidator(1)], help_text=gettext_lazy("Distinct user agents per token.")
    )
    max_requests = models.PositiveIntegerField(
        default=900,
        validators=[MinValueValidator(1)],
        help_text=gettext_lazy("Requests per token, above a human's (or a careful script's) pace."),
    )
    refuse_foreign_origin = models.BooleanField(
        default=True, help_text=gettext_lazy("Suspend a token used from a browser page that is not the portal.")
    )
    # What follows watches every credential, portal sessions as well as tokens, on signals that a server in
    # front of one credential cannot avoid without becoming as slow as one person. The defaults sit above
    # what simulated artists using the portal as people do ever reach (bench/bench_leaks.py --humans).
    submission_window_seconds = models.PositiveIntegerField(
        default=120,
        validators=[MinValueValidator(10)],
        help_text=gettext_lazy("The window submissions are counted over."),
    )
    max_submissions = models.PositiveIntegerField(
        default=4,
        validators=[MinValueValidator(1)],
        help_text=gettext_lazy("Submissions per credential in that window."),
    )
    max_prompts_per_hour = models.PositiveIntegerField(
        default=30,
        validators=[MinValueValidator(1)],
        help_text=gettext_lazy("Distinct prompts per credential per hour."),
    )
    max_refusals = models.PositiveIntegerField(
        default=10,
        validators=[MinValueValidator(1)],
        help_text=gettext_lazy("Refused requests (rate limits, caps, retries) per credential in the sliding window."),
    )
    max_headless_requests = models.PositiveIntegerField(
        default=5,
        validators=[MinValueValidator(1)],
        help_text=gettext_lazy(
            "Requests of one portal session in the sliding window without the Sec-Fetch headers of browsers."
        ),
    )
    max_blind_media = models.PositiveIntegerField(
        default=2,
        validators=[MinValueValidator(1)],
        help_text=gettext_lazy(
            "Videos one session asked for without their page in the sliding window (each is refused)."
        ),
    )
    reauthenticate_on_new_network = models.BooleanField(
        default=True,
        help_text=gettext_lazy(
            "Ask for the password again when a session moves to another network or kind of browser."
        ),
    )
    escalate_after = models.PositiveIntegerField(
        default=3,
        validators=[MinValueValidator(1)],
        help_text=gettext_lazy("Containments of one tester's credentials that pause the tester until staff review."),
    )
    escalate_window_seconds = models.PositiveIntegerField(
        default=7 * 24 * 3600,
        validators=[MinValueValidator(60)],
        help_text=gettext_lazy("The window those containments are counted over."),
    )
    mint_cooldown_seconds = models.PositiveIntegerField(
        default=24 * 3600,
        help_text=gettext_lazy(
            "After a containment, a new token needs the password (and admins are told) for this long."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "anomaly thresholds"
        verbose_name_plural = "anomaly thresholds"

    def __str__(self) -> str:
        return "Anomaly thresholds"

    @classmethod
    def current(cls) -> AnomalyThresholds:
        return cls.objects.get_or_create(pk=1)[0]
