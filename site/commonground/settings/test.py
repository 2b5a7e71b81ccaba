"""Tests: fast hashing, memory cache and mail, immediate tasks, media in a throwaway folder."""

import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import AUTHENTICATION_BACKENDS, DATABASES

SECRET_KEY = "test-only-secret-key-not-for-anything-else-0123456789"  # noqa: S105  # nosec B105
DEBUG = False
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="commonground-test-media-"))
DEMO_LOGINS = True
# Login throttling stays on; only the test client's request-less client.login() passes by it.
AUTHENTICATION_BACKENDS = [
    "tests.accounts.axes_backend.TestClientAwareAxesBackend",
    *AUTHENTICATION_BACKENDS[1:],
]
WAGTAILADMIN_BASE_URL = "http://testserver"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A throwaway file, not memory: the browser tests' live server answers from other
    # threads, and each thread then opens its own connection as in production. The data
    # folder stays untouched.
    test_database_folder = Path(tempfile.mkdtemp(prefix="commonground-test-db-"))
    DATABASES["default"]["TEST"] = {"NAME": str(test_database_folder / "test.sqlite3")}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A connection a test leaves in an open transaction (a thread, a browser test's second
    # connection) would hold its locks until the suite ends, and the next flush would wait
    # for them forever. PostgreSQL ends such a connection after four minutes instead: less
    # than a test's own limit (pytest-timeout, 300 s), far more than any test sits idle.
    DATABASES["default"]["OPTIONS"]["options"] += " -c idle_in_transaction_session_timeout=240s"
# Serve static files from the source folders, as `runserver` does, so tests need no collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
