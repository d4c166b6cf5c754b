"""Every URL pattern has an access rule, and every rule holds for every persona.

A new URL without a rule here fails `test_every_url_pattern_has_an_access_rule`, so nothing ships unguarded.
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accessprogram.services.context import Actor
from accessprogram.services.invitations import invitation_create
from generation.models import StylePreset, TraceRequest
from generation.services.stills import input_image_store, still_check
from review.models import ReasonCode
from tests.conftest import (
    client_for,
    make_cast,
    make_cohort,
    make_output,
    make_red_teamer,
    make_unsigned_tester,
    still_upload,
)

# Every test of the matrix starts from the same rows, made once for the module (tests.conftest.module_rows):
# each request runs in the test's own transaction, rolled back after it.
pytestmark = pytest.mark.django_db

ANON, UNSIGNED, ARTIST, REVIEWER, ADMIN = "anonymous", "unsigned", "artist", "reviewer", "admin"
PERSONAS = (ANON, UNSIGNED, ARTIST, REVIEWER, ADMIN)
MEMBERS = {ARTIST, REVIEWER, ADMIN}

# The admin's desk: every page and action is a program admin's (with TOTP, like every staff page).
DESK_URLS = (
    "accessprogram:desk",
    "accessprogram:staff_token_download",
    "generation:staff_models",
    "generation:staff_model_edit",
    "review:staff_reason_codes",
    "review:staff_reason_code_edit",
    "review:staff_reason_code_active",
    "contributions:staff_policy_list",
    "contributions:staff_policy_edit",
    "contributions:staff_policy_active",
    "contributions:staff_rate_cards",
    "contributions:staff_rate_card",
    "contributions:staff_rate_card_publish",
    "contributions:staff_survey_edit",
    "contributions:staff_survey_open",
    "showcase:staff_licence_for_output",
    "showcase:staff_tester_list",
    "showcase:staff_tester_detail",
)

# URL name -> the personas that reach the view (everyone else is sent to sign in, to the NDA, or refused).
RULES: dict[str, set[str]] = {
    "accessprogram:dashboard": MEMBERS,
    "accessprogram:no_membership": {UNSIGNED, ARTIST, REVIEWER, ADMIN},
    "accessprogram:invitation_accept": {ANON},
    "accessprogram:nda": {UNSIGNED, ARTIST, REVIEWER, ADMIN},
    "accessprogram:nda_receipt": {ARTIST},
    # The language switcher is on every page, public ones included; preferences are an account page.
    "accessprogram:set_language": set(PERSONAS),
    "accessprogram:account_preferences": {UNSIGNED, ARTIST, REVIEWER, ADMIN},
    "accessprogram:invitation_list": {ADMIN},
    "accessprogram:invitation_import": {ADMIN},
    "accessprogram:invitation_resend": {ADMIN},
    "accessprogram:invitation_revoke": {ADMIN},
    "accessprogram:nda_admin_list": {ADMIN},
    "accessprogram:nda_admin_detail": {ADMIN},
    "accessprogram:nda_admin_publish": {ADMIN},
    "accessprogram:nda_admin_evidence": {ADMIN},
    "accessprogram:cohort_list": {ADMIN},
    "accessprogram:cohort_edit": {ADMIN},
    "accessprogram:audit_list": {ADMIN},
    "generation:generate": {ARTIST},
    "generation:library": {ARTIST},
    "generation:library_status": {ARTIST},
    "generation:job_detail": {ARTIST},
    "generation:job_cancel": {ARTIST},
    "generation:job_rerun": {ARTIST},
    "generation:job_variation": {ARTIST},
    "generation:output_video": {ARTIST, REVIEWER, ADMIN},
    "generation:output_poster": {ARTIST, REVIEWER, ADMIN},
    "generation:trace": {ADMIN},
    "generation:trace_result": {ADMIN},
    "generation:fleet": {ADMIN},
    "generation:healthz": set(PERSONAS),
    "generation:readyz": set(PERSONAS),
    "generation:metrics": {ADMIN},  # and a scraper with METRICS_TOKEN
    "generation-list": {ARTIST},
    "generation-detail": {ARTIST},
    "generation-cancel": {ARTIST},
    "output-list": MEMBERS,
    "output-detail": {ARTIST, REVIEWER, ADMIN},
    "output-media": {ARTIST, REVIEWER, ADMIN},
    "api-root": MEMBERS,
    "me": MEMBERS,
    "invitation-list": {ADMIN},
    "schema": MEMBERS,
    "api_docs": MEMBERS,
    "review:review_queue": {REVIEWER, ADMIN},
    "review:review_metrics": {REVIEWER, ADMIN},
    "review:review_item": {REVIEWER, ADMIN},
    "review:review_decide": {REVIEWER, ADMIN},
    "review:output_appeal": {ARTIST},
    "review:output_share": {ARTIST, REVIEWER, ADMIN},
    "review:output_gallery": {ARTIST, REVIEWER, ADMIN},
    "review:share_revoke": {ARTIST, REVIEWER, ADMIN},
    "review-queue": {REVIEWER, ADMIN},
    "review-decision": {REVIEWER, ADMIN},
    "output-share": {ARTIST, REVIEWER, ADMIN},
    "share-list": MEMBERS,
    "share-detail": {ARTIST, REVIEWER, ADMIN},
    # Public pages: the same for everyone, signed in or not, NDA or not (they show only approved work).
    "review:share_page": set(PERSONAS),
    "review:share_media": set(PERSONAS),
    "review:share_poster": set(PERSONAS),
    "review:gallery": set(PERSONAS),
    "review:gallery_media": set(PERSONAS),
    "review:gallery_poster": set(PERSONAS),
    # Leak containment: tokens, kill switches, anomaly thresholds, and the public leak report.
    "accessprogram:access_suspended": {UNSIGNED, ARTIST, REVIEWER, ADMIN},
    "accessprogram:token_list": {ARTIST},
    "accessprogram:token_revoke": {ARTIST},
    "accessprogram:suspension_list": {ADMIN},
    "accessprogram:suspension_lift": {ADMIN},
    "accessprogram:anomaly_thresholds": {ADMIN},
    "token-list": {ARTIST, ADMIN},
    "token-detail": {ARTIST, ADMIN},
    "suspension-list": {ADMIN},
    "suspension-detail": {ADMIN},
    "leak_report": set(PERSONAS),
    # Contributions: feedback, findings (red-teamers only, and none is in this cast), ledger, surveys.
    "contributions:report_list": {ARTIST},
    "contributions:report_new": {ARTIST},
    "contributions:report_detail": {ARTIST},
    "contributions:report_screenshot": {ARTIST, REVIEWER, ADMIN},
    "contributions:finding_list": set(),
    "contributions:finding_new": set(),
    "contributions:finding_detail": set(),
    "contributions:my_ledger": {ARTIST},
    "contributions:survey_list": {ARTIST},
    "contributions:survey_answer": {ARTIST},
    "contributions:staff_report_list": {REVIEWER, ADMIN},
    "contributions:staff_report_detail": {REVIEWER, ADMIN},
    "contributions:staff_finding_list": {REVIEWER, ADMIN},
    "contributions:staff_finding_detail": {REVIEWER, ADMIN},
    "contributions:staff_ledger": {ADMIN},
    "contributions:staff_ledger_advance": {ADMIN},
    "contributions:staff_ledger_statement": {ADMIN},
    "contributions:staff_survey_list": {ADMIN},
    "contributions:staff_survey_results": {ADMIN},
    "feedback-list": MEMBERS,
    "feedback-detail": {ARTIST, REVIEWER, ADMIN},
    "feedback-triage": {REVIEWER, ADMIN},
    "finding-list": MEMBERS,
    "finding-detail": {REVIEWER, ADMIN},
    "finding-submit": {ARTIST},
    "finding-decide": {REVIEWER, ADMIN},
    "ledger-list": {ARTIST},
    "ledger-detail": {ARTIST},
    "rate_card": MEMBERS,
    # Showcase and licensing: the reviewer sits on the call's jury; the licence asks for the artist's output.
    "showcase:showcase_list": MEMBERS,
    "showcase:showcase_call": MEMBERS,
    "showcase:showcase_submit": {ARTIST},
    "showcase:showcase_jury": {REVIEWER},
    "showcase:showcase_jury_confirm": {REVIEWER},
    "showcase:showcase_submission_media": {ARTIST, REVIEWER, ADMIN},
    "showcase:showcase_conflict": {REVIEWER},
    "showcase:showcase_score": {REVIEWER},
    "showcase:licence_list": {ARTIST},
    "showcase:licence_answer": {ARTIST},
    "showcase:exit_archive": {ARTIST},
    "showcase:showcase_admin_list": {ADMIN},
    "showcase:showcase_admin_call": {ADMIN},
    "showcase:showcase_admin_jurors": {ADMIN},
    "showcase:showcase_admin_close": {ADMIN},
    "showcase:showcase_admin_publish": {ADMIN},
    "showcase:showcase_admin_select": {ADMIN},
    "showcase:licence_admin_list": {ADMIN},
    "showcase-call-list": MEMBERS,
    "showcase-call-detail": MEMBERS,
    "showcase-call-submit": {ARTIST},
    "licence-list": MEMBERS,
    "licence-detail": {ARTIST, ADMIN},
    "licence-accept": {ARTIST},
    "licence-decline": {ARTIST},
    # The notification centre: every member's own; a tester who must sign the NDA is sent there first.
    "accessprogram:notification_list": MEMBERS,
    "accessprogram:notification_read": MEMBERS,
    "notification-list": MEMBERS,
    "notification-read": MEMBERS,
    # A permanent redirect to generation:job_detail and the rest, behind the same NDA gate as every page.
    "generation:jobs_moved": {ANON, ARTIST, REVIEWER, ADMIN},
    "generation:output_favourite": {ARTIST},
    "generation:output_program": {ARTIST},
    "generation:collection_create": {ARTIST},
    "generation:collection_rename": {ARTIST},
    "generation:collection_delete": {ARTIST},
    "generation:collection_output": {ARTIST},
    # A still reaches its owner and staff only, before approval and after.
    "generation:input_image": {ARTIST, REVIEWER, ADMIN},
    "generation:style_list": {ADMIN},
    "generation:style_edit": {ADMIN},
    "review:review_compare": {REVIEWER, ADMIN},
    "review:output_notes": {ARTIST, REVIEWER, ADMIN},
    "review:output_revise": {ARTIST},
    "output-notes": {ARTIST, REVIEWER, ADMIN},
    # The program feed: members inside the NDA, never the public.
    "review:program_feed": MEMBERS,
    "review:program_feed_video": MEMBERS,
    "review:program_feed_poster": MEMBERS,
    **{name: {ADMIN} for name in DESK_URLS},
}
# Whole families of third-party views, by the module their views live in.
MODULE_RULES: dict[str, set[str]] = {
    # Account pages (sign in and out, password, e-mail, MFA) stay open to every signed-in user, NDA or not.
    "allauth.": set(PERSONAS),
    # The Django admin: program admins only.
    "django.contrib.admin": {ADMIN},
}


def _walk(resolver: URLResolver, namespace: str | None = None):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry, entry.namespace or namespace)
        elif isinstance(entry, URLPattern):
            yield namespace, entry


def _module_of(pattern: URLPattern) -> str:
    callback = pattern.callback
    view_class = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    target = view_class or callback
    return getattr(target, "__module__", "") or ""


def _full_name(namespace: str | None, pattern: URLPattern) -> str | None:
    return f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name


def _rule_for(namespace: str | None, pattern: URLPattern) -> set[str] | None:
    if _full_name(namespace, pattern) in RULES:
        return RULES[_full_name(namespace, pattern)]
    module = _module_of(pattern)
    if namespace == "admin" or module.startswith("django.contrib.admin"):
        return MODULE_RULES["django.contrib.admin"]
    for prefix, rule in MODULE_RULES.items():
        if module.startswith(prefix):
            return rule
    return None


def test_every_url_pattern_has_an_access_rule():
    unguarded = [
        f"{ns + ':' if ns else ''}{p.name or '(unnamed)'} -> {p.pattern} ({_module_of(p)})"
        for ns, p in _walk(get_resolver())
        if _rule_for(ns, p) is None
    ]
    assert not unguarded, "URL patterns without an access rule in test_url_access.RULES:\n" + "\n".join(unguarded)


def test_every_rule_names_a_real_url():
    names = {_full_name(ns, p) for ns, p in _walk(get_resolver())}
    assert set(RULES) <= names, f"Rules for URLs that no longer exist: {set(RULES) - names}"


@pytest.fixture(scope="module")
def program_rows(module_rows):
    """The cast, and a row for every URL that names one: made once, each test rolls back to them."""
    return module_rows(build_program_rows)


def build_program_rows():
    """(cast, url_args): the cast by persona, and the arguments of every URL that names a row (also used by the
    browser's accessibility walk, which commits them)."""
    rows = make_cast()
    cohort, nda = rows.cohort, rows.nda
    cast = {
        ANON: None,
        UNSIGNED: make_unsigned_tester(cohort),
        ARTIST: rows.artist,
        REVIEWER: rows.reviewer,
        ADMIN: rows.admin_user,
    }
    other_cohort = make_cohort("Red team")
    artist_output = make_output(cast[ARTIST], rows.demo_generation_model)
    shared_output = _shared_output(cast, artist_output)
    contributions = _contributions(cast, cohort, make_red_teamer(other_cohort, nda))
    showcase = _showcase(cast, shared_output)
    revised_output = _revised_output(cast, artist_output)
    url_args = _url_args(
        cast, cohort, other_cohort, nda, artist_output, shared_output, revised_output, contributions, showcase
    )
    return cast, url_args


@pytest.fixture(scope="module")
def cast(program_rows):
    return program_rows[0]


@pytest.fixture(scope="module")
def url_args(program_rows):
    return program_rows[1]


def _shared_output(cast, artist_output):
    """An approved output of the artist's, with a live share link and a gallery entry."""
    from review.services.reviews import review_decide
    from review.services.sharing import gallery_add, share_link_create

    output = make_output(cast[ARTIST], artist_output.job.model)
    review_decide(actor=Actor(user=cast[REVIEWER]), output=output, decision="approve")
    link = share_link_create(actor=Actor(user=cast[ARTIST]), output=output)
    entry = gallery_add(actor=Actor(user=cast[ARTIST]), output=output, credit_line="Aiko")
    return output, link, entry


def _contributions(cast, cohort, red_teamer):
    """A bug report with a screenshot and a ledger entry (the artist's), a red-teamer's finding, an open survey."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from contributions.models import Finding, PolicyRule, Survey
    from contributions.services.ledger import ledger_post, rate_card_draft_from, rate_card_publish
    from contributions.services.reports import report_create

    admin = Actor(user=cast[ADMIN])
    card = rate_card_draft_from(actor=admin, card=None)
    card.lines.create(kind="bug", severity="low", amount_minor=100, currency="EUR")
    rate_card_publish(actor=admin, card=card)
    png = SimpleUploadedFile("s.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32)
    report = report_create(
        actor=Actor(user=cast[ARTIST]),
        reporter=cast[ARTIST],
        type="bug",
        severity="low",
        title="URL test",
        text="x",
        screenshots=[png],
    )
    entry = ledger_post(tester=cast[ARTIST], kind="bug", source=report, actor=admin, severity="low")
    finding = Finding.objects.create(
        reporter=red_teamer, category="other", severity="low", title="URL test", prompt="p"
    )
    survey = Survey.objects.create(cohort=cohort, title="URL test", is_open=True)
    rule = PolicyRule.objects.create(kind="term", pattern="url test", category="other")
    return {
        **{name: {"pk": rule.pk} for name in ("contributions:staff_policy_edit", "contributions:staff_policy_active")},
        **{
            name: {"pk": card.pk} for name in ("contributions:staff_rate_card", "contributions:staff_rate_card_publish")
        },
        **{name: {"pk": survey.pk} for name in ("contributions:staff_survey_edit", "contributions:staff_survey_open")},
        "contributions:report_detail": {"pk": report.pk},
        "contributions:report_screenshot": {"pk": report.pk, "screenshot_id": report.screenshots.get().pk},
        "contributions:staff_report_detail": {"pk": report.pk},
        "feedback-detail": {"pk": report.pk},
        "feedback-triage": {"pk": report.pk},
        **{name: {"pk": finding.pk} for name in ("contributions:finding_detail", "contributions:staff_finding_detail")},
        **{name: {"pk": finding.pk} for name in ("finding-detail", "finding-submit", "finding-decide")},
        **{name: {"pk": entry.pk} for name in ("contributions:staff_ledger_advance", "ledger-detail")},
        **{name: {"pk": survey.pk} for name in ("contributions:survey_answer", "contributions:staff_survey_results")},
    }


def _showcase(cast, shared_output):
    """An open call judged by the reviewer, with the artist's approved output submitted, and a licence request."""
    from datetime import timedelta

    from django.utils import timezone

    from showcase.services.calls import RubricItem, showcase_call_open, showcase_submit
    from showcase.services.licences import licence_request_create

    output = shared_output[0]
    admin = Actor(user=cast[ADMIN])
    call = showcase_call_open(
        actor=admin,
        title="URL test",
        brief="x",
        deadline=timezone.now() + timedelta(days=1),
        rubric=[RubricItem("Craft", 10)],
        jurors=[cast[REVIEWER]],
    )
    submission = showcase_submit(actor=Actor(user=cast[ARTIST]), call=call, output=output)
    today = timezone.localdate()
    licence = licence_request_create(
        actor=admin, output=output, use="x", term_start=today, term_end=today, fee_minor=100, currency="EUR"
    )
    call_names = (
        "showcase:showcase_call",
        "showcase:showcase_submit",
        "showcase:showcase_jury",
        "showcase:showcase_jury_confirm",
    )
    admin_call_names = (
        "showcase:showcase_admin_call",
        "showcase:showcase_admin_jurors",
        "showcase:showcase_admin_close",
    )
    submission_names = (
        "showcase:showcase_submission_media",
        "showcase:showcase_conflict",
        "showcase:showcase_score",
        "showcase:showcase_admin_select",
    )
    return {
        **{name: {"pk": call.pk} for name in call_names + admin_call_names + ("showcase:showcase_admin_publish",)},
        **{name: {"pk": call.pk} for name in ("showcase-call-detail", "showcase-call-submit")},
        **{name: {"pk": submission.pk} for name in submission_names},
        **{name: {"pk": licence.pk} for name in ("showcase:licence_answer", "licence-detail", "licence-accept")},
        "licence-decline": {"pk": licence.pk},
    }


def _revised_output(cast, artist_output):
    """A second version of an artist's output: changes requested, answered with a revision, rendered."""
    from review.services.reviews import review_decide
    from review.services.revisions import revision_submit

    original = make_output(cast[ARTIST], artist_output.job.model)
    review_decide(actor=Actor(user=cast[REVIEWER]), output=original, decision="request_changes", note="Brighter")
    revision = revision_submit(actor=Actor(user=cast[ARTIST]), output=original, prompt="brighter")
    return make_output(cast[ARTIST], artist_output.job.model, job=revision.job)


def _url_args(cast, cohort, other_cohort, nda, artist_output, shared_output, revised_output, contributions, showcase):
    from accessprogram.services.suspensions import suspension_create, suspension_lift
    from generation.models import Collection
    from tests.accessprogram.conftest import issue_token

    job = artist_output.job
    output, link, entry = shared_output
    output.shown_to_program = True
    output.save(update_fields=["shown_to_program"])
    collection = Collection.objects.create(owner=cast[ARTIST], name="URL test")
    token = issue_token(cast[ARTIST]).token
    # A lifted suspension of a cohort none of the cast is in: a real row, stopping nobody.
    suspension = suspension_create(actor=Actor.system(), scope="cohort", target=other_cohort, reason="URL test")
    suspension_lift(actor=Actor.system(), suspension=suspension)
    issued = invitation_create(
        actor=Actor.system(), email="newcomer@vernissage.test", role="artist", cohort=cohort, send=False
    )
    receipt = cast[ARTIST].nda_acceptances.get()
    reason = ReasonCode.objects.create(code="url-test", label="URL test")
    return {
        "accessprogram:invitation_accept": {"token": issued.link.rstrip("/").rsplit("/", 1)[-1]},
        "accessprogram:nda_receipt": {"pk": receipt.pk},
        "accessprogram:invitation_resend": {"pk": issued.invitation.pk},
        "accessprogram:invitation_revoke": {"pk": issued.invitation.pk},
        "accessprogram:nda_admin_detail": {"pk": nda.pk},
        "accessprogram:nda_admin_publish": {"pk": nda.pk},
        "accessprogram:nda_admin_evidence": {"pk": nda.pk},
        "accessprogram:cohort_edit": {"pk": cohort.pk},
        "generation:trace_result": {
            "pk": TraceRequest.objects.create(requested_by=cast[ADMIN], clip_key="traces/x", clip_name="x").pk
        },
        **{
            name: {"pk": job.pk}
            for name in (
                "generation:job_detail",
                "generation:job_cancel",
                "generation:job_rerun",
                "generation:job_variation",
            )
        },
        **{name: {"pk": job.pk} for name in ("generation-detail", "generation-cancel")},
        **{
            name: {"pk": artist_output.pk}
            for name in ("generation:output_video", "generation:output_poster", "output-detail", "output-media")
        },
        **{
            name: {"output_id": artist_output.pk}
            for name in ("review:review_item", "review:review_decide", "review-decision")
        },
        **{
            name: {"pk": output.pk}
            for name in ("review:output_appeal", "review:output_share", "review:output_gallery", "output-share")
        },
        **{name: {"pk": link.pk} for name in ("review:share_revoke", "share-detail")},
        **{name: {"slug": link.slug} for name in ("review:share_page", "review:share_media", "review:share_poster")},
        **{name: {"slug": entry.slug} for name in ("review:gallery_media", "review:gallery_poster")},
        **{name: {"pk": token.pk} for name in ("accessprogram:token_revoke", "token-detail")},
        **{name: {"pk": suspension.pk} for name in ("accessprogram:suspension_lift", "suspension-detail")},
        "generation:style_edit": {"pk": StylePreset.objects.create(name="URL test").pk},
        "generation:input_image": {"pk": input_image_store(owner=cast[ARTIST], still=still_check(still_upload())).pk},
        "generation:jobs_moved": {"rest": f"{job.pk}/"},
        "review:review_compare": {"output_id": revised_output.pk},
        **{name: {"pk": artist_output.pk} for name in ("review:output_notes", "review:output_revise", "output-notes")},
        **{name: {"pk": output.pk} for name in ("review:program_feed_video", "review:program_feed_poster")},
        **{name: {"pk": artist_output.pk} for name in ("generation:output_favourite", "generation:output_program")},
        **{name: {"pk": collection.pk} for name in ("generation:collection_rename", "generation:collection_delete")},
        "generation:collection_output": {"pk": collection.pk, "output_pk": artist_output.pk},
        "accessprogram:staff_token_download": {"pk": token.pk},
        "generation:staff_model_edit": {"pk": job.model_id},
        **{name: {"pk": reason.pk} for name in ("review:staff_reason_code_edit", "review:staff_reason_code_active")},
        "showcase:staff_licence_for_output": {"output_id": output.pk},
        "showcase:staff_tester_detail": {"pk": cast[ARTIST].pk},
        **contributions,
        **showcase,
    }


def reached_view(response) -> bool:
    """True when the request got past every access check (a 405 means the guard let it through)."""
    if response.status_code in (401, 403, 404, 409, 410):
        return False
    if response.status_code in (301, 302):
        location = response["Location"]
        return not any(
            location.startswith(reverse(name))
            for name in (
                "account_login",
                "admin:login",
                "accessprogram:nda",
                "mfa_activate_totp",
                "accessprogram:no_membership",
            )
        )
    return True


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(RULES))
def test_url_access(name, persona, cast, url_args):
    url = reverse(name, kwargs=url_args.get(name))
    client = client_for(cast[persona])
    if name in ("generation:output_video", "output-media"):
        client.get(
            reverse("generation:job_detail", kwargs=url_args["generation:job_detail"])
        )  # a person plays a video from its page
    if name == "review:program_feed_video":
        client.get(reverse("review:program_feed"))  # and a feed video from the feed
    response = client.get(url)
    allowed = persona in RULES[name]
    assert reached_view(response) == allowed, (
        f"{persona} {'should' if allowed else 'must not'} reach {url}: got {response.status_code} "
        f"{response.get('Location', '')}"
    )


