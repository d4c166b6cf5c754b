"""The API against its own OpenAPI schema: schemathesis generates requests for every operation in /api/schema/.

As an NDA-signed artist with an access token (generate, read, download) and as a program admin with a portal
session, every answer must be documented (status, content type, headers, body) and none may be a 5xx; and
operations that need sign-in refuse requests without credentials or with an unknown, malformed, revoked,
expired or suspended token. For a longer run: `VERNISSAGE_FUZZ_EXAMPLES` (generated examples per operation,
default 5) and `VERNISSAGE_FUZZ_COVERAGE_MODE=all` (boundary cases of invalid input too, not only valid).
"""

from __future__ import annotations

import json
import os
import re
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.config import SchemathesisConfig

from accessprogram.models import AccessToken, Role, SuspensionScope, TokenScope
from accessprogram.services.context import Actor
from accessprogram.services.invitations import invitation_create
from accessprogram.services.suspensions import suspension_create
from accessprogram.services.tokens import token_grant_download, token_revoke
from review.services.reviews import review_decide
from review.services.sharing import share_link_create
from tests.accessprogram.conftest import bearer, issue_token
from tests.conftest import client_for, make_cast, make_job, make_output, make_second_artist

# Operations anyone may call: scanners report leaked tokens without an account.
PUBLIC_OPERATIONS = {"POST /api/v1/leaks/"}
EXAMPLES = int(os.environ.get("VERNISSAGE_FUZZ_EXAMPLES", "5"))
SCHEMA_URL = "/api/schema/?format=json"
CSRF_SECRET = "f" * 32  # any 32 letters or digits: the CSRF cookie and header only have to agree

pytestmark = pytest.mark.django_db


def _schema_document() -> dict:
    """The document /api/schema/ serves (it needs a signed-in member, so the collection step builds it)."""
    return json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True)))


@dataclass
class Credentials:
    """Who the generated requests are sent as in the running test, and the rows they may name."""

    tester_secret: str = ""
    refused_secrets: dict[str, str] = field(default_factory=dict)
    staff_session: str = ""
    staff: Client | None = None
    ids: dict[str, list] = field(default_factory=dict)

    def ids_for(self, path: str, name: str) -> list:
        """Ids the admin or the tester can list for a path parameter: `/outputs/{id}/…` → the outputs,
        `/review/{output_id}/…` → the outputs too."""
        if self.staff is None:  # cases built while tests are collected
            return []
        collection = path[: path.index("{" + name + "}")]
        if name != "id" and name.endswith("_id"):
            collection = re.sub(r"[^/]+/$", f"{name[:-3]}s/", collection)
        if collection not in self.ids:
            found = self.ids[collection] = []
            for response in (self.staff.get(collection), self.staff.get(collection, **bearer(self.tester_secret))):
                body = response.json() if response.status_code == 200 else {}
                rows = body.get("results", []) if isinstance(body, dict) else body
                found += [row["id"] for row in rows if isinstance(row, dict) and "id" in row and row["id"] not in found]
        return self.ids[collection]


current = Credentials()


def _in_test_transaction(app):
    """The WSGI application, answering within the running test's transaction as with Django's test client:
    without closing the database connection when a request starts or ends."""

    def application(environ, start_response):
        signals.request_started.disconnect(close_old_connections)
        signals.request_finished.disconnect(close_old_connections)
        try:
            response = app(environ, start_response)
            try:
                return [b"".join(response)]
            finally:
                response.close()
        finally:
            signals.request_started.connect(close_old_connections)
            signals.request_finished.connect(close_old_connections)

    return application


# Two checks ask more than an OpenAPI document can say: that every schema-valid body is accepted (a model
# or cohort must exist by name; a token suspension must name its token) and that every schema-violating
# value is refused (form-encoded bodies carry no types; list filters ignore values they do not know).
CONFIG = SchemathesisConfig.from_dict(
    {
        "checks": {"positive_data_acceptance": {"enabled": False}, "negative_data_rejection": {"enabled": False}},
        "phases": {"coverage": {"generation": {"mode": os.environ.get("VERNISSAGE_FUZZ_COVERAGE_MODE", "positive")}}},
    }
)


def _load(document: dict):
    schema = schemathesis.openapi.from_dict(document, config=CONFIG)
    schema.app = _in_test_transaction(get_wsgi_application())
    schema.location = SCHEMA_URL

    @schema.hook
    def flatmap_path_parameters(context, path_parameters):
        """Half the path parameters name rows that exist (the tester's, another artist's), the rest are made up."""
        path_parameters = path_parameters or {}
        known = [
            {**path_parameters, name: value}
            for name in path_parameters
            for value in current.ids_for(context.operation.path, name)
        ]
        return st.one_of(st.just(path_parameters), st.sampled_from(known)) if known else st.just(path_parameters)

    return schema


tester_schema = _load(_schema_document())
staff_schema = _load(_schema_document())


TOKEN_SLOT, SESSION_SLOT = "vern_slot", "session-slot"


@tester_schema.auth(refresh_interval=None)
class TesterToken:
    """Marks where the token goes; `_sign` puts the running test's token there."""

    def get(self, case, context):
        return TOKEN_SLOT

    def set(self, case, data, context):
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


@staff_schema.auth(refresh_interval=None)
class StaffSession:
    """Marks where the session goes; `_sign` puts the running test's session there."""

    def get(self, case, context):
        return SESSION_SLOT

    def set(self, case, data, context):
        case.cookies = {**(case.cookies or {}), "sessionid": data, "csrftoken": CSRF_SECRET}
        case.headers = {**(case.headers or {}), "X-CSRFToken": CSRF_SECRET}


