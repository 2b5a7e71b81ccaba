"""Production settings are checked in a fresh interpreter: settings load once per process."""

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

REPOSITORY = Path(__file__).resolve().parents[2]
SAMPLE_PRODUCTION_ENVIRONMENT = {
    "DJANGO_SETTINGS_MODULE": "commonground.settings.production",
    "SECRET_KEY": "k3Jx9-Qp2vT7mZ4rW8nY1bL6cH0fD5gS3aE9uI2oP7tR4yU8wQ1zX6",
    "ALLOWED_HOSTS": "intranet.example.org",
    "DATABASE_URL": "sqlite:///:memory:",
}


def manage(*args, environment):
    clean = {
        key: value
        for key, value in os.environ.items()
        # The browser tests' async escape hatch must never reach a deployment check.
        if key
        not in {
            "DJANGO_SETTINGS_MODULE",
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "DATABASE_URL",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", *args],
        cwd=REPOSITORY,
        env={**clean, **environment},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_deploy_check_is_clean_with_a_sample_production_environment():
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", environment=SAMPLE_PRODUCTION_ENVIRONMENT
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("missing_or_bad", "message"),
    [
        ({"SECRET_KEY": ""}, "SECRET_KEY must be set"),
        ({"SECRET_KEY": "django-insecure-" + "x" * 50}, "long random value"),
        ({"SECRET_KEY": "short"}, "long random value"),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS must list"),
    ],
)
def test_production_refuses_to_start_without_real_secrets(missing_or_bad, message):
    environment = {**SAMPLE_PRODUCTION_ENVIRONMENT, **missing_or_bad}
    result = manage("check", environment=environment)
    assert result.returncode != 0
    assert message in result.stderr


def test_redis_url_switches_the_cache_to_redis():
    script = (
        "import sys; sys.path.insert(0, 'site');"
        "from django.conf import settings;"
        "print(settings.CACHES['default']['BACKEND'], settings.DATABASES['default']['ENGINE'])"
    )
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "commonground.settings.dev",
        "REDIS_URL": "redis://127.0.0.1:6379/3",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/commonground",
    }
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script],
        cwd=REPOSITORY,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.split() == [
        "django.core.cache.backends.redis.RedisCache",
        "django.db.backends.postgresql",
    ]


def test_a_malformed_boolean_is_a_clear_error():
    result = manage(
        "check",
        environment={"DJANGO_SETTINGS_MODULE": "commonground.settings.dev", "DEBUG": "maybe"},
    )
    assert result.returncode != 0
    assert "DEBUG must be true or false" in result.stderr


def production_settings(*names, environment=()):
    """The named settings as production computes them, one repr per line."""
    script = (
        "import sys; sys.path.insert(0, 'site');"
        "from django.conf import settings;"
        f"[print(repr(getattr(settings, name))) for name in {list(names)!r}]"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", script],
        cwd=REPOSITORY,
        env={**os.environ, **SAMPLE_PRODUCTION_ENVIRONMENT, **dict(environment)},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return dict(zip(names, result.stdout.splitlines(), strict=True))


def test_production_cookies_and_headers_are_locked_down():
    values = production_settings(
        "SESSION_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "CSRF_COOKIE_SECURE",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
        "SECURE_CONTENT_TYPE_NOSNIFF",
        "SECURE_REFERRER_POLICY",
        "SECURE_CROSS_ORIGIN_OPENER_POLICY",
        "X_FRAME_OPTIONS",
        "SECURE_PROXY_SSL_HEADER",
    )
    assert values == {
        "SESSION_COOKIE_SECURE": "True",
        "SESSION_COOKIE_HTTPONLY": "True",
        "CSRF_COOKIE_SECURE": "True",
        "SECURE_SSL_REDIRECT": "True",
        "SECURE_HSTS_SECONDS": str(60 * 60 * 24 * 365),
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": "True",
        "SECURE_HSTS_PRELOAD": "True",
        "SECURE_CONTENT_TYPE_NOSNIFF": "True",
        "SECURE_REFERRER_POLICY": "'same-origin'",
        "SECURE_CROSS_ORIGIN_OPENER_POLICY": "'same-origin'",
        "X_FRAME_OPTIONS": "'DENY'",
        "SECURE_PROXY_SSL_HEADER": "('HTTP_X_FORWARDED_PROTO', 'https')",
    }


@pytest.mark.parametrize(
    ("environment", "proxies"),
    [
        ({}, "1"),
        ({"TRUSTED_PROXY_COUNT": "2"}, "2"),
        ({"BEHIND_TLS_PROXY": "false"}, "0"),
    ],
)
def test_production_throttles_logins_by_the_address_behind_the_proxy(environment, proxies):
    values = production_settings(
        "AUTHENTICATION_BACKENDS", "TRUSTED_PROXY_COUNT", environment=environment
    )
    assert values["AUTHENTICATION_BACKENDS"] == repr(
        ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
    )
    assert values["TRUSTED_PROXY_COUNT"] == proxies


def test_uploads_are_limited_in_size_and_type():
    values = production_settings(
        "WAGTAILIMAGES_MAX_UPLOAD_SIZE",
        "WAGTAILIMAGES_MAX_IMAGE_PIXELS",
        "WAGTAILIMAGES_EXTENSIONS",
        "WAGTAILDOCS_EXTENSIONS",
        "DATA_UPLOAD_MAX_MEMORY_SIZE",
    )
    assert int(values["WAGTAILIMAGES_MAX_UPLOAD_SIZE"]) <= 10 * 1024 * 1024
    assert int(values["WAGTAILIMAGES_MAX_IMAGE_PIXELS"]) <= 40_000_000
    assert "svg" not in values["WAGTAILIMAGES_EXTENSIONS"]
    for risky in ("svg", "html", "htm", "js", "exe"):
        assert f"'{risky}'" not in values["WAGTAILDOCS_EXTENSIONS"]
    assert int(values["DATA_UPLOAD_MAX_MEMORY_SIZE"]) <= 10 * 1024 * 1024


def database_options(url):
    values = production_settings("DATABASES", environment={"DATABASE_URL": url})
    return ast.literal_eval(values["DATABASES"])["default"].get("OPTIONS", {})


def test_postgresql_connections_compile_no_queries_unless_the_url_asks():
    assert database_options("postgres://cg@db:5432/cg") == {"options": "-c jit=off"}
    asked = database_options("postgres://cg@db:5432/cg?options=-c%20jit%3Don")
    assert asked == {"options": "-c jit=on"}
    assert "options" not in database_options("sqlite:///:memory:")


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL setting")
def test_the_postgresql_connection_runs_without_jit():
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL setting")
def test_a_connection_left_in_a_transaction_is_ended_before_a_test_times_out():
    with connection.cursor() as cursor:
        cursor.execute("SHOW idle_in_transaction_session_timeout")
        assert cursor.fetchone() == ("4min",)
