"""A suspension holds on the very next request in every web process: no cache anywhere lets one through.

The site runs as production runs it, a gunicorn server with several worker processes, against the test
database; this process suspends, and not one later request of the suspended scope is served.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.conf import settings

from accessprogram.models import Program, SuspensionScope
from accessprogram.services.context import Actor
from accessprogram.services.suspensions import suspension_create, suspension_lift
from support.processes import answers, free_port, wait_until
from tests.accessprogram.conftest import issue_token

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]
WORKERS = 3


class WebServer:
    def __init__(self, database_name: str) -> None:
        self.port = free_port()
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODE": "test",
            "TRUSTED_PROXY_COUNT": "1",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database_name}",
            "REDIS_URL": settings.REDIS_URL,
            "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        }
        self.process = subprocess.Popen(  # noqa: S603 -- this interpreter, gunicorn, fixed arguments
            [
                sys.executable,
                "-m",
                "gunicorn",
                "accessprogram.wsgi",
                "--workers",
                str(WORKERS),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )

    def get(self, path: str, token: str, **headers: str) -> tuple[int, dict]:
        request = urllib.request.Request(  # noqa: S310 -- a fixed http URL on this machine
            f"http://127.0.0.1:{self.port}{path}", headers={"Authorization": f"Bearer {token}", **headers}
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")

    def wait_until_up(self, token: str) -> None:
        try:
            wait_until(lambda: answers(lambda: self.get("/api/v1/me/", token)), timeout=60, interval=0.2)
        except TimeoutError:
            self.stop()
            raise AssertionError(
                f"gunicorn did not start:\n{self.process.stdout.read().decode(errors='replace')}"
            ) from None

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


@pytest.fixture(scope="module")
def web_server(django_db_setup):
    """One server for the module, on the test database (whose rows each test commits and clears)."""
    server = WebServer(settings.DATABASES["default"]["NAME"])
    yield server
    server.stop()


@pytest.mark.parametrize("scope", [SuspensionScope.TOKEN, SuspensionScope.TESTER, SuspensionScope.COHORT, "program"])
def test_no_process_serves_a_suspended_scope_after_the_suspension(web_server, admin_user, artist, red_teamer, scope):
    token, bystander = issue_token(artist).secret, issue_token(red_teamer).secret
    web_server.wait_until_up(token)
    # Every worker process has served the token (and would have cached anything it caches).
    assert {web_server.get("/api/v1/me/", token)[0] for _ in range(6 * WORKERS)} == {200}

    target = {
        SuspensionScope.TOKEN: lambda: artist.access_tokens.get(),
        SuspensionScope.TESTER: lambda: artist,
        SuspensionScope.COHORT: lambda: artist.tester_membership.cohort,
        "program": Program.current,
    }[scope]()
    suspension = suspension_create(actor=Actor(user=admin_user), scope=scope, target=target, reason="Leaked")

    after = [web_server.get("/api/v1/me/", token) for _ in range(6 * WORKERS)]
    assert [status for status, _ in after] == [403] * (6 * WORKERS), "requests let through after the kill switch"
    assert {body["code"] for _, body in after} == {"suspended"}
    # Another cohort's tester is untouched (unless the whole program is suspended).
    bystander_status = web_server.get("/api/v1/me/", bystander)[0]
    assert bystander_status == (403 if scope == "program" else 200)

    suspension_lift(actor=Actor(user=admin_user), suspension=suspension)
    assert {web_server.get("/api/v1/me/", token)[0] for _ in range(3 * WORKERS)} == {200}


def test_a_proxy_flooding_every_process_at_once_gets_no_more_than_the_threshold(web_server, artist, red_teamer):
    # Given a leaked token used by 16 concurrent clients, round-robin over 50 addresses of one network...
    from accessprogram.models import AnomalyThresholds

    limit = AnomalyThresholds.current().max_client_ips
    token, bystander = issue_token(artist).secret, issue_token(red_teamer).secret
    web_server.wait_until_up(bystander)
    addresses = [f"203.0.113.{n % 50 + 1}" for n in range(200)]

    with ThreadPoolExecutor(max_workers=16) as pool:
        statuses = list(
            pool.map(lambda ip: web_server.get("/api/v1/me/", token, **{"X-Forwarded-For": ip})[0], addresses)
        )

    # ...at most `limit` requests are served (one per address seen before the threshold), in any interleaving.
    assert 1 <= statuses.count(200) <= limit and statuses.count(403) == len(addresses) - statuses.count(200)
    assert web_server.get("/api/v1/me/", bystander)[0] == 200
