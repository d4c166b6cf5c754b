"""The leaving tester's archive: one ZIP of their approved works, feedback, findings, showcase, licences and
ledger statement, written entry by entry so no more than one file's chunk is in memory at a time."""

from __future__ import annotations

import json
import shutil
import zipfile
from typing import IO

from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django.utils.translation import gettext

from accessprogram.access import gate_for
from accessprogram.csv_files import csv_text
from accessprogram.errors import NotAllowed
from accessprogram.localization import speaking_to
from accessprogram.models import Membership, User
from accessprogram.services.audit import audit_record
from accessprogram.services.context import Actor
from accessprogram.services.suspensions import is_suspended
from contributions.models import Finding, LedgerEntry, Report, format_money
from contributions.services.statements import statement_csv
from generation.models import Output, ReviewStatus
from review.services.provenance import public_video_key
from showcase.models import LicenceRequest, Submission

CHUNK = 1024 * 1024


def exit_archive_refusal(user) -> str | None:
    """Why this user may not download a leaving archive, or None. Only a tester (or former tester) themself,
    not suspended; one still active must have passed the program gate (the NDA) like any portal page."""
    if user is None or not user.is_authenticated or not user.is_active:
        return gettext("Sign in to download your archive.")
    memberships = Membership.objects.filter(user=user)
    if not memberships.exists():
        return gettext("Only testers and former testers have an archive.")
    if is_suspended(user):
        return gettext("Your access is suspended; the program team can send you your archive.")
    if memberships.filter(status=Membership.Status.ACTIVE).exists() and gate_for(user) is not None:
        return gate_for(user).message
    return None


def _video_name(output: Output) -> str:
    return f"works/{output.created_at:%Y-%m-%d}-{output.short_id}.mp4"


def _csv_bytes(header: list[str], rows) -> bytes:
    return csv_text(header, rows).encode()


def _json_bytes(data) -> bytes:
    return json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False).encode("utf-8")


def _works(user: User) -> list[Output]:
    return list(
        Output.objects.filter(owner=user, review_status=ReviewStatus.APPROVED)
        .select_related("job")
        .order_by("created_at", "pk")
    )


def _feedback(user: User) -> list[dict]:
    reports = Report.objects.filter(reporter=user).prefetch_related("replies").order_by("created_at", "pk")
    return [
        {
            "id": report.pk,
            "type": report.type,
            "severity": report.severity,
            "title": report.title,
            "text": report.text,
            "page_url": report.page_url,
            "output": str(report.output_id) if report.output_id else None,
            "status": report.status,
            "duplicate_of": report.duplicate_of_id,
            "created_at": report.created_at,
            "replies": [
                {
                    "at": reply.created_at,
                    "from": "you" if reply.author_id == user.pk else "program team",
                    "text": reply.text,
                    "status_from": reply.status_from,
                    "status_to": reply.status_to,
                }
                for reply in report.replies.all()
            ],
        }
        for report in reports
    ]


def _findings(user: User) -> list[dict]:
    findings = Finding.objects.filter(reporter=user).order_by("created_at", "pk")
    return [
        {
            "id": finding.pk,
            "category": finding.category,
            "severity": finding.severity,
            "title": finding.title,
            "description": finding.description,
            "output": str(finding.output_id) if finding.output_id else None,
            "prompt": finding.prompt,
            "negative_prompt": finding.negative_prompt,
            "seed": finding.seed,
            "parameters": finding.parameters,
            "model_name": finding.model_name,
            "status": finding.status,
            "decision_reason": finding.decision_reason,
            "created_at": finding.created_at,
            "decided_at": finding.decided_at,
        }
        for finding in findings
    ]


def _statement(user: User) -> bytes:
    entries = (
        LedgerEntry.objects.filter(tester=user)
        .select_related("tester", "rate_card_line__rate_card")
        .order_by("created_at", "pk")
    )
    with speaking_to(user):
        return statement_csv(entries).encode()


