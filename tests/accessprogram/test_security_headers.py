"""Every response carries the Content-Security-Policy and its companions, pages, API answers and errors alike."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.conftest import client_for

STRICT = ("default-src 'none'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "base-uri 'none'")


def _assert_hardened(response, what: str) -> None:
    policy = response.get("Content-Security-Policy", "")
    assert all(part in policy for part in STRICT), f"{what}: {policy!r}"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, f"{what}: {policy!r}"
    assert "camera=()" in response.get("Permissions-Policy", ""), what
    assert response["X-Content-Type-Options"] == "nosniff", what
    # Static files leave before the clickjacking middleware; the policy's frame-ancestors covers them.
    assert what.startswith("/static/") or response["X-Frame-Options"] == "DENY", what
    assert response["Cross-Origin-Opener-Policy"] == "same-origin", what


@pytest.mark.parametrize(
    "path", ["/accounts/login/", "/gallery/", "/api/v1/me/", "/nowhere/", "/api/v1/nowhere/", "/static/css/site.css"]
)
def test_anonymous_answers_carry_the_policy(db, path):
    _assert_hardened(Client().get(path), path)


@pytest.mark.parametrize("path", ["/", "/api/v1/", "/api/v1/me/", "/api/docs/", "/tokens/"])
def test_a_testers_pages_and_api_answers_carry_the_policy(artist, path):
    _assert_hardened(client_for(artist).get(path), path)
