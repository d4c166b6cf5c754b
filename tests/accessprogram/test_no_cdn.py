"""Nothing is loaded from another host: every script and stylesheet is served by the site itself."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from tests.conftest import client_for

ASSET = re.compile(r'<(?:script\b[^>]*\bsrc|link\b[^>]*\bhref)\s*=\s*["\']([^"\']+)["\']', re.I)
CDN_HOSTS = ("cdn", "jsdelivr", "unpkg", "googleapis", "gstatic", "cloudflare", "bootstrapcdn")

PAGES = {
    "anonymous": ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/", "/invite/not-a-token/"],
    "unsigned": ["/nda/", "/accounts/email/", "/accounts/password/change/"],
    "artist": ["/", "/nda/", "/api/v1/", "/api/v1/me/", "/api/docs/", "/membership-ended/", "/accounts/2fa/"],
    "reviewer": ["/", "/api/docs/"],
    "admin": [
        "/",
        "/staff/invitations/",
        "/staff/invitations/import/",
        "/staff/nda/",
        "/staff/cohorts/",
        "/staff/audit/",
        "/admin/",
        "/admin/accessprogram/auditevent/",
        "/api/v1/invitations/",
    ],
}
PERSONA_FIXTURES = {"unsigned": "unsigned_tester", "artist": "artist", "reviewer": "reviewer", "admin": "admin_user"}


def _assets(html: str) -> list[str]:
    return ASSET.findall(html)


def _is_local(url: str) -> bool:
    parts = urlsplit(url)
    return (not parts.netloc and not url.startswith("//")) or parts.netloc == "testserver"


@pytest.mark.parametrize("persona", PAGES)
def test_every_page_loads_its_scripts_and_styles_from_this_site(request, nda, persona):
    user = request.getfixturevalue(PERSONA_FIXTURES[persona]) if persona in PERSONA_FIXTURES else None
    client = client_for(user)
    for path in PAGES[persona]:
        response = client.get(path, HTTP_ACCEPT="text/html")

        assert response.status_code in (200, 410), f"{persona} {path}: {response.status_code}"
        assets = _assets(response.content.decode())
        external = [url for url in assets if not _is_local(url)]
        assert not external, f"{path} loads {external}"
        assert not any(host in url.lower() for url in assets for host in CDN_HOSTS), f"{path} loads {assets}"


def test_the_api_docs_use_the_bundled_swagger_ui(as_artist):
    response = as_artist.get(reverse("api_docs"))

    html = response.content.decode()
    assert "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert not re.search(r"https?://(?!testserver)", " ".join(_assets(html)))
    assert "jsdelivr" not in html and "unpkg" not in html
    for asset in _assets(html):
        assert as_artist.get(asset).status_code == 200, asset


def test_the_stylesheet_is_served(client):
    assert client.get("/static/css/site.css").status_code == 200


def test_the_api_schema_is_served_to_members(as_artist):
    response = as_artist.get(reverse("schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    assert "/api/v1/invitations/" in response.content.decode()


def test_the_api_docs_are_not_public(client, db):
    response = client.get(reverse("api_docs"))

    assert response.status_code in (302, 401, 403)