def _sign(case, *, token: str = "", session: str = "") -> None:
    """Some cases are built while tests are collected, before any user exists: sign them now. Cases that
    leave credentials out, or carry made-up ones, on purpose keep them."""
    if token and (case.headers or {}).get("Authorization") == f"Bearer {TOKEN_SLOT}":
        case.headers["Authorization"] = f"Bearer {token}"
    if session and (case.cookies or {}).get("sessionid") == SESSION_SLOT:
        case.cookies["sessionid"] = session


fuzz_settings = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture(scope="module")
def program_rows(module_rows) -> dict:
    """Rows for the generated requests to find: both artists' jobs and outputs, a share link, tokens, suspensions.

    Made once for the module (tests.conftest.module_rows): every test starts from them, and what its requests
    change is rolled back after it."""
    return module_rows(_program_rows)


def _program_rows() -> dict:
    rows = make_cast()
    artist, artist2 = rows.artist, make_second_artist(rows.cohort, rows.nda)
    admin_user, reviewer, demo_generation_model = rows.admin_user, rows.reviewer, rows.demo_generation_model
    pending = make_output(artist, demo_generation_model)
    approved = make_output(artist, demo_generation_model)
    review_decide(actor=Actor(user=reviewer), output=approved, decision="approve")
    share_link_create(actor=Actor(user=artist), output=approved, credit_line="Aiko")
    make_output(artist2, demo_generation_model)
    make_job(artist, demo_generation_model)
    make_job(artist2, demo_generation_model)

    token = issue_token(artist, scopes=(TokenScope.READ, TokenScope.GENERATE), name="fuzzing")
    token_grant_download(actor=Actor(user=admin_user), token=token.token, reason="Fuzzing the media endpoint")
    issue_token(artist, name="spare")
    revoked = issue_token(artist, name="revoked")
    token_revoke(actor=Actor(user=artist), token=revoked.token)
    expired = issue_token(artist, name="expired")
    AccessToken.objects.filter(pk=expired.token.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    suspended = issue_token(artist2, name="suspended")
    suspension_create(actor=Actor(user=admin_user), scope=SuspensionScope.TOKEN, target=suspended.token, reason="x")
    invitation_create(
        actor=Actor.system(), email="nova@vernissage.test", role=Role.ARTIST, cohort=pending.job.cohort, send=False
    )

    return {
        "admin": admin_user,
        "tester_secret": token.secret,
        "refused_secrets": {
            "unknown": "vern_" + "A" * 38,
            "malformed": "not-a-token",
            "revoked": revoked.secret,
            "expired": expired.secret,
            "suspended": suspended.secret,
        },
    }


@pytest.fixture
def program(program_rows, db) -> Credentials:
    """The running test's credentials: the module's tokens and a fresh staff session; ids are listed anew."""
    current.tester_secret = program_rows["tester_secret"]
    current.refused_secrets = dict(program_rows["refused_secrets"])
    current.staff = client_for(program_rows["admin"])
    current.staff_session = current.staff.cookies["sessionid"].value
    yield current
    current.tester_secret = current.staff_session = ""
    current.refused_secrets = {}
    current.staff = None
    current.ids = {}


@tester_schema.parametrize()
@fuzz_settings
def test_the_api_keeps_its_schema_for_a_tester_with_a_token(case, program):
    _sign(case, token=program.tester_secret)
    case.call_and_validate()


@staff_schema.parametrize()
@fuzz_settings
def test_the_api_keeps_its_schema_for_staff(case, program):
    _sign(case, session=program.staff_session)
    case.call_and_validate()


def test_the_fuzzed_schema_is_the_one_the_api_serves(program):
    served = program.staff.get(SCHEMA_URL)

    assert served.status_code == 200
    # The same operations, each with the same documented answers and security.
    assert _summary(served.json()) == _summary(tester_schema.raw_schema)


def _summary(document: dict) -> dict:
    return {
        label: (sorted(operation["responses"]), operation.get("security"))
        for label, _, _, operation in _operations(document)
    }


def _operations(document: dict):
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            yield f"{method.upper()} {path}", method, path, operation


def _needs_sign_in(operation: dict) -> bool:
    security = operation.get("security")
    return bool(security) and {} not in security


def test_only_the_leak_report_is_open_to_anyone():
    open_operations = {label for label, _, _, operation in _operations(tester_schema.raw_schema)}
    open_operations -= {lb for lb, _, _, o in _operations(tester_schema.raw_schema) if _needs_sign_in(o)}

    assert open_operations == PUBLIC_OPERATIONS


def _example_url(program: Credentials, path: str, operation: dict) -> str:
    """The path with a row's id in each parameter where one exists, else an id of the right shape."""
    for parameter in operation.get("parameters", []):
        if parameter["in"] != "path":
            continue
        name, schema = parameter["name"], parameter["schema"]
        known = program.ids_for(path, name)
        shaped = uuid.uuid4() if "a-f" in schema.get("pattern", "") else 1
        path = path.replace("{" + name + "}", str(known[0] if known else shaped))
    return path


def test_operations_that_need_sign_in_refuse_requests_without_valid_credentials(program):
    client = Client()
    refusals = []
    for label, method, path, operation in _operations(tester_schema.raw_schema):
        if not _needs_sign_in(operation):
            continue
        url = _example_url(program, path, operation)
        attempts = {"no credentials": {}} | {
            f"{kind} token": bearer(secret) for kind, secret in program.refused_secrets.items()
        }
        for attempt, headers in attempts.items():
            response = getattr(client, method)(url, content_type="application/json", **headers)
            body = response.json() if response["Content-Type"] == "application/json" else {}
            if response.status_code not in (401, 403) or not {"detail", "code"} <= set(body):
                refusals.append(f"{label} with {attempt}: {response.status_code} {response.content[:200]!r}")

    assert not refusals, "\n".join(refusals)
