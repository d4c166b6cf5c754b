"""Locust users for `bench/bench_load.py`; the data they use (accounts, tokens, jobs, share links) is in
the JSON file named by LOAD_FIXTURE, written by the benchmark after it seeds the database."""

from __future__ import annotations

import itertools
import json
import os
import random

from locust import FastHttpUser, constant, task

FIXTURE = json.loads(open(os.environ["LOAD_FIXTURE"]).read())  # noqa: SIM115, PTH123 -- read once at import
_testers = itertools.cycle(FIXTURE["testers"])


class Ceiling(FastHttpUser):
    """The minimal Django view: the whole middleware stack, no database query, two bytes."""

    wait_time = constant(0)

    @task
    def ceiling(self):
        self.client.get("/bench/ceiling/", name="ceiling: /bench/ceiling/")


class TesterPages(FastHttpUser):
    """A signed-in tester going between the dashboard, the library and one of their job pages."""

    wait_time = constant(0)

    def on_start(self):
        # Signed in through the login form by bench_load.py before the run (a password hash is deliberately
        # slow; logins are not what this scenario measures).
        self.tester = next(_testers)
        self.headers = {"Cookie": f"sessionid={self.tester['session']}"}

    @task
    def dashboard(self):
        self.client.get("/", headers=self.headers, name="tester: dashboard /")

    @task
    def library(self):
        self.client.get("/library/", headers=self.headers, name="tester: /library/")

    @task
    def job(self):
        job = random.choice(self.tester["jobs"])
        self.client.get(f"/generations/{job}/", headers=self.headers, name="tester: /generations/<id>/")


class ApiSubmit(FastHttpUser):
    """A tester's script submitting jobs with its access token (no worker runs: the jobs stay queued)."""

    wait_time = constant(0)

    def on_start(self):
        self.tester = next(_testers)
        self.headers = {"Authorization": f"Bearer {self.tester['token']}"}

    @task
    def submit(self):
        with self.client.post(
            "/api/v1/generations/",
            json=FIXTURE["job"],
            headers=self.headers,
            name="api: POST /api/v1/generations/",
            catch_response=True,
        ) as response:
            if response.status_code != 201:
                response.failure(f"{response.status_code}: {response.text[:200]}")


class PublicShare(FastHttpUser):
    """Anonymous visitors opening public share links."""

    wait_time = constant(0)

    @task
    def share(self):
        self.client.get(f"/s/{random.choice(FIXTURE['slugs'])}/", name="public: /s/<slug>/")
