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
