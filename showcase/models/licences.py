"""Licence requests: the company asks to use a tester's approved output in its marketing, for a fee."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from generation.models import Output

currency_validator = RegexValidator(r"^[A-Z]{3}$", gettext_lazy("Use a three-letter ISO 4217 code such as EUR."))


class LicenceStatus(models.TextChoices):
    PENDING = "pending", gettext_lazy("Awaiting the tester")
    ACCEPTED = "accepted", gettext_lazy("Accepted")
    DECLINED = "declined", gettext_lazy("Declined")


class LicenceRequest(models.Model):
    output = models.ForeignKey(Output, on_delete=models.PROTECT, related_name="licence_requests")
    tester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    use = models.CharField(max_length=300, help_text=gettext_lazy("Where and how the company will use the output."))
    term_start = models.DateField()
    term_end = models.DateField()
    fee_minor = models.PositiveBigIntegerField(help_text=gettext_lazy("The fee in minor units (cents)."))
    currency = models.CharField(max_length=3, validators=[currency_validator])
    respond_by = models.DateTimeField(help_text=gettext_lazy("A request not answered by then expires."))
    status = models.CharField(
        max_length=10, choices=LicenceStatus.choices, default=LicenceStatus.PENDING, db_index=True
    )
    credit_line = models.CharField(
        max_length=200, blank=True, help_text=gettext_lazy("The name every public use credits.")
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(term_end__gte=models.F("term_start")), name="licence_term_in_order"),
            models.CheckConstraint(
                condition=~Q(status="accepted") | ~Q(credit_line=""), name="licence_accepted_has_credit"
            ),
        ]

    def __str__(self) -> str:
        return f"Licence for {self.output} ({self.get_status_display()})"

    @property
    def is_expired(self) -> bool:
        return self.status == LicenceStatus.PENDING and self.respond_by <= timezone.now()

    @property
    def state_label(self) -> str:
        return "Expired" if self.is_expired else self.get_status_display()

    @property
    def public_credit(self) -> str:
        return f"Licensed to {settings.PROGRAM_NAME} for {self.use}, credit: {self.credit_line}"
