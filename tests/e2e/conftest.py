"""Browser tests: Playwright driving Debian's Chromium; never a downloaded browser."""

import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; the test's own ORM calls are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


def find_chromium():
    candidates = [os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium", "/usr/bin/chromium-browser"]
    for candidate in candidates:
        if candidate and Path(candidate).exists():
            return candidate
    return shutil.which("chromium")


CHROMIUM = find_chromium()


def pytest_collection_modifyitems(config, items):
    if CHROMIUM:
        return
    if os.environ.get("REQUIRE_BROWSER_TESTS") == "1":
        raise pytest.UsageError(
            "Browser tests are required but Debian's Chromium is missing: apt-get install chromium"
        )
    skip = pytest.mark.skip(
        reason="Debian's Chromium is not installed (apt-get install chromium): "
        "browser tests skipped"
    )
    for item in items:
        if "e2e" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-gpu",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture
def screenshot():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name):
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    return take


PRISTINE_DATABASE = pytest.StashKey[str]()


@pytest.fixture
def pristine_database(request, transactional_db):
    """The database as the migrations left it (root page, home page, site), for every test.

    Browser tests must commit so the live server sees their data, and Django empties the
    tables after each. Its serialized rollback cannot restore them here: Playwright keeps an
    event loop running in the test thread, so Django hands out a fresh connection object that
    lacks the saved state. We keep our own copy instead.
    """
    from django.apps import apps
    from django.core.management import call_command
    from django.core.management.color import no_style
    from django.db import connection

    saved = request.config.stash.get(PRISTINE_DATABASE, None)
    if saved is None:
        request.config.stash[PRISTINE_DATABASE] = connection.creation.serialize_db_to_string()
    else:
        # The flush after the previous test recreated content types; start from empty tables.
        call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
        connection.creation.deserialize_db_from_string(saved)
        # Rows came back with their ids; PostgreSQL's sequences must continue after them.
        statements = connection.ops.sequence_reset_sql(no_style(), apps.get_models())
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


@pytest.fixture
def demo_organisation(pristine_database):
    """The real demo data, so the browser sees what a newcomer sees after `make demo`."""
    from intranet.demo import seed_pages
    from organisation.demo import seed_organisation

    seed_organisation(demo_password="demo")
    seed_pages()


@pytest.fixture
def log_in(live_server):
    def as_user(page, username, password="demo"):
        page.goto(f"{live_server.url}/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(f"{live_server.url}/")

    return as_user