def _showcase(user: User) -> bytes:
    submissions = Submission.objects.filter(tester=user).select_related("call").order_by("submitted_at", "pk")
    return _csv_bytes(
        ["call", "output", "credit_line", "submitted_at", "selected_at"],
        (
            [
                s.call.title,
                str(s.output_id),
                s.credit_line,
                s.submitted_at.isoformat(),
                s.selected_at.isoformat() if s.selected_at else "",
            ]
            for s in submissions
        ),
    )


def _licences(user: User) -> bytes:
    licences = LicenceRequest.objects.filter(tester=user).order_by("requested_at", "pk")
    return _csv_bytes(
        ["output", "use", "term_start", "term_end", "fee", "status", "credit_line", "requested_at", "decided_at"],
        (
            [
                str(lic.output_id),
                lic.use,
                lic.term_start.isoformat(),
                lic.term_end.isoformat(),
                format_money(lic.fee_minor, lic.currency),
                lic.state_label.lower(),
                lic.credit_line,
                lic.requested_at.isoformat(),
                lic.decided_at.isoformat() if lic.decided_at else "",
            ]
            for lic in licences
        ),
    )


def _readme(user: User, works: int) -> bytes:
    return (
        f"Your archive from the early-access program, made {timezone.now():%Y-%m-%d %H:%M} UTC for {user.email}.\n\n"
        f"works/            your {works} approved video(s), with works/index.csv describing each one\n"
        "feedback.json     your feedback and bug reports, with the program team's replies\n"
        "findings.json     your red-team findings and their outcome\n"
        "showcase.csv      your showcase submissions and selections\n"
        "licences.csv      licence requests for your work and your answers\n"
        "statement.csv     your contribution ledger: every amount, its status and when it was paid\n"
    ).encode()


def exit_archive_write(*, actor: Actor, user: User, target: IO[bytes]) -> dict[str, int]:
    """Write the archive into `target` (a seekable or streaming binary file); videos are copied in chunks."""
    refusal = exit_archive_refusal(user)
    if refusal is not None or actor.user is None or actor.user.pk != user.pk:
        raise NotAllowed(refusal or gettext("Only the tester themself can download their archive."))
    works = _works(user)
    feedback, findings = _feedback(user), _findings(user)
    stored = zipfile.ZIP_STORED
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", _readme(user, len(works)))
        index = []
        for output in works:
            name = _video_name(output)
            # The signed copy (content credentials), as the public gets it. Videos are already compressed:
            # store them, and copy chunk by chunk from storage.
            info = zipfile.ZipInfo(name, date_time=output.created_at.timetuple()[:6])
            info.compress_type = stored
            with default_storage.open(public_video_key(output), "rb") as source:
                with archive.open(info, "w", force_zip64=True) as sink:
                    shutil.copyfileobj(source, sink, CHUNK)
            index.append(
                [
                    name,
                    str(output.pk),
                    output.created_at.isoformat(),
                    output.model_name,
                    output.model_version,
                    output.job.prompt,
                    output.seed,
                    output.width,
                    output.height,
                    output.duration_seconds,
                ]
            )
        archive.writestr(
            "works/index.csv",
            _csv_bytes(
                [
                    "file",
                    "output",
                    "created_at",
                    "model",
                    "model_version",
                    "prompt",
                    "seed",
                    "width",
                    "height",
                    "duration_seconds",
                ],
                index,
            ),
        )
        archive.writestr("feedback.json", _json_bytes(feedback))
        archive.writestr("findings.json", _json_bytes(findings))
        archive.writestr("showcase.csv", _showcase(user))
        archive.writestr("licences.csv", _licences(user))
        archive.writestr("statement.csv", _statement(user))
    counts = {"works": len(works), "feedback": len(feedback), "findings": len(findings)}
    audit_record(actor=actor, action="exit_archive.downloaded", target=user, details=counts)
    return counts
