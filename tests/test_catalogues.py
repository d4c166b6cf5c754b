"""The Italian, French and Japanese catalogues are complete, compiled and faithful to their placeholders, and no
portal page shows English to someone who reads Japanese.

The catalogues are checked with polib alone, so neither this test nor the site needs GNU gettext installed. A
git checkout does not keep file times, so a stale .mo is caught by its content: it must hold exactly the
translations of its .po.
"""

from __future__ import annotations

import html
import re
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import polib
import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.test import Client
from django.utils import timezone

from accessprogram.models import Role
from accessprogram.services.context import Actor
from tests.conftest import make_job, make_member, make_output

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
LANGUAGES = ("it", "fr", "ja")

# %(name)s placeholders (with any printf flags), {name} placeholders of format_lazy, and HTML tags.
PLACEHOLDER = re.compile(r"%\([^)]+\)[#0 +-]*\d*(?:\.\d+)?[sdifr]|\{[a-z_]*\}|</?[a-z]+\b")


def _po(lang: str) -> polib.POFile:
    return polib.pofile(str(LOCALE_DIR / lang / "LC_MESSAGES" / "django.po"))


def _translations(catalogue) -> dict:
    return {
        (entry.msgctxt, entry.msgid): dict(entry.msgstr_plural) if entry.msgid_plural else entry.msgstr
        for entry in catalogue
        if entry.msgid and not entry.obsolete
    }


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_entry_is_translated_and_none_is_fuzzy(lang):
    catalogue = _po(lang)
    assert len(catalogue) > 500, "the catalogue looks truncated; run `make messages`"
    assert not catalogue.metadata_is_fuzzy, "a fuzzy header makes msgfmt ignore the charset and plural forms"
    assert [e.msgid for e in catalogue.untranslated_entries()] == []
    assert [e.msgid for e in catalogue.fuzzy_entries()] == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_compiled_catalogue_holds_exactly_the_translations_of_its_source(lang):
    compiled = LOCALE_DIR / lang / "LC_MESSAGES" / "django.mo"
    assert compiled.exists(), "run `make messages` and commit the .mo files"
    assert _translations(polib.mofile(str(compiled))) == _translations(_po(lang)), (
        f"locale/{lang}/LC_MESSAGES/django.mo is out of date: run `make messages`"
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_translations_keep_every_placeholder_and_tag_of_the_english(lang):
    wrong = []
    for entry in _po(lang):
        if entry.msgid_plural:
            pairs = [(entry.msgid_plural if n else entry.msgid, text) for n, text in entry.msgstr_plural.items()]
            if len(pairs) == 1:  # one form for every count (Japanese): it must serve the plural's placeholders
                pairs = [(entry.msgid_plural, pairs[0][1])]
        else:
            pairs = [(entry.msgid, entry.msgstr)]
        for english, translated in pairs:
            if sorted(PLACEHOLDER.findall(english)) != sorted(PLACEHOLDER.findall(translated)):
                wrong.append((english, translated))
    assert wrong == []


# ---------------------------------------------------------------------------------------------------------------
# Every page, rendered in Japanese, shows no English sentence.

# Never followed: the Django admin (Django's own catalogue), the API, static files, and responses that are not pages.
SKIPPED_PREFIXES = ("/admin/", "/api/", "/static/", "/accounts/logout/")
MAX_PAGES_PER_VISITOR = 80
# Words that stay as they are in every language: names of the product, formats and standards.
ALLOWED = re.compile(r"\b(?:Vernissage|SHA-256|Markdown|CSV|ZIP|JSON|MP4|WebM|MOV|PNG|JPEG|WebP|ISO 4217|TOTP|C2PA)\b")
ENGLISH_RUN = re.compile(r"[A-Za-z][a-z’'-]+(?:[ ,]+[A-Za-z][a-z’'-]+){2,}")
HIDDEN = re.compile(r"<(script|style|code|pre|kbd|textarea)\b.*?</\1>", re.S | re.I)
SHOWN_ATTRIBUTE = re.compile(r"\b(?:alt|title|aria-label|placeholder)=\"([^\"]*)\"")


@pytest.fixture
def world(db, nda, admin_user, reviewer, artist, red_teamer, demo_generation_model):
    """One of everything a page can list: outputs in each state, a share link and gallery entry, a report with a
    reply, a finding, a rate card, a survey, a showcase call with a submission, a licence request, a token and a
    suspension."""
    from accessprogram.services.suspensions import suspension_create
    from accessprogram.services.tokens import token_create
    from contributions.models import Survey, SurveyQuestion
    from contributions.services.findings import FindingInput, finding_create
    from contributions.services.reports import report_create, report_reply
    from review.services.reviews import review_decide
    from review.services.sharing import gallery_add, share_link_create
    from showcase.services.calls import RubricItem, showcase_call_open, showcase_submit
    from showcase.services.licences import licence_request_create
    from tests.contributions.conftest import publish_rate_card

    staff, tester = Actor(user=admin_user), Actor(user=artist)
    approved = make_output(artist, demo_generation_model)
    review_decide(actor=Actor(user=reviewer), output=approved, decision="approve")
    approved.refresh_from_db()
    make_output(artist, demo_generation_model)  # waits in the review queue
    make_job(artist, demo_generation_model)  # still queued
    link = share_link_create(actor=tester, output=approved, credit_line="Ada Artist")
    gallery_add(actor=tester, output=approved, credit_line="Ada Artist", show_prompt=True)
    publish_rate_card(admin_user)
    report = report_create(
        actor=tester, reporter=artist, type="bug", severity="high", title="Stutter", text="The preview stutters."
    )
    report_reply(actor=staff, report=report, text="Thanks, we see it.")
    finding_create(
        actor=Actor(user=red_teamer),
        reporter=red_teamer,
        data=FindingInput(category="other", severity="low", title="Leaky prompt", prompt="a masked face"),
    )
    survey = Survey.objects.create(cohort=artist.tester_membership.cohort, title="First week", is_open=True)
    SurveyQuestion.objects.create(survey=survey, position=1, kind="rating", text="How was rendering speed?")
    call = showcase_call_open(
        actor=staff,
        title="Light and water",
        brief="Short films about light on water.",
        deadline=timezone.now() + timedelta(days=7),
        rubric=[RubricItem("Craft", 10)],
        max_submissions_per_tester=2,
        exclude_cohort_mates=False,
        jurors=[reviewer, red_teamer],
    )
    showcase_submit(actor=tester, call=call, output=approved, credit_line="Ada Artist")
    licence_request_create(
        actor=staff,
        output=approved,
        use="The spring campaign",
        term_start=date.today(),
        term_end=date.today() + timedelta(days=30),
        fee_minor=15_000,
        currency="EUR",
    )
    token_create(actor=tester, name="render farm", scopes=["read"])
    idle = make_member(
        email="ivo@vernissage.test", name="Ivo Idle", role=Role.ARTIST, cohort=artist.tester_membership.cohort
    )
    suspension_create(actor=staff, scope="tester", target=idle, reason="Shared their account.")
    return {
        "share": f"/s/{link.slug}/",
        "users": {"staff": admin_user, "reviewer": reviewer, "tester": artist, "red_teamer": red_teamer},
    }


def _user_data() -> list[str]:
    """Every text the fixtures stored (names, prompts, titles, reasons...): pages may show it as it is."""
    values = {settings.PROGRAM_NAME}
    for model in apps.get_models():
        if model._meta.app_label not in {"accessprogram", "generation", "review", "contributions", "showcase"}:
            continue
        fields = [f.attname for f in model._meta.concrete_fields if isinstance(f, (models.CharField, models.TextField))]
        for row in model.objects.values_list(*fields):
            values.update(str(v) for v in row if v)
    return sorted(values, key=len, reverse=True)


def _shown_text(page: str, user_data: list[str]) -> str:
    text = HIDDEN.sub(" ", page)
    attributes = " | ".join(SHOWN_ATTRIBUTE.findall(text))
    text = html.unescape(re.sub(r"<[^>]+>", " | ", text) + " | " + attributes)
    for value in user_data:
        text = text.replace(value, " | ")
    return ALLOWED.sub(" | ", text)


def _english_sentences() -> list[str]:
    """The English catalogue cut at its placeholders and tags: each piece of two words or more that its
    Japanese translation does not keep as it is (such as "NDA v")."""
    pieces = set()
    for entry in _po("ja"):
        japanese = entry.msgstr + "".join(entry.msgstr_plural.values())
        for english in filter(None, (entry.msgid, entry.msgid_plural)):
            for piece in PLACEHOLDER.split(re.sub(r"<[^>]+>", "%(tag)s", english)):
                piece = piece.strip(" .,:;·—()“”\"'")
                if len(piece.split()) >= 2 and not ALLOWED.fullmatch(piece) and piece not in japanese:
                    pieces.add(piece)
    return sorted(pieces, key=len, reverse=True)


def _crawl(client: Client, start: list[str]) -> dict[str, str]:
    """Every HTML page reachable by links from `start`, as the visitor sees it with Japanese first."""
    pages, queue, seen = {}, list(start), set(start)
    while queue and len(pages) < MAX_PAGES_PER_VISITOR:
        url = queue.pop(0)
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="ja")
        assert response.status_code < 500, url
        if response.status_code in (301, 302):
            found = [response["Location"]]
        elif response["Content-Type"].startswith("text/html"):  # refusals and errors are pages too
            pages[url] = response.content.decode()
            found = re.findall(r"<a\b[^>]*\bhref=\"([^\"#]+)", pages[url])
        else:
            continue
        for href in found:
            target = urljoin(url, html.unescape(href))
            parts = urlsplit(target)
            if parts.netloc and parts.netloc != "testserver":
                continue
            target = parts.path  # one visit per page: its query strings only filter it or say where one came from
            if target not in seen and not target.startswith(SKIPPED_PREFIXES):
                seen.add(target)
                queue.append(target)
    return pages


@pytest.mark.parametrize("visitor", ["anonymous", "tester", "red_teamer", "reviewer", "staff"])
def test_no_page_shows_an_english_sentence_in_japanese(world, visitor):
    if visitor == "anonymous":
        client, start = (
            Client(),
            ["/", "/gallery/", world["share"], "/accounts/login/", "/invite/not-a-token/", "/no-such-page/"],
        )
    else:
        client, start = Client(), ["/", "/staff/audit/" if visitor != "staff" else "/no-such-page/"]
        client.force_login(world["users"][visitor])
    pages = _crawl(client, start)
    assert len(pages) >= (3 if visitor == "anonymous" else 8), sorted(pages)

    user_data, sentences = _user_data(), _english_sentences()
    leaks = {}
    for url, page in pages.items():
        text = _shown_text(page, user_data)
        found = [s for s in sentences if s in text] + ENGLISH_RUN.findall(text)
        if found:
            leaks[url] = sorted(set(found))
    assert leaks == {}
