"""Typed readers for the environment: each raises ImproperlyConfigured naming the variable."""

from __future__ import annotations

import os
from urllib.parse import parse_qs, unquote, urlparse

import dj_database_url
from django.core.exceptions import ImproperlyConfigured


def _bad(name: str, value: str, expected: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(f"Environment variable {name}={value!r} is invalid: expected {expected}.")


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name)
    if value is None or value == "":
        if default is None:
            raise ImproperlyConfigured(f"Environment variable {name} is required but not set.")
        return default
    return value


def env_choice(name: str, choices: tuple[str, ...], default: str) -> str:
    value = env_str(name, default)
    if value not in choices:
        raise _bad(name, value, "one of " + ", ".join(choices))
    return value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise _bad(name, value, "a boolean (true/false/1/0/yes/no/on/off)")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise _bad(name, value, "an integer") from None
    if minimum is not None and number < minimum:
        raise _bad(name, value, f"an integer of at least {minimum}")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_database(name: str, default: str) -> dict:
    value = env_str(name, default)
    try:
        config = dj_database_url.parse(value, conn_max_age=60, conn_health_checks=True)
    except Exception as exc:  # dj_database_url raises several types for malformed URLs
        raise _bad(name, value, f"a database URL such as postgres://user@host:5432/name ({exc})") from None
    if not config.get("ENGINE"):
        raise _bad(name, value, "a database URL with a known scheme (postgres://, sqlite:///)")
    return config


def env_broker(name: str, default: str) -> str:
    value = env_str(name, default)
    scheme = urlparse(value).scheme
    if scheme not in {"redis", "rediss", "amqp", "amqps", "pyamqp", "filesystem", "memory"}:
        raise _bad(name, value, "a Celery broker URL (redis://, amqp:// or filesystem://)")
    return value


def env_email(name: str, default: str) -> dict[str, object]:
    """Parse EMAIL_URL: console://, locmem://, or smtp[s]://user:password@host:port[?from=...]."""
    value = env_str(name, default)
    url = urlparse(value)
    backends = {
        "console": "django.core.mail.backends.console.EmailBackend",
        "locmem": "django.core.mail.backends.locmem.EmailBackend",
        "smtp": "django.core.mail.backends.smtp.EmailBackend",
        "smtps": "django.core.mail.backends.smtp.EmailBackend",
        "submission": "django.core.mail.backends.smtp.EmailBackend",
    }
    if url.scheme not in backends:
        raise _bad(name, value, "console://, locmem://, smtp://user:password@host:port or smtps://…")
    config: dict[str, object] = {"EMAIL_BACKEND": backends[url.scheme]}
    if url.scheme in {"smtp", "smtps", "submission"}:
        if not url.hostname:
            raise _bad(name, value, "an SMTP URL with a host name")
        try:
            port = url.port
        except ValueError:
            raise _bad(name, value, "an SMTP URL with a numeric port") from None
        config.update(
            EMAIL_HOST=url.hostname,
            EMAIL_PORT=port or (465 if url.scheme == "smtps" else 587),
            EMAIL_HOST_USER=unquote(url.username or ""),
            EMAIL_HOST_PASSWORD=unquote(url.password or ""),
            EMAIL_USE_SSL=url.scheme == "smtps",
            EMAIL_USE_TLS=url.scheme in {"smtp", "submission"} and url.port != 25,
        )
    sender = parse_qs(url.query).get("from")
    if sender:
        config["DEFAULT_FROM_EMAIL"] = sender[0]
    return config


_RATE_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def env_rates(name: str, default: str) -> tuple[tuple[int, int], ...]:
    """Parse rate limits such as "30/10s,1000/1h" into ((count, seconds), ...); each count per its period."""
    value = env_str(name, default)
    rates = []
    for part in value.split(","):
        count, _, period = part.strip().partition("/")
        number, unit = period[:-1] or "1", period[-1:]
        if not (count.isdigit() and number.isdigit() and unit in _RATE_UNITS and int(count) > 0 and int(number) > 0):
            raise _bad(name, value, "limits such as 30/10s,1000/1h (a count per period in s, m, h or d)")
        rates.append((int(count), int(number) * _RATE_UNITS[unit]))
    return tuple(rates)
