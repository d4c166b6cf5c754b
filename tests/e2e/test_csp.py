"""The Content-Security-Policy in Chromium: every page of the portal loads and runs under it without a single
violation, for every kind of person, and markup that slips through escaping cannot run script.

Each page listens for `securitypolicyviolation` events from its first byte; the story fixture also fails the
test on any console error (Chromium reports each refused inline script or style there too).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from accessprogram.services.context import Actor
from generation.services.library import output_show_to_program
from review.services.reviews import review_decide
from review.services.sharing import gallery_add, share_link_create
from tests.conftest import make_output
from tests.e2e.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  const where = `${e.sourceFile}:${e.lineNumber}`;
  window.__violations.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${where}`);
});
"""
# Pages beyond the main navigation, with the rows named in `_rows`.
EXTRA = {
    "anonymous": ["/accounts/login/", "/accounts/password/reset/", "/accounts/signup/", "/gallery/", "{share}"],
    "artist": [
        "/",
        "/api/v1/",
        "/api/v1/generations/",
        "/api/docs/",
        "/accounts/email/",
        "/accounts/password/change/",
        "{job}",
        "{share}",
        "/library/?status=succeeded&sort=favourites",
        "/program/",
    ],
    "reviewer": ["/", "/review/", "{review}", "/program/", "/api/v1/review/queue/", "/api/docs/", "/accounts/2fa/"],
    "admin": ["/", "/api/v1/suspensions/", "/admin/", "/admin/accessprogram/auditevent/", "{review}"],
}


def _listening(story, who: str) -> Page:
    page = story.person(who)
    page.context.add_init_script(LISTEN)
    return page


def _visit(page: Page, path: str, violations: list[str]) -> None:
    response = page.goto(path)
    assert response is not None and response.status < 400, f"{path}: {response and response.status}"
    policy = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy, f"{path}: {policy!r}"
    page.wait_for_load_state("networkidle")
    violations += [f"{path}: {v}" for v in page.evaluate("window.__violations")]


def _nav_links(page: Page) -> list[str]:
    return page.eval_on_selector_all("nav[aria-label=Main] a", "links => links.map(a => a.getAttribute('href'))")


@pytest.fixture
def rows(artist, reviewer, demo_generation_model) -> dict[str, str]:
    """An approved output of the artist's, shared and in the gallery, and a pending one for the review page."""
    approved = make_output(artist, demo_generation_model)
    review_decide(actor=Actor(user=reviewer), output=approved, decision="approve")
    link = share_link_create(actor=Actor(user=artist), output=approved, credit_line="Aiko")
    gallery_add(actor=Actor(user=artist), output=approved, credit_line="Aiko")
    output_show_to_program(actor=Actor(user=artist), output=approved, shown=True)
    pending = make_output(artist, demo_generation_model)
    return {"share": f"/s/{link.slug}/", "job": f"/generations/{approved.job_id}/", "review": f"/review/{pending.pk}/"}


@pytest.mark.parametrize("who", ["anonymous", "artist", "reviewer", "admin"])
def test_every_page_runs_under_the_policy_without_a_violation(story, request, rows, who):
    page = _listening(story, who)
    if who != "anonymous":
        user = request.getfixturevalue("admin_user" if who == "admin" else who)
        sign_in(page, user.email, totp=who in ("admin", "reviewer"))
    paths = [path.format(**rows) for path in EXTRA[who]]
    if who != "anonymous":
        paths += [link for link in _nav_links(page) if link not in paths]
    violations: list[str] = []
    for path in paths:
        _visit(page, path, violations)
    story.shot(page, f"{who}-last-page")

    assert not violations, "Content-Security-Policy violations:\n" + "\n".join(violations)


def test_markup_that_slips_through_escaping_cannot_run_script(story):
    page = _listening(story, "visitor")
    page.goto("/accounts/login/")

    ran = page.evaluate(
        """async () => {
            window.__ran = false;
            const holder = document.createElement("div");
            holder.innerHTML = '<img src="x" onerror="window.__ran = true">';
            document.body.append(holder);
            const script = document.createElement("script");
            script.textContent = "window.__ran = true";
            document.body.append(script);
            await new Promise((resolve) => setTimeout(resolve, 300));
            return window.__ran;
        }"""
    )

    assert ran is False
    assert any("script-src" in v for v in page.evaluate("window.__violations"))
    # Chromium reports what it refused on the console: that is the point of this test, not a problem.
    story.problems = [p for p in story.problems if "Content Security Policy" not in p and "/x" not in p]
