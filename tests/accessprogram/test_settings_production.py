"""Production mode, run as a real process: sane values pass `check --deploy`; bad ones stop start-up by name."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings

SANE = {
    "DJANGO_SETTINGS_MODE": "production",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(60),
    "DJANGO_ALLOWED_HOSTS": "vernissage.example",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/vernissage",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
    "REDIS_URL": "redis://127.0.0.1:6379/1",
    "EMAIL_URL": "smtp://user:pw@mail.example:587",
    "C2PA_SIGNING_CERT": "/etc/vernissage/c2pa/signer-chain.pem",
    "C2PA_SIGNING_KEY": "/etc/vernissage/c2pa/signer-key.pem",
}
# Variables the settings read; the test process's own values must not leak into the child.
_READ = (
    "DJANGO_",
    "DATABASE_URL",
    "CELERY_",
    "EMAIL_URL",
    "REDIS_URL",
    "STORAGE_",
    "AWS_",
    "SITE_URL",
    "LOG_LEVEL",
    "API_RATE_",
    "LEAK_REPORT_",
    "ACCESS_TOKEN_",
    "TRUSTED_PROXY_COUNT",
    "C2PA_",
)


def _manage(*args: str, **overrides: str | None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(_READ)}
    env.update(SANE)
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return subprocess.run(  # noqa: S603 -- this interpreter, this project's manage.py, fixed arguments
        [sys.executable, str(settings.BASE_DIR / "manage.py"), *args],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_passes_with_sane_production_values():
    result = _manage("check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("name", "value"),
    [
        pytest.param("DJANGO_SECRET_KEY", None, id="no-secret-key"),
        pytest.param("DJANGO_SECRET_KEY", "short-and-weak", id="weak-secret-key"),
        pytest.param("DJANGO_ALLOWED_HOSTS", None, id="no-allowed-hosts"),
        pytest.param("DATABASE_URL", None, id="no-database"),
        pytest.param("DATABASE_URL", "oracle-ish://db/x", id="bad-database-scheme"),
        pytest.param("CELERY_BROKER_URL", None, id="no-broker"),
        pytest.param("CELERY_BROKER_URL", "http://broker.example", id="bad-broker"),
        pytest.param("EMAIL_URL", "pigeon://coop", id="bad-email-url"),
        pytest.param("REDIS_URL", None, id="no-redis-for-shared-rate-limits"),
        pytest.param("REDIS_URL", "memcached://cache", id="bad-redis-url"),
        pytest.param("API_RATE_LIMIT_TOKEN", "lots", id="bad-rate-limit"),
        pytest.param("TRUSTED_PROXY_COUNT", "-1", id="bad-proxy-count"),
        pytest.param("C2PA_SIGNING_CERT", None, id="no-content-credentials-certificate"),
        pytest.param("C2PA_SIGNING_ALG", "md5", id="bad-signing-algorithm"),
        pytest.param("DJANGO_SETTINGS_MODE", "staging", id="bad-mode"),
        pytest.param("DJANGO_DEBUG", "maybe", id="bad-bool"),
        pytest.param("DJANGO_HSTS_SECONDS", "a year", id="bad-int"),
    ],
)
def test_production_refuses_to_start_naming_the_bad_variable(name, value):
    result = _manage("check", **{name: value})

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"Environment variable {name}" in result.stderr
