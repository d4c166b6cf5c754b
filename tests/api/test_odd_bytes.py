"""No byte of input gets a 500: odd bytes in every URL pattern's path segments, query strings, headers and bodies.

Every pattern of the URL resolver (the site, the API with its format suffixes, the account pages, the Django
admin) is requested with each of its path parameters replaced by a NUL, a lone surrogate, a number too long
for Python to read, and ordinary values; with odd query strings; with odd headers (a `Range` of thousands of
digits among them); every API body field gets NUL and a lone surrogate, and every API write gets JSON nested
far deeper than any parser recurses. Anonymous, as a tester (portal session and token) and as staff, each
answer must be a clear 4xx (or a success), never a 5xx.
"""

from __future__ import annotations

import json
import traceback

import pytest
from django.core.signals import got_request_exception
from django.test import Client, RequestFactory
from django.urls import Resolver404, get_resolver, resolve
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer

from accessprogram.models import AnomalyThresholds, SuspensionScope
from accessprogram.services.context import Actor
from accessprogram.services.suspensions import suspension_create
from review.services.reviews import review_decide
from review.services.sharing import gallery_add, share_link_create
from tests.accessprogram.conftest import issue_token
from tests.conftest import client_for, make_output

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

NUL, SURROGATE, HUGE = "%00", "%ED%A0%80", "9" * 4400
# Path segments: NUL, a lone surrogate, a number Python refuses to read, a negative id, and plain values that
# match (an id, and `json` where a format suffix could go).
SEGMENTS = (NUL, SURROGATE, HUGE, "-1", "1", "json")
ADMIN_SEGMENTS = (NUL, SURROGATE, HUGE)
# Query parameters the views read, plus the paginator's and DRF's.
QUERY_NAMES = (
    "q",
    "page",
    "page_size",
    "status",
    "type",
    "review_status",
    "active",
    "from",
    "ids",
    "next",
    "output",
    "part",
    "month",
    "tester",
    "format",
    "cohort",
    "action",
    "age",
    "limit",
    "offset",
)
ODD_QUERIES = (
    "&".join(f"{name}={NUL}" for name in QUERY_NAMES),
    "&".join(f"{name}={SURROGATE}{HUGE}" for name in QUERY_NAMES),
    "&".join(f"{name}=-{HUGE}" for name in QUERY_NAMES) + f"&{SURROGATE}=%FF&month=2025-99&page=0&page=-1",
)
# WSGI carries headers as Latin-1 text: "\xed\xa0\x80" is the bytes of a UTF-8-encoded lone surrogate.
ODD_HEADERS = (
    {
        "HTTP_IF_MODIFIED_SINCE": HUGE,
        "HTTP_IF_NONE_MATCH": "\xed\xa0\x80",
        "HTTP_IF_RANGE": HUGE,
        "HTTP_USER_AGENT": "agent\xed\xa0\x80",
        "HTTP_ACCEPT_LANGUAGE": "\xed\xa0\x80;q=" + HUGE,
        "HTTP_ACCEPT": "application/json; version=\xff; q=" + HUGE,
        "HTTP_X_FORWARDED_FOR": "::::, " + HUGE,
        "HTTP_ORIGIN": "\xed\xa0\x80",
        "HTTP_REFERER": "http://\xff/",
        "HTTP_SEC_FETCH_SITE": HUGE,
        "HTTP_COOKIE": "sessionid=\xed\xa0\x80; csrftoken=" + HUGE,
        "HTTP_RANGE": "bytes=" + HUGE + "-",
    },
    {"HTTP_USER_AGENT": "agent\x00", "HTTP_X_FORWARDED_FOR": "\x00", "HTTP_COOKIE": "sessionid=\x00"},
)
RANGES = ("bytes=" + HUGE + "-", "bytes=0-" + HUGE, "bytes=-" + HUGE, "bytes=\x00-\xed\xa0\x80, 5-1, -, a-b")
ODD_STRINGS = ("\x00", "a\x00b", "\ud800", "x\udfffy")
# Numbers beyond any column or date: a day count of 10**30 overflows a timedelta, a bigint or a float.
ODD_NUMBERS = (10**30, -(10**30), 1e308, -1)
DEEP = 50_000


@pytest.fixture
def exceptions():
    """The tracebacks of requests that raised: a 500 is reported with what caused it."""
    seen: list[str] = []

    def record(sender, request=None, **kwargs):
        seen.append(f"{request.method if request else ''} {request.path if request else ''}\n{traceback.format_exc()}")

    got_request_exception.connect(record)
    yield seen
    got_request_exception.disconnect(record)


