"""Production settings are checked in a fresh interpreter: settings load once per process."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

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
