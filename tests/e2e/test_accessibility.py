"""Accessibility in Chromium: axe-core checks every portal page, as each kind of person who reaches it sees it.

The pages are the portal's URL names in the access matrix (tests/accessprogram/test_url_access.py: RULES, with
the arguments its `url_args` fixture builds), less NOT_PAGES, plus the account pages in OTHER_PAGES. A new
page is walked as soon as it has its access rule; a new URL that is not a page goes into NOT_PAGES.

axe-core comes from npm (package.json, package-lock.json; `make install` runs `npm ci`) and is evaluated
through the DevTools protocol, which the pages' strict Content-Security-Policy does not apply to.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from accessprogram.models import User
from tests.accessprogram.test_url_access import ADMIN, ANON, ARTIST, REVIEWER, RULES, UNSIGNED, build_program_rows
from tests.e2e.conftest import ROOT, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# What fails the walk: every serious or critical violation, and the page-level structure axe rates lower.
BLOCKING_IMPACTS = {"serious", "critical"}
BLOCKING_RULES = {"page-has-heading-one", "landmark-one-main", "heading-order", "empty-heading"}

# URL names in the matrix that are not pages a person reads: media, downloads, JSON, probes, redirects, and
# views that only take a POST. Every other portal (namespaced) name is walked.
NOT_PAGES = {
    "accessprogram:set_language",
    "accessprogram:nda_receipt",
    "accessprogram:nda_admin_evidence",
    "accessprogram:invitation_resend",
    "accessprogram:invitation_revoke",
    "accessprogram:suspension_lift",
    "accessprogram:anomaly_thresholds",
    "accessprogram:notification_read",
    "generation:library_status",
    "generation:job_cancel",
    "generation:job_rerun",
    "generation:job_variation",
    "generation:jobs_moved",
    "generation:collection_create",
    "generation:collection_rename",
    "generation:collection_delete",
    "generation:collection_output",
    "generation:output_favourite",
    "generation:output_program",
    "generation:output_video",
    "generation:output_poster",
    "generation:input_image",
    "generation:healthz",
    "generation:readyz",
    "generation:metrics",
    "review:review_decide",
    "review:output_appeal",
    "review:output_share",
    "review:output_gallery",
    "review:share_media",
    "review:share_poster",
    "review:gallery_media",
    "review:gallery_poster",
    "review:program_feed_video",
    "review:program_feed_poster",
    "review:staff_reason_code_active",
    "review:output_notes",
    "review:output_revise",
    "contributions:report_screenshot",
    "contributions:staff_ledger_advance",
    "contributions:staff_ledger_statement",
    "contributions:staff_survey_open",
    "contributions:staff_policy_active",
    "showcase:showcase_submit",
    "showcase:showcase_jury_confirm",
    "showcase:showcase_submission_media",
    "showcase:showcase_conflict",
    "showcase:showcase_score",
    "showcase:licence_answer",
    "showcase:exit_archive",
    "showcase:showcase_admin_jurors",
    "showcase:showcase_admin_close",
    "showcase:showcase_admin_publish",
    "showcase:showcase_admin_select",
}
# Pages that differ with the person (their own dashboard, navigation, forms): walked as everyone who reaches
# them. Every other page is walked once, as the first of WALKERS who reaches it.
PER_PERSON = {"accessprogram:dashboard", "accessprogram:nda", "accessprogram:account_preferences"}
# The matrix's cast has no red-teamer (their pages' rule is empty there): this walk adds one for them.
RED_TEAMER = "red_teamer"
RED_TEAM_PAGES = {"contributions:finding_list", "contributions:finding_new", "contributions:finding_detail"}
WALKERS = (ARTIST, REVIEWER, ADMIN, ANON, UNSIGNED, RED_TEAMER)
# Account pages (allauth's, without a name in the matrix), by path.
OTHER_PAGES = {
    ANON: ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"],
    ARTIST: ["/accounts/email/", "/accounts/password/change/"],
    REVIEWER: ["/accounts/2fa/"],
}


def portal_pages(args: dict) -> dict[str, list[tuple[str, str]]]:
    """Who walks which pages: person -> [(label, path)], with `args` the URL arguments of the matrix."""
    walks: dict[str, list[tuple[str, str]]] = {
        who: [(path, path) for path in OTHER_PAGES.get(who, [])] for who in WALKERS
    }
    for name, people in sorted(RULES.items()):
        if ":" not in name or name in NOT_PAGES or not (people or name in RED_TEAM_PAGES):
            continue
        path = reverse(name, kwargs=args.get(name))
        walkers = [RED_TEAMER] if name in RED_TEAM_PAGES else [who for who in WALKERS if who in people]
        for who in walkers if name in PER_PERSON else walkers[:1]:
            walks[who].append((name, path))
    return walks


def axe_violations(page: Page) -> list[dict]:
    """The page's axe-core violations (every rule axe runs by default: WCAG 2.x A and AA, best practices)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    return page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ["violations"]});
            return result.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")),
            }));
        }"""
    )


def blocking(violations: list[dict]) -> list[dict]:
    return [v for v in violations if v["impact"] in BLOCKING_IMPACTS or v["id"] in BLOCKING_RULES]


@pytest.mark.parametrize("who", WALKERS)
def test_every_portal_page_passes_axe(story, transactional_db, who):
    assert AXE.exists(), "axe-core is missing: run `make install` (npm ci installs package-lock.json)."
    cast, url_args = build_program_rows()  # the matrix's rows, committed so the site's server sees them
    pages = portal_pages(url_args)[who]
    page = story.person(who)
    if who != ANON:
        user = cast[who] if who in cast else User.objects.get(email="rosa@vernissage.test")
        sign_in(page, user.email, totp=who in (ADMIN, REVIEWER))
    failures: list[str] = []
    for label, path in pages:
        response = page.goto(path)
        kind = response.headers.get("content-type", "") if response else ""
        if response is None or response.status >= 400 or not kind.startswith("text/html"):
            failures.append(
                f"{label} ({path}) is not a page for {who}: {response and response.status} {kind}; "
                "if it is not one, add it to NOT_PAGES"
            )
            continue
        for v in blocking(axe_violations(page)):
            failures.append(f"{label} ({path}): {v['id']} [{v['impact']}] {v['help']} at {v['nodes']}")
    story.shot(page, f"{who}-last-page")

    assert pages, f"No page walked as {who}"
    assert not failures, f"axe-core, as {who}, on {len(pages)} pages:\n" + "\n".join(failures)