@pytest.fixture
def program(artist, admin_user, reviewer, demo_generation_model):
    """Rows the requests may find: a pending and an approved output of the artist's, shared and in the gallery.

    Detection stays out of the way: it answers a crawler with 403s, which would hide what lies behind."""
    AnomalyThresholds.objects.update_or_create(
        pk=AnomalyThresholds.current().pk,
        defaults={"max_requests": 10**6, "max_client_ips": 10**6, "max_networks": 10**6, "max_user_agents": 10**6},
    )
    pending = make_output(artist, demo_generation_model)
    approved = make_output(artist, demo_generation_model)
    review_decide(actor=Actor(user=reviewer), output=approved, decision="approve")
    link = share_link_create(actor=Actor(user=artist), output=approved)
    entry = gallery_add(actor=Actor(user=artist), output=approved, credit_line="Aiko")
    token = issue_token(artist, name="odd bytes")
    return {"pending": pending, "approved": approved, "link": link, "entry": entry, "token": token}


def personas(program, artist, admin_user) -> dict[str, Client]:
    return {
        "anonymous": Client(),
        "tester session": client_for(artist),
        "tester token": Client(HTTP_AUTHORIZATION=f"Bearer {program['token'].secret}"),
        "staff": client_for(admin_user),
    }


def _templates(resolver=None, prefix: str = "") -> set[tuple[str, tuple[str, ...]]]:
    """Every URL the resolver can reverse, as ("/path/%(name)s/", names): what `reverse` itself builds from."""
    resolver = resolver or get_resolver()
    found = {
        ("/" + prefix + pattern, tuple(names))
        for key, entries in resolver.reverse_dict.lists()
        for possibilities, *_ in entries
        for pattern, names in possibilities
    }
    for namespace_prefix, sub in resolver.namespace_dict.values():
        found |= _templates(sub, prefix + namespace_prefix.lstrip("^"))
    return found


def _urls(segments, admin_segments=()) -> list[str]:
    """Each pattern with each value in its path parameters: every URL the resolver hands to a view, and, of the
    ones it refuses, one per literal prefix (`/api/v1/outputs/`, `/staff/invitations/`) and value.

    A path the resolver refuses never reaches the view its pattern names: the middleware (which reads only the
    path's prefix) and the one 404 handler answer it, the same for every such path under one prefix."""
    urls, refused = [], set()
    factory = RequestFactory()
    for template, names in sorted(_templates()):
        admin = template.startswith("/admin/")
        if admin and not admin_segments:
            continue
        prefix = template.split("%(", 1)[0]
        for value in (admin_segments if admin else segments) if names else ("",):
            candidates = [template % dict.fromkeys(names, value)]
            if "format" in names and len(names) > 1:
                candidates.append(template % {**dict.fromkeys(names, value), "format": "json"})
            for url in candidates:
                if _resolves(factory, url):
                    urls.append(url)
                elif (prefix, value) not in refused:
                    refused.add((prefix, value))
                    urls.append(url)
    return urls


def _resolves(factory: RequestFactory, url: str) -> bool:
    """Whether the resolver finds a view for the path the handler will see (percent-decoded, as WSGI gives it)."""
    try:
        resolve(factory.get(url).path_info)
    except Resolver404:
        return False
    return True


def _real_urls(program) -> list[str]:
    """URLs that name rows that exist, so that odd queries and headers reach the views behind them."""
    pending, approved = program["pending"], program["approved"]
    urls = [
        f"/s/{program['link'].slug}/",
        f"/s/{program['link'].slug}/media/",
        f"/s/{program['link'].slug}/poster/",
        f"/gallery/{program['entry'].slug}/media/",
        f"/gallery/{program['entry'].slug}/poster/",
    ]
    for output in (pending, approved):
        urls += [f"/outputs/{output.pk}/video/", f"/outputs/{output.pk}/poster/", f"/generations/{output.job_id}/"]
        urls += [f"/api/v1/outputs/{output.pk}/", f"/api/v1/outputs/{output.pk}/media/", f"/review/{output.pk}/"]
        urls += [f"/api/v1/generations/{output.job_id}/", f"/api/v1/outputs/{output.pk}/media.json"]
    return urls


def _check(client: Client, method: str, url: str, failures: list[str], **extra) -> None:
    if method == "POST" and "logout" in url:
        return  # signing out would leave the rest of the run anonymous
    response = getattr(client, method.lower())(url, **extra)
    if response.status_code >= 500:
        failures.append(f"{method} {url[:120]} {str(extra)[:120]} -> {response.status_code}")


def _report(failures: list[str], exceptions: list[str]) -> str:
    unique = sorted(set(failures))
    causes = sorted({e.strip().splitlines()[-1] + " at " + e.splitlines()[0] for e in exceptions})
    return f"{len(unique)} requests got a 5xx:\n" + "\n".join(unique[:60]) + "\n\nCauses:\n" + "\n".join(causes[:40])


