"""The Content-Security-Policy in a real browser: Chromium reports every refused script, style,
image or frame on the console, and the demo's pages (charts, htmx, the admin) cause none."""

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_content(demo_organisation):
    from projects.demo import seed_metrics, seed_projects
    from projects.demo_celebrations import seed_celebrations
    from projects.demo_pages import seed_home_blocks
    from projects.demo_retros import seed_retrospectives

    seed_projects()
    seed_metrics()
    seed_celebrations()
    seed_retrospectives()
    seed_home_blocks()


@pytest.fixture
def policy_violations(page):
    """What the browser refused on `page` because of the policy, as its console says it."""
    refused = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return refused


def visit(page, url):
    response = page.goto(url)
    assert response.ok, url
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_load_state("networkidle")


def test_intranet_pages_break_no_rule_of_the_policy(
    page, live_server, demo_content, log_in, policy_violations
):
    from projects.models import Metric, Retrospective

    metric = Metric.objects.select_related("project").order_by("pk").first()
    retro = Retrospective.objects.order_by("pk").first()
    log_in(page, "maria.nieminen")
    for path in [
        "/",
        metric.project.url,
        "/wins/",
        f"{metric.project.url}metrics/{metric.pk}/",
        f"/retros/{retro.pk}/",
        f"/retros/{retro.pk}/summary/",
        "/collaboration/",
        "/search/?q=support",
    ]:
        visit(page, live_server.url + path)
        assert policy_violations == [], path
    # The chart's focusable frame (tooltips) and the summary's script-made Print button.
    visit(page, f"{live_server.url}{metric.project.url}metrics/{metric.pk}/")
    page.locator(".metric-chart__frame").first.focus()
    visit(page, f"{live_server.url}/retros/{retro.pk}/summary/")
    page.get_by_role("button", name="Print").wait_for()
    assert policy_violations == []


def test_the_wagtail_admin_works_under_its_policy(
    page, live_server, demo_content, log_in, policy_violations
):
    from intranet.models import HomePage
    from tests.factories import UserFactory

    UserFactory(username="editor", password="demo", is_superuser=True, is_staff=True)
    log_in(page, "editor")
    home = HomePage.objects.filter(locale__language_code="en").get()
    for path in ["/admin/", "/admin/pages/", f"/admin/pages/{home.pk}/edit/"]:
        visit(page, live_server.url + path)
        assert policy_violations == [], path
    # The preview panel frames the page, rendered as at its own address.
    page.locator("[data-side-panel-toggle='preview']").first.click()
    page.frame_locator("iframe[title]").first.locator("body").wait_for()
    assert policy_violations == []
