"""Writing, publishing and accepting the program's NDA, and the gate that enforces it."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

import markdown
import nh3
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.utils.translation import override as translation_override

from accessprogram.errors import Conflict, DomainError
from accessprogram.localization import format_datetime_zoned, language_codes, speaking_to
from accessprogram.models import (
    Membership,
    NdaAcceptance,
    NdaClause,
    NdaClauseDecision,
    NdaTranslation,
    NdaVersion,
    NotificationKind,
    Program,
    User,
)
from accessprogram.models.users import ROLE_GROUPS
from accessprogram.services.audit import audit_record
from accessprogram.services.context import Actor
from accessprogram.services.notifications import notify_each


@dataclass(frozen=True)
class ClauseSpec:
    key: str
    text: str
    required: bool = False


@dataclass(frozen=True)
class TranslationSpec:
    language: str
    title: str
    body_markdown: str
    clause_texts: dict[str, str]


@dataclass(frozen=True)
class NdaText:
    """One version of the agreement in one language: what a tester reading that language is shown."""

    nda: NdaVersion
    language: str
    title: str
    body_markdown: str
    clauses: list[tuple[NdaClause, str]]
    text_sha256: str


def nda_text(nda: NdaVersion, language: str) -> NdaText | None:
    """The agreement in this language, or None when it has no text in it."""
    clauses = list(nda.clauses.all())
    if language == nda.language:
        return NdaText(nda, nda.language, nda.title, nda.body_markdown, [(c, c.text) for c in clauses], nda.text_sha256)
    translation = next((t for t in nda.translations.all() if t.language == language), None)
    if translation is None:
        return None
    return NdaText(
        nda,
        language,
        translation.title,
        translation.body_markdown,
        [(c, translation.clause_texts.get(c.key, "")) for c in clauses],
        translation.text_sha256,
    )


def nda_text_for_reader(nda: NdaVersion, language: str) -> NdaText:
    """The text in the reader's language; the original for a version published before it had translations."""
    return nda_text(nda, language) or nda_text(nda, nda.language)


def nda_shown_text(nda: NdaVersion, language: str | None = None) -> str:
    """The exact text a tester is shown and agrees to: title, body and every clause, in order.

    The frame around the translated parts stays the same in every language, so a fingerprint never depends on
    the interface's own translations.
    """
    text = nda_text(nda, language or nda.language)
    clauses = "\n".join(f"[{'required' if c.required else 'optional'}] {c.key}: {shown}" for c, shown in text.clauses)
    ends = f"Ends on: {nda.ends_on.isoformat()}\n" if nda.ends_on else ""
    return f"{text.title}\nVersion {nda.version}\n{ends}\n{text.body_markdown.strip()}\n\n{clauses}\n"


def nda_text_digest(nda: NdaVersion, language: str | None = None) -> str:
    return hashlib.sha256(nda_shown_text(nda, language).encode()).hexdigest()


def nda_render_html(nda: NdaVersion, language: str | None = None) -> SafeString:
    body = nda_text(nda, language or nda.language).body_markdown
    html = markdown.markdown(body, extensions=["extra", "sane_lists"])
    return mark_safe(nh3.clean(html))  # noqa: S308 -- sanitised by nh3 just above


def nda_missing_languages(nda: NdaVersion) -> list[str]:
    """The offered languages this version has no text in yet, in the order of settings.LANGUAGES."""
    present = {nda.language, *nda.translations.values_list("language", flat=True)}
    return [code for code, _name in settings.LANGUAGES if code not in present]


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
        raise DomainError(_("Each clause needs a different key."), field="clauses")
    for clause in clauses:
        if not clause.key or not clause.text.strip():
            raise DomainError(_("Every clause needs a key and a text."), field="clauses")


@transaction.atomic
def nda_create_draft(
    *,
    actor: Actor,
    title: str,
    body_markdown: str,
    ends_on: date | None = None,
    clauses: list[ClauseSpec] = (),
    translations: list[TranslationSpec] = (),
    language: str = settings.LANGUAGE_CODE,
    program: Program | None = None,
) -> NdaVersion:
    program = program or Program.current()
    if language not in language_codes():
        raise DomainError(_("The program does not offer this language."), field="language")
    if not title.strip():
        raise DomainError(_("The agreement needs a title."), field="title")
    if not body_markdown.strip():
        raise DomainError(_("The agreement needs a text."), field="body_markdown")
    if ends_on is not None and ends_on <= timezone.localdate():
        raise DomainError(_("The end date must be in the future."), field="ends_on")
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
        language=language,
        created_by=actor.user,
    )
    NdaClause.objects.bulk_create(
        NdaClause(nda=nda, key=c.key, text=c.text.strip(), required=c.required, position=i)
        for i, c in enumerate(clauses)
    )
    audit_record(actor=actor, action="nda.drafted", target=nda, details={"version": version})
    for spec in translations:
        nda_translation_save(actor=actor, nda=nda, spec=spec)
    return nda


