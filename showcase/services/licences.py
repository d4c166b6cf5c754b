"""Licences for promotion: staff ask, the owner accepts (the fee goes to their ledger) or declines, once."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from accessprogram.errors import Conflict, InvalidFields, NotAllowed
from accessprogram.models import NotificationKind
from accessprogram.services.audit import audit_record
from accessprogram.services.context import Actor
from accessprogram.services.notifications import notify
from contributions.models import ContributionKind
from contributions.services.ledger import ledger_post
from generation.models import Output, ReviewStatus
from review.access import owner_is_suspended
from review.services.sharing import CREDIT_MAX
from showcase.models import LicenceRequest, LicenceStatus

USE_MAX = 300
FEE_MAX = 10**12
RESPOND_DAYS = 14
_CURRENCY = re.compile(r"^[A-Z]{3}$")


def _check_licensable(output: Output) -> Output:
    output = Output.objects.select_for_update().select_related("owner").get(pk=output.pk)
    if output.review_status != ReviewStatus.APPROVED:
        raise Conflict(
            gettext("Only approved outputs can be licensed; this one is “%(review_status)s”.")
            % {"review_status": output.get_review_status_display().lower()},
            field="output",
            code="not_approved",
        )
    if owner_is_suspended(output.owner):
        raise Conflict(
            gettext("The owner's access is suspended, so this output cannot be licensed."), code="owner_suspended"
        )
    return output


@transaction.atomic
def licence_request_create(
    *,
    actor: Actor,
    output: Output,
    use: str,
    term_start: date,
    term_end: date,
    fee_minor: int,
    currency: str,
    respond_by: datetime | None = None,
) -> LicenceRequest:
    """Ask an approved output's owner for a licence to use it in the company's marketing."""
    if actor.user is None or not actor.user.is_program_admin:
        raise NotAllowed(gettext("Only program admins can request licences."))
    errors: dict[str, list[str]] = {}
    use = " ".join((use or "").split())
    if not use or len(use) > USE_MAX:
        errors["use"] = [gettext("Describe the use in at most %(use_max)s characters.") % {"use_max": USE_MAX}]
    if term_start is None or term_end is None:
        errors["term_end"] = [gettext("Give the term's first and last day.")]
    elif term_end < term_start:
        errors["term_end"] = [gettext("The term cannot end before it starts.")]
    elif term_end < timezone.localdate():
        errors["term_end"] = [gettext("The term has already ended.")]
    if isinstance(fee_minor, bool) or not isinstance(fee_minor, int) or not 1 <= fee_minor <= FEE_MAX:
        errors["fee_minor"] = [gettext("The fee is a whole, positive number of minor units (cents).")]
    currency = (currency or "").strip().upper()
    if not _CURRENCY.match(currency):
        errors["currency"] = [gettext("Use a three-letter ISO 4217 code such as EUR.")]
    respond_by = respond_by or timezone.now() + timedelta(days=RESPOND_DAYS)
    if respond_by <= timezone.now():
        errors["respond_by"] = [gettext("The answer deadline must be in the future.")]
    if errors:
        raise InvalidFields(errors)
    output = _check_licensable(output)
    licence = LicenceRequest.objects.create(
        output=output,
        tester=output.owner,
        use=use,
        term_start=term_start,
        term_end=term_end,
        fee_minor=fee_minor,
        currency=currency,
        respond_by=respond_by,
        requested_by=actor.user,
    )
    audit_record(
        actor=actor,
        action="licence.requested",
        target=licence,
        details={
            "output": str(output.pk),
            "tester": output.owner.email,
            "use": use,
            "term": [term_start, term_end],
            "fee_minor": fee_minor,
            "currency": currency,
            "respond_by": respond_by,
        },
    )
    notify(
        user=output.owner,
        kind=NotificationKind.LICENCE_REQUEST,
        title=gettext_noop("A licence request for your output %(short_id)s"),
        body=gettext_noop("See the use, the term and the fee, then accept or decline it."),
        params={"short_id": output.short_id},
        link=reverse("showcase:licence_list"),
        email_template="showcase/email/licence_requested.txt",
        email_context={"licence": licence},
    )
    return licence


def _pending_for_owner(actor: Actor, licence: LicenceRequest) -> LicenceRequest:
    licence = LicenceRequest.objects.select_for_update().get(pk=licence.pk)
    if actor.user is None or actor.user.pk != licence.tester_id:
        raise NotAllowed(gettext("Only the output's owner can answer a licence request."))
    if licence.status != LicenceStatus.PENDING:
        raise Conflict(
            gettext("This request is already %(status)s.") % {"status": licence.get_status_display().lower()},
            code="already_answered",
        )
    if licence.is_expired:
        raise Conflict(gettext("This request expired before it was answered."), code="expired")
    return licence


@transaction.atomic
def licence_accept(*, actor: Actor, licence: LicenceRequest, credit_line: str = "") -> LicenceRequest:
    """The owner grants the licence: the fee is posted to their ledger and every public use credits them."""
    licence = _pending_for_owner(actor, licence)
    _check_licensable(licence.output)
    credit_line = " ".join((credit_line or "").split()) or actor.user.display_name
    if len(credit_line) > CREDIT_MAX:
        raise InvalidFields(
            {
                "credit_line": [
                    gettext("Keep the credit line under %(credit_max)s characters.") % {"credit_max": CREDIT_MAX}
                ]
            }
        )
    licence.status = LicenceStatus.ACCEPTED
    licence.credit_line = credit_line
    licence.decided_at = timezone.now()
    licence.save(update_fields=["status", "credit_line", "decided_at"])
    entry = ledger_post(
        tester=licence.tester,
        kind=ContributionKind.LICENCE,
        source=licence,
        actor=actor,
        amount_minor=licence.fee_minor,
        currency=licence.currency,
        memo=f"Licence: {licence.use}"[:300],
    )
    audit_record(
        actor=actor,
        action="licence.accepted",
        target=licence,
        details={"credit_line": credit_line, "ledger_entry": entry.pk},
    )
    return licence


@transaction.atomic
def licence_decline(*, actor: Actor, licence: LicenceRequest) -> LicenceRequest:
    """The owner refuses: nothing is posted and the output is not used."""
    licence = _pending_for_owner(actor, licence)
    licence.status = LicenceStatus.DECLINED
    licence.decided_at = timezone.now()
    licence.save(update_fields=["status", "decided_at"])
    audit_record(actor=actor, action="licence.declined", target=licence)
    return licence
