"""Browser fixtures: Debian's Chromium driven by Playwright against the site served on loopback.

Each person in a story gets their own browser context (their own cookies). Every page's console errors and
uncaught exceptions fail the test, and each step leaves a screenshot under test-artifacts/screenshots/.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from review.models import ReasonCode
from tests.conftest import PASSWORD, TOTP_SECRET
from tests.generation.conftest import demo_models_dir, start_worker  # noqa: F401 -- fixtures shared with these tests

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-gpu",
    "--no-first-run",
    "--disable-sync",
]
TIMEOUT_MS = 15_000
# Run on a job page: every 50 ms, notes its current phase when it changes, and marks the document, so a story
# can tell afterwards which phases it showed and that it was never reloaded meanwhile.
WATCH_PHASES = """() => {
    window.__sameDocument = true;
    window.__phases = [];
    window.__watch = setInterval(() => {
        const current = document.querySelector(".phases li.current");
        const label = current ? current.getAttribute("data-phase") : null;
        if (label && window.__phases[window.__phases.length - 1] !== label) window.__phases.push(label);
    }, 50);
}"""


@pytest.fixture(scope="package")
def browser() -> Browser:
    """One Chromium for every browser test of this package; each person of a story gets a fresh context in it
    (Story.person), so no cookies, storage or cache pass from one test to the next."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Debian's Chromium is missing at {CHROMIUM}: apt-get install chromium (.ci/run does).")
    # Playwright's sync API keeps an event loop running in this thread, so Django would take every ORM call
    # for async code. The calls are synchronous; allow them for the browser tests only.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


class Story:
    """The people of one test, each in their own browser context, and the story's numbered screenshots."""

    def __init__(self, browser: Browser, base_url: str, name: str) -> None:
        self.browser = browser
        self.base_url = base_url
        self.folder = SCREENSHOTS / name
        self.contexts: list[BrowserContext] = []
        self.problems: list[str] = []
        self.step = 0

    def person(self, who: str, **options) -> Page:
        """A new person: their own browser context; `options` are Playwright's (headers, locale, timezone_id)."""
        context = self.browser.new_context(base_url=self.base_url, viewport={"width": 1280, "height": 900}, **options)
        context.set_default_timeout(TIMEOUT_MS)
        self.contexts.append(context)
        page = context.new_page()
        page.on("console", lambda message: self._console(who, message))
        page.on("pageerror", lambda error: self.problems.append(f"{who}: uncaught {error}"))
        return page

    def _console(self, who: str, message) -> None:
        if message.type == "error":
            self.problems.append(f"{who}: console error {message.text} at {message.location.get('url')}")

    def shot(self, page: Page, label: str) -> None:
        """Save the step's screenshot, and note ids used twice on the page (labels and scripts find the wrong one)."""
        duplicated = page.evaluate(
            """() => {
                const ids = Array.from(document.querySelectorAll("[id]"), (el) => el.id);
                return [...new Set(ids.filter((id, i) => ids.indexOf(id) !== i))];
            }"""
        )
        if duplicated:
            self.problems.append(f"{label}: {page.url} uses these ids more than once: {duplicated}")
        self.step += 1
        self.folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=self.folder / f"{self.step:02d}-{label}.png", full_page=True)

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def story(browser, live_server, settings, request):
    """One story's browsers; links in e-mails point at the live server, as SITE_URL does in production."""
    settings.SITE_URL = live_server.url
    name = re.sub(r"^test_", "", request.node.name)
    folder = SCREENSHOTS / name
    if folder.exists():
        for old in folder.glob("*.png"):
            old.unlink()
    current = Story(browser, live_server.url, name)
    yield current
    current.close()
    assert not current.problems, "The browser reported errors:\n" + "\n".join(current.problems)


@pytest.fixture
def reason_codes(transactional_db):
    """The starting reason codes; a transactional test may run after another one has emptied the tables."""
    for position, (code, label) in enumerate([("policy", "Policy"), ("quality", "Quality"), ("other", "Other")]):
        ReasonCode.objects.get_or_create(code=code, defaults={"label": label, "position": position})


def totp_code() -> str:
    """The current code of the staff accounts' authenticator (tests.conftest.TOTP_SECRET)."""
    return format_hotp_value(hotp_value(TOTP_SECRET, int(time.time()) // 30))


def sign_in(page: Page, email: str, *, totp: bool = False) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    if totp:
        page.fill("input[name=code]", totp_code())
        page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(re.compile(r"/$|/nda/"))


def play(page: Page, selector: str = "video") -> dict:
    """Start the video the way its play button does (muted, so no user gesture is needed) and report on it."""
    return page.evaluate(
        """async (selector) => {
            const video = document.querySelector(selector);
            video.muted = true;
            await video.play();
            const started = video.currentTime;
            await new Promise((resolve) => setTimeout(resolve, 500));
            return {
                readyState: video.readyState,
                duration: video.duration,
                started: started,
                currentTime: video.currentTime,
                width: video.videoWidth,
                height: video.videoHeight,
                error: video.error && video.error.message,
            };
        }""",
        selector,
    )


def unfold_composer(page: Page) -> None:
    """Open the composer's folded settings and their advanced part, as a person clicks them open.

    Found by class, not by their summaries' words, so stories in other languages use it too.
    """
    for details in ("details.composer-settings", "details.composer-advanced"):
        if page.locator(details).get_attribute("open") is None:
            page.locator(f"{details} > summary").click()