@pytest.mark.parametrize("persona", PERSONAS)
def test_django_admin_access(persona, cast):
    response = client_for(cast[persona]).get(reverse("admin:index"))
    assert reached_view(response) == (persona in MODULE_RULES["django.contrib.admin"])


def test_staff_without_totp_reach_only_account_pages(db, nda):
    from accessprogram.models import Role
    from tests.conftest import make_member

    admin = make_member(
        email="new-admin@vernissage.test", name="New Admin", role=Role.PROGRAM_ADMIN, cohort=None, totp=False
    )
    client = client_for(admin)
    response = client.get(reverse("accessprogram:invitation_list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("mfa_activate_totp"))
    assert client.get(reverse("admin:index")).status_code == 302
    api = client.get(reverse("invitation-list"))
    assert api.status_code == 403 and api.json()["code"] == "mfa_required"
    assert reached_view(client.get(reverse("mfa_activate_totp")))


@pytest.mark.parametrize("name", DESK_URLS)
def test_an_admin_without_totp_is_sent_to_enrol_from_every_desk_url(name, db, nda, url_args):
    from accessprogram.models import Role
    from tests.conftest import make_member

    admin = make_member(
        email="new-admin@vernissage.test", name="New Admin", role=Role.PROGRAM_ADMIN, cohort=None, totp=False
    )

    response = client_for(admin).get(reverse(name, kwargs=url_args.get(name)))

    assert response.status_code == 302 and response["Location"].startswith(reverse("mfa_activate_totp"))
