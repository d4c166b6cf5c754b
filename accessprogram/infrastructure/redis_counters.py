"""Counters every web process shares: fixed-window rate limits and per-token sliding-window sets.

Each operation is one Lua script, so it is atomic in Redis whatever the number of web processes, and
uses Redis's clock, so the processes' clocks do not matter. Without REDIS_URL (`make run` only; production
requires it) the same operations run in this process's memory under a lock.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import redis
from django.conf import settings

KEY_PREFIX = "vern:"


@dataclass(frozen=True)
class Limit:
    """At most `count` hits per `seconds`, on fixed windows aligned to the epoch."""

    key: str
    count: int
    seconds: int


# Check every limit first, then count the hit against all of them, or against none when one is full:
# a refused request uses up nothing. Returns the seconds until the fullest window resets ("0" if allowed).
_HIT_SCRIPT = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local wait = 0
local windows = {}
for i, key in ipairs(KEYS) do
  local count, seconds = tonumber(ARGV[2 * i - 1]), tonumber(ARGV[2 * i])
  local window = math.floor(now / seconds)
  windows[i] = key .. ':' .. window
  local used = tonumber(redis.call('GET', windows[i]) or '0')
  if used >= count then
    wait = math.max(wait, (window + 1) * seconds - now)
  end
end
if wait > 0 then
  return tostring(wait)
end
for i, key in ipairs(KEYS) do
  if redis.call('INCR', windows[i]) == 1 then
    redis.call('EXPIRE', windows[i], tonumber(ARGV[2 * i]) + 1)
  end
end
return '0'
"""

# Add one member per set (scored by now), drop members older than the window, return each set's size
# before trimming it to `cap` newest members (so memory stays bounded however hard a token is used).
# `now` is Redis's clock unless the caller passes its own (ARGV[3], empty otherwise).
_OBSERVE_SCRIPT = """
local now = tonumber(ARGV[3])
if not now then
  local clock = redis.call('TIME')
  now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
end
local window, cap = tonumber(ARGV[1]), tonumber(ARGV[2])
local sizes = {}
for i, key in ipairs(KEYS) do
  redis.call('ZADD', key, now, ARGV[i + 3])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  sizes[i] = redis.call('ZCARD', key)
  if sizes[i] > cap then
    redis.call('ZREMRANGEBYRANK', key, 0, sizes[i] - cap - 1)
  end
  redis.call('EXPIRE', key, window + 1)
end
return sizes
"""


class RedisCounters:
    def __init__(self, url: str) -> None:
        self.client = redis.Redis.from_url(url)
        self._hit = self.client.register_script(_HIT_SCRIPT)
        self._observe = self.client.register_script(_OBSERVE_SCRIPT)

    def hit(self, limits: Sequence[Limit]) -> int:
        """Count one hit against every limit; 0 if allowed, else whole seconds until it would be."""
        args = [value for limit in limits for value in (limit.count, limit.seconds)]
        wait = float(self._hit(keys=[KEY_PREFIX + limit.key for limit in limits], args=args))
        return max(1, math.ceil(wait)) if wait > 0 else 0

    def observe(self, members: dict[str, str], *, window: int, cap: int, now: float | None = None) -> dict[str, int]:
        """Add members[key] to each key's window; the number of distinct members each holds now."""
        keys = list(members)
        args = [window, cap, "" if now is None else repr(now), *members.values()]
        sizes = self._observe(keys=[KEY_PREFIX + key for key in keys], args=args)
        return dict(zip(keys, (int(size) for size in sizes), strict=True))

    def last_seen(self, key: str, member: str) -> float | None:
        """When a member was last added to a window (still within it), or None."""
        score = self.client.zscore(KEY_PREFIX + key, member)
        return None if score is None else float(score)

    def members(self, key: str, *, limit: int = 50) -> list[str]:
        """The newest members of a window (for evidence), newest first."""
        return [m.decode(errors="replace") for m in self.client.zrevrange(KEY_PREFIX + key, 0, limit - 1)]

    def forget(self, keys: Sequence[str]) -> None:
        self.client.delete(*(KEY_PREFIX + key for key in keys))

    def clear(self) -> None:
        keys = list(self.client.scan_iter(match=KEY_PREFIX + "*", count=1000))
        if keys:
            self.client.delete(*keys)


class MemoryCounters:
    """The same operations for one process (development without Redis): a lock stands in for Lua."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._windows: dict[str, tuple[int, int]] = {}  # key -> (window number, hits in it)
        self._sets: dict[str, dict[str, float]] = {}

    def hit(self, limits: Sequence[Limit]) -> int:
        with self._lock:
            now = time.time()
            used = {}
            wait = 0.0
            for limit in limits:
                window = math.floor(now / limit.seconds)
                stored_window, hits = self._windows.get(limit.key, (window, 0))
                used[limit.key] = (window, hits if stored_window == window else 0)
                if used[limit.key][1] >= limit.count:
                    wait = max(wait, (window + 1) * limit.seconds - now)
            if wait > 0:
                return max(1, math.ceil(wait))
            for key, (window, hits) in used.items():
                self._windows[key] = (window, hits + 1)
            return 0

    def observe(self, members: dict[str, str], *, window: int, cap: int, now: float | None = None) -> dict[str, int]:
        with self._lock:
            now = time.time() if now is None else now
            sizes = {}
            for key, member in members.items():
                entries = self._sets.setdefault(key, {})
                entries[member] = now
                for old in [m for m, seen in entries.items() if seen < now - window]:
                    del entries[old]
                sizes[key] = len(entries)
                for old in sorted(entries, key=entries.get)[: max(0, len(entries) - cap)]:
                    del entries[old]
            return sizes

    def last_seen(self, key: str, member: str) -> float | None:
        with self._lock:
            return self._sets.get(key, {}).get(member)

    def members(self, key: str, *, limit: int = 50) -> list[str]:
        with self._lock:
            entries = self._sets.get(key, {})
            return sorted(entries, key=entries.get, reverse=True)[:limit]

    def forget(self, keys: Sequence[str]) -> None:
        with self._lock:
            for key in keys:
                self._sets.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._windows.clear()
            self._sets.clear()


@lru_cache(maxsize=4)
def _counters_for(url: str) -> RedisCounters | MemoryCounters:
    return RedisCounters(url) if url else MemoryCounters()


def counters() -> RedisCounters | MemoryCounters:
    """The shared counters for the configured REDIS_URL (one client per process)."""
    return _counters_for(settings.REDIS_URL)
