"""Reading the environment: every bad value fails with a message that names the variable."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from accessprogram.env import (
    env_bool,
    env_broker,
    env_choice,
    env_database,
    env_email,
    env_int,
    env_list,
    env_rates,
    env_str,
)


def _refused(monkeypatch, name: str, value: str, read):
    monkeypatch.setenv(name, value)
    with pytest.raises(ImproperlyConfigured) as refused:
        read()
    assert name in str(refused.value)
    return str(refused.value)


@pytest.mark.parametrize("value", ["maybe", "2", "yes please", "tru"])
def test_env_bool_refuses_a_non_boolean(monkeypatch, value):
    _refused(monkeypatch, "DJANGO_DEBUG", value, lambda: env_bool("DJANGO_DEBUG", False))


@pytest.mark.parametrize(
    ("value", "expected"), [("1", True), ("TRUE", True), (" on ", True), ("no", False), ("0", False), ("", True)]
)
def test_env_bool_reads_the_usual_spellings(monkeypatch, value, expected):
    monkeypatch.setenv("DJANGO_DEBUG", value)

    assert env_bool("DJANGO_DEBUG", True) is expected


@pytest.mark.parametrize("value", ["ten", "1.5", "0x10"])
def test_env_int_refuses_a_non_integer(monkeypatch, value):
    _refused(monkeypatch, "INVITATION_DEFAULT_DAYS", value, lambda: env_int("INVITATION_DEFAULT_DAYS", 14))


def test_env_int_refuses_a_value_below_its_minimum(monkeypatch):
    message = _refused(
        monkeypatch, "INVITATION_DEFAULT_DAYS", "0", lambda: env_int("INVITATION_DEFAULT_DAYS", 14, minimum=1)
    )

    assert "at least 1" in message


def test_env_int_reads_an_integer_and_falls_back_to_its_default(monkeypatch):
    monkeypatch.setenv("INVITATION_DEFAULT_DAYS", "30")
    assert env_int("INVITATION_DEFAULT_DAYS", 14) == 30
    monkeypatch.delenv("INVITATION_DEFAULT_DAYS")
    assert env_int("INVITATION_DEFAULT_DAYS", 14) == 14


def test_env_str_requires_a_variable_without_default(monkeypatch):
    monkeypatch.delenv("DJANGO_SECRET_KEY", raising=False)

    with pytest.raises(ImproperlyConfigured, match="DJANGO_SECRET_KEY is required"):
        env_str("DJANGO_SECRET_KEY")


def test_env_list_splits_on_commas(monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOWED_HOSTS", " a.example, ,b.example ")

    assert env_list("DJANGO_ALLOWED_HOSTS", []) == ["a.example", "b.example"]


@pytest.mark.parametrize("value", ["staging", "PRODUCTION", "prod"])
def test_env_choice_refuses_an_unknown_settings_mode(monkeypatch, value):
    message = _refused(
        monkeypatch,
        "DJANGO_SETTINGS_MODE",
        value,
        lambda: env_choice("DJANGO_SETTINGS_MODE", ("development", "test", "production"), "development"),
    )

    assert "production" in message


@pytest.mark.parametrize("value", ["mysql-ish://db/x", "nonsense", "http://db.example/vernissage"])
def test_env_database_refuses_an_unknown_scheme(monkeypatch, value):
    _refused(monkeypatch, "DATABASE_URL", value, lambda: env_database("DATABASE_URL", "sqlite:///x"))


def test_env_database_reads_postgres(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://app:s3cret@db.example:6432/vernissage")

    config = env_database("DATABASE_URL", "sqlite:///x")

    assert config["ENGINE"].endswith("postgresql")
    assert (config["HOST"], config["PORT"], config["NAME"], config["USER"]) == ("db.example", 6432, "vernissage", "app")


@pytest.mark.parametrize("value", ["http://broker.example", "kafka://b:9092", "localhost:6379", "redis"])
def test_env_broker_refuses_a_non_broker_url(monkeypatch, value):
    _refused(monkeypatch, "CELERY_BROKER_URL", value, lambda: env_broker("CELERY_BROKER_URL", "memory://"))


@pytest.mark.parametrize("value", ["redis://127.0.0.1:6379/0", "amqp://guest@rabbit//", "filesystem://"])
def test_env_broker_accepts_the_supported_brokers(monkeypatch, value):
    monkeypatch.setenv("CELERY_BROKER_URL", value)

    assert env_broker("CELERY_BROKER_URL", "memory://") == value


@pytest.mark.parametrize("value", ["pigeon://coop", "smtp://", "smtp://mail.example:notaport", "mail.example:25"])
def test_env_email_refuses_a_bad_email_url(monkeypatch, value):
    _refused(monkeypatch, "EMAIL_URL", value, lambda: env_email("EMAIL_URL", "console://"))


def test_env_email_reads_an_smtp_url(monkeypatch):
    monkeypatch.setenv(
        "EMAIL_URL", "smtp://user%40corp:p%2Fw@mail.example:587?from=Vernissage%20%3Cno-reply%40v.example%3E"
    )

    config = env_email("EMAIL_URL", "console://")

    assert config == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "mail.example",
        "EMAIL_PORT": 587,
        "EMAIL_HOST_USER": "user@corp",
        "EMAIL_HOST_PASSWORD": "p/w",
        "EMAIL_USE_SSL": False,
        "EMAIL_USE_TLS": True,
        "DEFAULT_FROM_EMAIL": "Vernissage <no-reply@v.example>",
    }


def test_env_email_reads_smtps_with_its_default_port(monkeypatch):
    monkeypatch.setenv("EMAIL_URL", "smtps://mail.example")

    config = env_email("EMAIL_URL", "console://")

    assert (config["EMAIL_PORT"], config["EMAIL_USE_SSL"], config["EMAIL_USE_TLS"]) == (465, True, False)


def test_env_rates_reads_counts_per_period(monkeypatch):
    monkeypatch.setenv("API_RATE_LIMIT_TOKEN", "30/10s, 1000/1h,5/m,2/1d")

    assert env_rates("API_RATE_LIMIT_TOKEN", "1/s") == ((30, 10), (1000, 3600), (5, 60), (2, 86400))


@pytest.mark.parametrize("value", ["lots", "30", "30/", "30/10x", "0/1s", "-1/1s", "30/0s", "30/10s,"])
def test_env_rates_refuses_what_is_not_a_rate(monkeypatch, value):
    _refused(monkeypatch, "API_RATE_LIMIT_TOKEN", value, lambda: env_rates("API_RATE_LIMIT_TOKEN", "1/s"))
