"""Feedback and bug reports: filing (with screenshots in private storage), staff triage and replies.

A bug is accepted when triage first moves it to "triaged" or "fixed"; that posts its ledger entry by severity
(once: the ledger is idempotent per report). "Won't fix" and "duplicate" earn nothing.
"""

from __future__ import annotations

import hashlib
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext, gettext_noop

from accessprogram.errors import Conflict, DomainError, InvalidFields, NotAllowed
from accessprogram.models import NotificationKind, User
from accessprogram.services.audit import audit_record
from accessprogram.services.context import Actor
from accessprogram.services.notifications import notify
from contributions.models import (
    ACCEPTED_STATUSES,
    REPORT_TRANSITIONS,
    ContributionKind,
    LedgerEntry,
    Report,
    ReportReply,
    ReportScreenshot,
    ReportStatus,
    ReportType,
    Severity,
)
from contributions.services.ledger import ledger_post, rate_line_for
from generation.infrastructure.storage import delete_quietly, store_file
from generation.models import Output

SCREENSHOT_MAX_BYTES = 5 * 1024 * 1024
SCREENSHOTS_PER_REPORT = 3
TITLE_MAX = 200
TEXT_MAX = 10_000


@dataclass(frozen=True)
class ImageKind:
    content_type: str
    extension: str


