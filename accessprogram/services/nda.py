"""Writing, publishing and accepting the program's NDA, and the gate that enforces it."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

import markdown
import nh3
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from accessprogram.errors import Conflict, DomainError
from accessprogram.models import NdaAcceptance, NdaClause, NdaClauseDecision, NdaVersion, Program, User
from accessprogram.services.audit import audit_record
from accessprogram.services.context import Actor


@dataclass(frozen=True)
class ClauseSpec:
    key: str
    text: str
    required: bool = False


def nda_shown_text(nda: NdaVersion) -> str:
    """The exact text a tester is shown and agrees to: title, body and every clause, in order."""
    clauses = "\n".join(f"[{'required' if c.required else 'optional'}] {c.key}: {c.text}" for c in nda.clauses.all())
    ends = f"Ends on: {nda.ends_on.isoformat()}\n" if nda.ends_on else ""
    return f"{nda.title}\nVersion {nda.version}\n{ends}\n{nda.body_markdown.strip()}\n\n{clauses}\n"


def nda_text_digest(nda: NdaVersion) -> str:
    return hashlib.sha256(nda_shown_text(nda).encode()).hexdigest()


def nda_render_html(nda: NdaVersion) -> SafeString:
    html = markdown.markdown(nda.body_markdown, extensions=["extra", "sane_lists"])
    return mark_safe(nh3.clean(html))  # noqa: S308 -- sanitised by nh3 just above


def nda_current(program: Program | None = None) -> NdaVersion | None:
    program = program or Program.current()
    return NdaVersion.objects.filter(program=program, status=NdaVersion.Status.PUBLISHED).first()


def nda_required_for(user: User) -> NdaVersion | None:
    """The current NDA this user must still accept, or None when nothing stands in their way.

    Staff are bound by their employment terms, not the tester NDA; testers must accept the current version.
    """
    if not user.is_authenticated or user.is_program_staff:
        return None
    current = NdaVersion.objects.filter(status=NdaVersion.Status.PUBLISHED).only("pk", "version", "title").first()
    if current is None:
        return None
    if NdaAcceptance.objects.filter(user=user, nda=current).exists():
        return None
    return current


def _check_clauses(clauses: list[ClauseSpec]) -> None:
    keys = [c.key for c in clauses]
    if len(keys) != len(set(keys)):
        raise DomainError(gettext("Each clause needs a different key."), field="clauses")
    for clause in clauses:
        if not clause.key or not clause.text.strip():
            raise DomainError(gettext("Every clause needs a key and a text."), field="clauses")


@transaction.atomic
def nda_create_draft(
    *,
    actor: Actor,
    title: str,
    body_markdown: str,
    ends_on: date | None = None,
    clauses: list[ClauseSpec] = (),
    program: Program | None = None,
) -> NdaVersion:
    program = program or Program.current()
    if not title.strip():
        raise DomainError(gettext("The agreement needs a title."), field="title")
    if not body_markdown.strip():
        raise DomainError(gettext("The agreement needs a text."), field="body_markdown")
    if ends_on is not None and ends_on <= timezone.localdate():
        raise DomainError(gettext("The end date must be in the future."), field="ends_on")
    clauses = list(clauses)
    _check_clauses(clauses)
    Program.objects.select_for_update().filter(pk=program.pk).first()
    version = (program.nda_versions.aggregate(v=Max("version"))["v"] or 0) + 1
    nda = NdaVersion.objects.create(
        program=program,
        version=version,
        title=title.strip(),
        body_markdown=body_markdown,
        ends_on=ends_on,
        created_by=actor.user,
    )
    NdaClause.objects.bulk_create(
        NdaClause(nda=nda, key=c.key, text=c.text.strip(), required=c.required, position=i)
        for i, c in enumerate(clauses)
    )
    audit_record(actor=actor, action="nda.drafted", target=nda, details={"version": version})
    return nda


@transaction.atomic
def nda_publish(*, actor: Actor, nda: NdaVersion) -> NdaVersion:
    """Make a draft the current agreement; every tester must accept it before going on."""
    nda = NdaVersion.objects.select_for_update().get(pk=nda.pk)
    if nda.status != NdaVersion.Status.DRAFT:
        raise Conflict(
            gettext("Version %(version)s is %(status)s; only drafts can be published.")
            % {"version": nda.version, "status": nda.get_status_display().lower()}
        )
    previous = nda_current(nda.program)
    if previous is not None:
        previous.status = NdaVersion.Status.SUPERSEDED
        previous.save(update_fields=["status"])
    nda.status = NdaVersion.Status.PUBLISHED
    nda.published_at = timezone.now()
    nda.published_by = actor.user
    nda.text_sha256 = nda_text_digest(nda)
    nda.save(update_fields=["status", "published_at", "published_by", "text_sha256"])
    audit_record(
        actor=actor,
        action="nda.published",
        target=nda,
        details={
            "version": nda.version,
            "sha256": nda.text_sha256,
            "supersedes": previous.version if previous else None,
        },
    )
    return nda


def _same_name(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


@transaction.atomic
def nda_accept(
    *,
    actor: Actor,
    user: User,
    nda: NdaVersion,
    typed_name: str,
    shown_sha256: str,
    clause_answers: dict[str, bool],
) -> NdaAcceptance:
    """Record a click-wrap acceptance of exactly the text the tester was shown."""
    nda = NdaVersion.objects.select_for_update().get(pk=nda.pk)
    if nda.status != NdaVersion.Status.PUBLISHED:
        raise Conflict(
            gettext("This version is no longer current. Please read the current agreement."), code="nda_changed"
        )
    if shown_sha256 != nda.text_sha256:
        raise Conflict(
            gettext("The agreement changed while you were reading it. Please read it again."), code="nda_changed"
        )
    typed_name = " ".join((typed_name or "").split())
    if len(typed_name) < 2:
        raise DomainError(gettext("Type your full name to sign."), field="typed_name")
    if user.full_name and not _same_name(typed_name, user.full_name):
        raise DomainError(
            gettext("Type your full name as it is on your account: %(full_name)s.") % {"full_name": user.full_name},
            field="typed_name",
        )
    clauses = list(nda.clauses.all())
    missing = [c for c in clauses if c.required and not clause_answers.get(c.key)]
    if missing:
        raise DomainError(
            gettext("Tick every required clause to accept: ") + "; ".join(c.text for c in missing), field="clauses"
        )
    try:
        with transaction.atomic():
            acceptance = NdaAcceptance.objects.create(
                user=user,
                nda=nda,
                typed_name=typed_name,
                text_sha256=nda.text_sha256,
                accepted_at=timezone.now(),
                ip_address=actor.ip,
                user_agent=actor.user_agent,
            )
    except IntegrityError:
        raise Conflict(gettext("You have already accepted this version."), code="nda_already_accepted") from None
    NdaClauseDecision.objects.bulk_create(
        NdaClauseDecision(acceptance=acceptance, clause=c, agreed=bool(clause_answers.get(c.key))) for c in clauses
    )
    if not user.full_name:
        user.full_name = typed_name
        user.save(update_fields=["full_name"])
    audit_record(
        actor=actor,
        action="nda.accepted",
        target=nda,
        details={
            "version": nda.version,
            "sha256": nda.text_sha256,
            "typed_name": typed_name,
            "clauses": {c.key: bool(clause_answers.get(c.key)) for c in clauses},
            "user_agent": actor.user_agent,
        },
    )
    return acceptance


def nda_receipt_text(acceptance: NdaAcceptance) -> str:
    """A plain-text receipt a tester keeps: what they signed, when, from where, and its fingerprint."""
    nda = acceptance.nda
    decisions = "\n".join(
        f"  [{'x' if d.agreed else ' '}] {d.clause.text}" for d in acceptance.clause_decisions.select_related("clause")
    )
    return (
        f"Receipt of acceptance — {nda.program.name}\n"
        f"{'=' * 60}\n"
        f"Agreement:   {nda.title}, version {nda.version}\n"
        f"Signed by:   {acceptance.typed_name} <{acceptance.user.email}>\n"
        f"Signed at:   {acceptance.accepted_at.isoformat()}\n"
        f"From:        {acceptance.ip_address or 'unknown address'}\n"
        f"Browser:     {acceptance.user_agent or 'unknown'}\n"
        f"SHA-256 of the text shown: {acceptance.text_sha256}\n"
        + (f"Obligations end on: {nda.ends_on.isoformat()}\n" if nda.ends_on else "")
        + f"\nClauses:\n{decisions or '  (none)'}\n\n"
        f"{'=' * 60}\nThe text you agreed to follows.\n{'=' * 60}\n\n"
        f"{nda_shown_text(nda)}"
    )