@transaction.atomic
def nda_translation_save(*, actor: Actor, nda: NdaVersion, spec: TranslationSpec) -> NdaTranslation:
    """Add or replace a draft's text in one more language; every clause needs its text in it too."""
    nda = NdaVersion.objects.select_for_update().get(pk=nda.pk)
    if nda.status != NdaVersion.Status.DRAFT:
        raise Conflict(_("Only a draft's translations can change; draft a new version instead."))
    if spec.language not in language_codes():
        raise DomainError(_("The program does not offer this language."), field="language")
    if spec.language == nda.language:
        raise DomainError(_("This is the language the version is written in."), field="language")
    if not spec.title.strip() or not spec.body_markdown.strip():
        raise DomainError(_("A translation needs a title and a text."), field="body_markdown")
    keys = list(nda.clauses.values_list("key", flat=True))
    texts = {key: " ".join((spec.clause_texts.get(key) or "").split()) for key in keys}
    missing = [key for key, text in texts.items() if not text]
    if missing:
        raise DomainError(_("Translate every clause: %(keys)s.") % {"keys": ", ".join(missing)}, field="clauses")
    unknown = sorted(set(spec.clause_texts) - set(keys))
    if unknown:
        raise DomainError(_("No clause has these keys: %(keys)s.") % {"keys": ", ".join(unknown)}, field="clauses")
    translation, _created = NdaTranslation.objects.update_or_create(
        nda=nda,
        language=spec.language,
        defaults={"title": spec.title.strip(), "body_markdown": spec.body_markdown, "clause_texts": texts},
    )
    audit_record(
        actor=actor, action="nda.translated", target=nda, details={"version": nda.version, "language": spec.language}
    )
    return translation


def nda_publish_reach(nda: NdaVersion) -> int:
    """How many testers publishing `nda` sends back to sign before they can go on: every active tester of its
    program who has not accepted this version (staff are bound by their employment terms instead)."""
    staff = Q(is_superuser=True) | Q(groups__name__in=ROLE_GROUPS.values())
    return (
        User.objects.filter(
            is_active=True,
            memberships__status=Membership.Status.ACTIVE,
            memberships__cohort__program_id=nda.program_id,
        )
        .exclude(pk__in=User.objects.filter(staff).values("pk"))
        .exclude(nda_acceptances__nda=nda)
        .distinct()
        .count()
    )