def sniff_image(head: bytes) -> ImageKind | None:
    """PNG, JPEG or WebP by their first bytes; whatever the file's name or declared type says."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return ImageKind("image/png", "png")
    if head.startswith(b"\xff\xd8\xff"):
        return ImageKind("image/jpeg", "jpg")
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return ImageKind("image/webp", "webp")
    return None


@dataclass(frozen=True)
class CheckedImage:
    data: bytes
    kind: ImageKind
    name: str


def check_screenshots(files) -> list[CheckedImage]:
    """Read and check every upload; refuse them all with every problem named."""
    files = list(files or [])
    problems: list[str] = []
    if len(files) > SCREENSHOTS_PER_REPORT:
        raise InvalidFields(
            {
                "screenshots": [
                    gettext("At most %(screenshots_per_report)s screenshots per report.")
                    % {"screenshots_per_report": SCREENSHOTS_PER_REPORT}
                ]
            }
        )
    checked = []
    for upload in files:
        name = (getattr(upload, "name", "") or "screenshot")[:200]
        size = getattr(upload, "size", None)
        if size is not None and size > SCREENSHOT_MAX_BYTES:
            problems.append(f"{name}: larger than {SCREENSHOT_MAX_BYTES // (1024 * 1024)} MB.")
            continue
        data = upload.read(SCREENSHOT_MAX_BYTES + 1)
        if len(data) > SCREENSHOT_MAX_BYTES:
            problems.append(f"{name}: larger than {SCREENSHOT_MAX_BYTES // (1024 * 1024)} MB.")
            continue
        kind = sniff_image(data[:16])
        if kind is None:
            problems.append(f"{name}: not a PNG, JPEG or WebP image.")
            continue
        checked.append(CheckedImage(data, kind, name))
    if problems:
        raise InvalidFields({"screenshots": problems})
    return checked


def _store_bytes(key: str, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "upload"
        path.write_bytes(data)
        store_file(key, path)


def report_create(
    *,
    actor: Actor,
    reporter: User,
    type: str,
    severity: str,
    title: str,
    text: str,
    page_url: str = "",
    output: Output | None = None,
    screenshots=(),
) -> Report:
    errors: dict[str, list[str]] = {}
    if reporter.tester_membership is None:
        raise NotAllowed(gettext("Only testers with an active membership can file reports."))
    if type not in ReportType.values:
        errors["type"] = [gettext("Choose one of %(choices)s.") % {"choices": ", ".join(ReportType.values)}]
    if severity not in Severity.values:
        errors["severity"] = [gettext("Choose one of %(choices)s.") % {"choices": ", ".join(Severity.values)}]
    title, text = (title or "").strip(), (text or "").strip()
    if not title:
        errors["title"] = [gettext("Give the report a short title.")]
    elif len(title) > TITLE_MAX:
        errors["title"] = [gettext("At most %(count)s characters.") % {"count": TITLE_MAX}]
    if not text:
        errors["text"] = [gettext("Describe what happened or what you would like.")]
    elif len(text) > TEXT_MAX:
        errors["text"] = [gettext("At most %(count)s characters.") % {"count": TEXT_MAX}]
    if output is not None and output.owner_id != reporter.pk:
        errors["output"] = [gettext("You can only attach your own outputs.")]
    try:
        images = check_screenshots(screenshots)
    except InvalidFields as exc:
        errors.update(exc.errors)
        images = []
    if errors:
        raise InvalidFields(errors)

    stored: list[str] = []
    try:
        with transaction.atomic():
            report = Report.objects.create(
                reporter=reporter,
                type=type,
                severity=severity,
                title=title,
                text=text,
                page_url=(page_url or "")[:500],
                output=output,
            )
            for image in images:
                key = f"reports/{report.pk}/{uuid.uuid4().hex}.{image.kind.extension}"
                _store_bytes(key, image.data)
                stored.append(key)
                ReportScreenshot.objects.create(
                    report=report,
                    key=key,
                    content_type=image.kind.content_type,
                    size_bytes=len(image.data),
                    sha256=hashlib.sha256(image.data).hexdigest(),
                    original_name=image.name,
                )
            audit_record(
                actor=actor,
                action="report.filed",
                target=report,
                details={
                    "type": type,
                    "severity": severity,
                    "screenshots": len(images),
                    "output": str(output.pk) if output else None,
                },
            )
    except BaseException:
        delete_quietly(*stored)
        raise
    return report


@dataclass(frozen=True)
class TriageResult:
    report: Report
    ledger_entry: LedgerEntry | None
    # True when the bug was accepted but the current rate card has no rate for its severity.
    unpriced: bool = False


@transaction.atomic
def report_triage(
    *, actor: Actor, report: Report, status: str, reply: str = "", duplicate_of: Report | None = None
) -> TriageResult:
    """Move a report to a new status (with an optional reply to the reporter); accepting a bug pays it."""
    report = Report.objects.select_for_update().get(pk=report.pk)
    if status not in ReportStatus.values:
        raise DomainError(
            gettext("Choose one of %(choices)s.") % {"choices": ", ".join(ReportStatus.values)}, field="status"
        )
    if status == report.status:
        raise Conflict(
            gettext("The report is already %(status)s.") % {"status": report.get_status_display().lower()},
            field="status",
        )
    if status not in REPORT_TRANSITIONS[report.status]:
        raise Conflict(
            gettext("A %(status)s report cannot become %(label)s.")
            % {"status": report.get_status_display().lower(), "label": ReportStatus(status).label.lower()},
            field="status",
            code="bad_transition",
        )
    if status == ReportStatus.DUPLICATE:
        if duplicate_of is None:
            raise DomainError(gettext("Name the original report this one duplicates."), field="duplicate_of")
        if duplicate_of.pk == report.pk:
            raise DomainError(gettext("A report cannot be a duplicate of itself."), field="duplicate_of")
        if duplicate_of.status == ReportStatus.DUPLICATE:
            raise DomainError(
                gettext("Report #%(pk)s is itself a duplicate; link its original #%(duplicate_of_id)s instead.")
                % {"pk": duplicate_of.pk, "duplicate_of_id": duplicate_of.duplicate_of_id},
                field="duplicate_of",
            )
    elif duplicate_of is not None:
        raise DomainError(gettext("Only a duplicate links an original report."), field="duplicate_of")

    previous = report.status
    report.status = status
    report.duplicate_of = duplicate_of if status == ReportStatus.DUPLICATE else None
    report.triaged_by = actor.user
    report.save(update_fields=["status", "duplicate_of", "triaged_by", "updated_at"])
    ReportReply.objects.create(
        report=report, author=actor.user, text=(reply or "").strip(), status_from=previous, status_to=status
    )
    audit_record(
        actor=actor,
        action="report.triaged",
        target=report,
        details={"from": previous, "to": status, "duplicate_of": duplicate_of.pk if duplicate_of else None},
    )
    entry, unpriced = None, False
    if report.type == ReportType.BUG and status in ACCEPTED_STATUSES:
        if rate_line_for(kind=ContributionKind.BUG, severity=report.severity) is None:
            unpriced = True
        else:
            entry = ledger_post(
                tester=report.reporter,
                kind=ContributionKind.BUG,
                source=report,
                actor=actor,
                severity=report.severity,
                memo=f"Bug #{report.pk}: {report.title}",
            )
    _notify_reporter(report, reply=(reply or "").strip(), status_changed=True, entry=entry)
    return TriageResult(report=report, ledger_entry=entry, unpriced=unpriced)


def _notify_reporter(report: Report, *, reply: str, status_changed: bool, entry=None) -> None:
    """The reporter hears of every status change and reply, in the portal and (as they prefer) by e-mail."""
    if status_changed:
        title = gettext_noop("Report #%(number)s: %(status)s")
    else:
        title = gettext_noop("Reply on report #%(number)s")
    notify(
        user=report.reporter,
        kind=NotificationKind.TRIAGE_REPLY,
        title=title,
        params={"number": report.pk, "status": ReportStatus(report.status).label},
        link=reverse("contributions:report_detail", args=[report.pk]),
        email_template="contributions/email/report_update.txt",
        email_context={"report": report, "reply": reply, "status_changed": status_changed, "entry": entry},
    )


@transaction.atomic
def report_reply(*, actor: Actor, report: Report, text: str) -> ReportReply:
    text = (text or "").strip()
    if not text:
        raise DomainError(gettext("Write a reply."), field="text")
    if len(text) > TEXT_MAX:
        raise DomainError(gettext("At most %(text_max)s characters.") % {"text_max": TEXT_MAX}, field="text")
    reply = ReportReply.objects.create(report=report, author=actor.user, text=text)
    audit_record(actor=actor, action="report.replied", target=report, details={"reply": reply.pk})
    if actor.user is None or actor.user.pk != report.reporter_id:
        _notify_reporter(report, reply=text, status_changed=False)
    return reply