PERSONAS = ("anonymous", "tester session", "tester token", "staff")


@pytest.mark.parametrize("persona", PERSONAS)
def test_odd_bytes_in_path_segments_of_every_url_get_a_4xx(persona, program, artist, admin_user, exceptions):
    client = personas(program, artist, admin_user)[persona]
    client.raise_request_exception = False
    failures: list[str] = []
    # The whole admin sends everyone but staff to sign in, before any segment is read.
    for url in _urls(SEGMENTS, ADMIN_SEGMENTS if persona == "staff" else ()):
        for method in ("GET", "POST"):
            _check(client, method, url, failures)

    assert not failures, _report(failures, exceptions)


@pytest.mark.parametrize("persona", PERSONAS)
def test_odd_query_strings_and_headers_on_every_url_get_a_4xx(persona, program, artist, admin_user, exceptions):
    client = personas(program, artist, admin_user)[persona]
    client.raise_request_exception = False
    failures: list[str] = []
    real = _real_urls(program)
    for url in _urls(("1",)) + real:
        for query in ODD_QUERIES:
            _check(client, "GET", f"{url}?{query}", failures)
        for headers in ODD_HEADERS:
            _check(client, "GET", url, failures, **headers)
    for url in real:
        for byte_range in RANGES:
            _check(client, "GET", url, failures, HTTP_RANGE=byte_range)
        _check(client, "POST", url, failures, data={"passphrase": "\x00", "x": "a\x00b"})

    assert not failures, _report(failures, exceptions)


def _api_writes(document: dict):
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if method in ("post", "put", "patch"):
                yield method, path, operation


def _body_fields(document: dict, operation: dict) -> list[str]:
    content = operation.get("requestBody", {}).get("content", {})
    schema = next(iter(content.values()), {}).get("schema", {})
    if "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return list(schema.get("properties", {}))


@pytest.fixture
def api_document() -> dict:
    return json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True)))


def _api_url(program, path: str) -> str:
    """An API path with the rows the program has: the approved output, its job, or a made-up id."""
    values = {"output_id": program["approved"].pk, "pk": program["approved"].pk}
    if path.startswith("/api/v1/generations/"):
        values["pk"] = program["approved"].job_id
    for name, value in values.items():
        path = path.replace("{" + name + "}", str(value)).replace("{id}", "1")
    return path


# A tester's session and token reach the same serializers: the token stands for both here.
@pytest.mark.parametrize("persona", ("tester token", "staff"))
def test_nul_lone_surrogates_and_huge_numbers_in_every_api_body_field_get_a_400(
    persona, program, artist, admin_user, api_document, exceptions
):
    client = personas(program, artist, admin_user)[persona]
    client.raise_request_exception = False
    failures: list[str] = []
    for method, path, operation in _api_writes(api_document):
        url = _api_url(program, path)
        fields = _body_fields(api_document, operation)
        for field in fields:
            values = [v for odd in ODD_STRINGS for v in (odd, [odd], {odd: odd, "k": [odd]})] + list(ODD_NUMBERS)
            for value in values:
                body = json.dumps({**dict.fromkeys(fields, "x"), field: value})
                _check(client, method.upper(), url, failures, data=body, content_type="application/json")

    assert not failures, _report(failures, exceptions)


@pytest.mark.parametrize("persona", PERSONAS)
def test_deeply_nested_json_to_every_api_write_gets_a_400(
    persona, program, artist, admin_user, api_document, exceptions
):
    client = personas(program, artist, admin_user)[persona]
    client.raise_request_exception = False
    failures: list[str] = []
    bodies = ("[" * DEEP + "]" * DEEP, '{"a":' * DEEP + "1" + "}" * DEEP)
    for method, path, _ in _api_writes(api_document):
        for body in bodies:
            _check(
                client, method.upper(), _api_url(program, path), failures, data=body, content_type="application/json"
            )

    assert not failures, _report(failures, exceptions)


@pytest.mark.parametrize("path", ["/api/docs/", "/api/v1/", "/api/v1/me/", "/api/schema/"])
def test_an_accept_header_nothing_matches_still_meets_the_token_check(path, artist, admin_user, exceptions):
    """The HTML docs once drew their error page before the token was checked, and met the refusal there."""
    issued = issue_token(artist, name="suspended")
    suspension_create(actor=Actor(user=admin_user), scope=SuspensionScope.TOKEN, target=issued.token, reason="x")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {issued.secret}")
    client.raise_request_exception = False

    response = client.get(path, HTTP_ACCEPT="application/x-nothing-renders-this")

    assert response.status_code == 403, _report([path], exceptions)