@transaction.atomic
def nda_publish(*, actor: Actor, nda: NdaVersion) -> NdaVersion:
    """Make a draft the current agreement; every tester must accept it before going on."""
    nda = NdaVersion.objects.select_for_update().get(pk=nda.pk)
    if nda.status != NdaVersion.Status.DRAFT:
        raise Conflict(
            _("Version %(version)s is %(status)s; only drafts can be published.")
            % {"version": nda.version, "status": nda.get_status_display().lower()}
        )
    missing = nda_missing_languages(nda)
    if missing:
        raise Conflict(
            _("Every offered language needs its own full text before publishing; missing: %(languages)s.")
            % {"languages": ", ".join(missing)},
            code="nda_translation_missing",
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
    for translation in nda.translations.all():
        translation.text_sha256 = nda_text_digest(nda, translation.language)
        translation.save(update_fields=["text_sha256"])
    audit_record(
        actor=actor,
        action="nda.published",
        target=nda,
        details={
            "version": nda.version,
            "sha256": nda.text_sha256,
            "supersedes": previous.version if previous else None,
            "translations": {t.language: t.text_sha256 for t in nda.translations.all()},
        },
    )
    _notify_testers_to_sign(nda)
    return nda


def _notify_testers_to_sign(nda: NdaVersion) -> None:
    """Every active tester hears at once, in the portal and by e-mail, that a new version awaits them."""
    testers = User.objects.filter(
        is_active=True,
        memberships__status=Membership.Status.ACTIVE,
        memberships__cohort__program_id=nda.program_id,
    ).distinct()
    notify_each(
        users=testers,
        kind=NotificationKind.NDA_VERSION,
        title=gettext_noop("A new NDA, version %(version)s, awaits your signature"),
        body=gettext_noop(
            "Read and accept it before you next use the portal: until then the portal stays closed to you."
        ),
        params={"version": nda.version},
        link=reverse("accessprogram:nda"),
    )


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
    language: str | None = None,
) -> NdaAcceptance:
    """Record a click-wrap acceptance of exactly the text the tester was shown, in the language they read."""
    nda = NdaVersion.objects.select_for_update().get(pk=nda.pk)
    if nda.status != NdaVersion.Status.PUBLISHED:
        raise Conflict(_("This version is no longer current. Please read the current agreement."), code="nda_changed")
    text = nda_text(nda, language or nda.language)
    if text is None:
        raise DomainError(_("The agreement has no text in this language."), field="language")
    if shown_sha256 != text.text_sha256:
        raise Conflict(_("The agreement changed while you were reading it. Please read it again."), code="nda_changed")
    typed_name = " ".join((typed_name or "").split())
    if len(typed_name) < 2:
        raise DomainError(_("Type your full name to sign."), field="typed_name")
    if user.full_name and not _same_name(typed_name, user.full_name):
        raise DomainError(
            _("Type your full name as it is on your account: %(full_name)s.") % {"full_name": user.full_name},
            field="typed_name",
        )
    clauses = list(nda.clauses.all())
    missing = [shown for c, shown in text.clauses if c.required and not clause_answers.get(c.key)]
    if missing:
        raise DomainError(_("Tick every required clause to accept: ") + "; ".join(missing), field="clauses")
    try:
        with transaction.atomic():
            acceptance = NdaAcceptance.objects.create(
                user=user,
                nda=nda,
                typed_name=typed_name,
                language=text.language,
                text_sha256=text.text_sha256,
                accepted_at=timezone.now(),
                ip_address=actor.ip,
                user_agent=actor.user_agent,
            )
    except IntegrityError:
        raise Conflict(_("You have already accepted this version."), code="nda_already_accepted") from None
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
            "language": text.language,
            "sha256": text.text_sha256,
            "typed_name": typed_name,
            "clauses": {c.key: bool(clause_answers.get(c.key)) for c in clauses},
            "user_agent": actor.user_agent,
        },
    )
    return acceptance


def nda_receipt_text(acceptance: NdaAcceptance) -> str:
    """A plain-text receipt a tester keeps, in the language they signed in: what, when, from where, fingerprint."""
    nda = acceptance.nda
    signed = nda_text_for_reader(nda, acceptance.language)
    shown = dict(signed.clauses)
    with speaking_to(acceptance.user), translation_override(acceptance.language):
        decisions = "\n".join(
            f"  [{'x' if d.agreed else ' '}] {shown.get(d.clause, d.clause.text)}"
            for d in acceptance.clause_decisions.select_related("clause")
        )
        lines = [
            _("Receipt of acceptance — %(program)s") % {"program": nda.program.name},
            "=" * 60,
            _("Agreement: %(title)s, version %(version)s") % {"title": signed.title, "version": nda.version},
            _("Language: %(language)s") % {"language": acceptance.language},
            _("Signed by: %(name)s <%(email)s>") % {"name": acceptance.typed_name, "email": acceptance.user.email},
            _("Signed at: %(when)s") % {"when": format_datetime_zoned(acceptance.accepted_at)},
            _("Signed at (UTC): %(when)s") % {"when": acceptance.accepted_at.isoformat()},
            _("From: %(address)s") % {"address": acceptance.ip_address or _("unknown address")},
            _("Browser: %(agent)s") % {"agent": acceptance.user_agent or _("unknown")},
            _("SHA-256 of the text shown: %(digest)s") % {"digest": acceptance.text_sha256},
        ]
        if nda.ends_on:
            lines.append(_("Obligations end on: %(date)s") % {"date": nda.ends_on.isoformat()})
        lines += [
            "",
            _("Clauses:"),
            decisions or "  " + _("(none)"),
            "",
            "=" * 60,
            _("The text you agreed to follows."),
            "=" * 60,
            "",
            nda_shown_text(nda, signed.language),
        ]
    return "\n".join(lines)
