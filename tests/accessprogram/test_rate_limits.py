"""Rate limits per token and per tester, burst and sustained: atomic in Redis, answered with 429 + Retry-After."""

from __future__ import annotations

import threading
import uuid

import pytest
from django.conf import settings as django_settings

from accessprogram.infrastructure.redis_counters import Limit, MemoryCounters, RedisCounters
from tests.accessprogram.conftest import bearer, issue_token

pytestmark = pytest.mark.django_db
ME = "/api/v1/me/"


# Fixed windows are aligned to the clock: tests use long ones so that none rolls over mid-test.
@pytest.fixture
def tight(settings):
    settings.API_RATE_LIMIT_TOKEN = ((3, 3600), (1000, 86400))
    settings.API_RATE_LIMIT_TESTER = ((5, 3600), (1000, 86400))
    return settings


def test_a_token_over_its_burst_gets_429_with_retry_after(tight, artist_token, api):
    statuses = [api.get(ME, **bearer(artist_token)).status_code for _ in range(3)]
    refused = api.get(ME, **bearer(artist_token))

    assert statuses == [200, 200, 200]
    assert refused.status_code == 429 and refused.json()["code"] == "rate_limited"
    assert 1 <= int(refused["Retry-After"]) <= 3600


def test_the_sustained_limit_holds_when_bursts_are_spread_out(settings, artist_token, api):
    settings.API_RATE_LIMIT_TOKEN = ((100, 3600), (4, 86400))

    statuses = [api.get(ME, **bearer(artist_token)).status_code for _ in range(5)]

    assert statuses == [200, 200, 200, 200, 429]
    assert 1 <= int(api.get(ME, **bearer(artist_token))["Retry-After"]) <= 86400


def test_a_testers_tokens_and_session_share_the_testers_limit(tight, artist, as_artist, api):
    first, second = issue_token(artist, name="one"), issue_token(artist, name="two")

    statuses = [
        api.get(ME, **bearer(first)).status_code,
        api.get(ME, **bearer(second)).status_code,
        as_artist.get(ME).status_code,
        api.get(ME, **bearer(first)).status_code,
        api.get(ME, **bearer(second)).status_code,
    ]

    assert statuses == [200] * 5
    assert api.get(ME, **bearer(second)).status_code == 429
    assert as_artist.get(ME).status_code == 429


def test_one_testers_limit_leaves_another_tester_alone(tight, artist_token, artist2, api):
    other = issue_token(artist2)
    while api.get(ME, **bearer(artist_token)).status_code != 429:
        pass

    assert api.get(ME, **bearer(other)).status_code == 200


def test_staff_are_not_rate_limited_here(tight, as_admin):
    assert {as_admin.get(ME).status_code for _ in range(8)} == {200}


def test_a_refused_request_uses_up_nothing(tight, artist, api):
    # Given a token whose own burst is spent...
    spent = issue_token(artist, name="spent")
    for _ in range(3):
        api.get(ME, **bearer(spent))
    assert api.get(ME, **bearer(spent)).status_code == 429
    # ...its refused requests did not count against the tester, who still has two left.
    for _ in range(5):
        api.get(ME, **bearer(spent))
    fresh = issue_token(artist, name="fresh")
    assert [api.get(ME, **bearer(fresh)).status_code for _ in range(3)] == [200, 200, 429]


@pytest.fixture(params=["redis", "memory"])
def backend(request):
    counters = RedisCounters(django_settings.REDIS_URL) if request.param == "redis" else MemoryCounters()
    yield counters
    counters.clear()


def key() -> str:
    return f"test:{uuid.uuid4().hex}"


def test_limits_count_hits_until_full_then_say_how_long_to_wait(backend):
    limit = Limit(key(), 2, 3600)

    results = [backend.hit([limit]) for _ in range(3)]

    assert results[:2] == [0, 0] and 1 <= results[2] <= 3600


def test_a_hit_counts_against_every_limit_or_none(backend):
    roomy, full = Limit(key(), 10, 3600), Limit(key(), 1, 3600)
    backend.hit([full])

    assert backend.hit([roomy, full]) > 0
    assert backend.hit([roomy]) == 0
    assert [backend.hit([roomy]) for _ in range(10)] == [0] * 9 + [pytest.approx(1800, abs=1800)]


def test_concurrent_hits_never_exceed_the_limit(backend):
    limit = Limit(key(), 50, 3600)
    allowed = []
    lock = threading.Lock()

    def hammer():
        counters = RedisCounters(django_settings.REDIS_URL) if isinstance(backend, RedisCounters) else backend
        for _ in range(20):
            if counters.hit([limit]) == 0:
                with lock:
                    allowed.append(1)

    threads = [threading.Thread(target=hammer) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(allowed) == 50


def test_windows_count_distinct_members_and_stay_bounded(backend):
    ips = key()

    sizes = [backend.observe({ips: f"198.51.100.{n % 7}"}, window=60, cap=5)[ips] for n in range(20)]

    # Past the cap the oldest member is dropped, so a count only ever reads "over the cap", never more.
    assert sizes == [1, 2, 3, 4, 5] + [6] * 15
    assert len(backend.members(ips)) == 5
