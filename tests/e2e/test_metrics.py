import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_projects(demo_organisation):
    from projects.demo import seed_projects

    seed_projects()


def test_define_a_metric_sign_it_off_from_two_departments_and_check_in(
    browser, live_server, demo_projects, screenshot
):
    project_url = f"{live_server.url}/projects/onboarding-that-sticks/"

    def person(username):
        context = browser.new_context()
        page = context.new_page()
        page.goto(f"{live_server.url}/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill("demo")
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(f"{live_server.url}/")
        return page

    riikka = person("riikka.tuominen")  # HR, the lead
    riikka.goto(project_url)
    riikka.get_by_role("link", name="Define a metric").click()
    riikka.get_by_label("Name").fill("Laptops ready on day one")
    riikka.get_by_label("Definition").fill("Share of starters with a working laptop at 9:00.")
    riikka.get_by_label("Unit", exact=True).select_option("percent")
    riikka.get_by_label("Baseline", exact=True).fill("40")
    riikka.get_by_label("Baseline date").fill("2026-09-01")
    riikka.get_by_label("Target", exact=True).fill("95")
    riikka.get_by_label("Target date").fill("2027-03-01")
    riikka.get_by_label("HR").check()
    riikka.get_by_label("Operations").check()
    riikka.get_by_role("button", name="Propose the metric").click()
    expect(riikka.get_by_role("heading", level=1)).to_have_text("Laptops ready on day one")
    expect(riikka.get_by_role("heading", name="Waiting for sign-off")).to_be_visible()
    riikka.get_by_role("button", name="We agree to this metric").click()
    expect(riikka.get_by_text("your department agrees")).to_be_visible()

    rafael = person("rafael.costa")  # Operations
    rafael.goto(riikka.url)
    rafael.get_by_role("button", name="We agree to this metric").click()
    expect(rafael.get_by_role("heading", name="Agreed", exact=True)).to_be_visible()
    rafael.get_by_label("Value").fill("72,5")
    rafael.get_by_role("button", name="Save the check-in").click()
    # English reads "72,5" two ways: the error says so, next to the field, input kept.
    expect(rafael.get_by_text(re.compile("could be read in two ways"))).to_be_visible()
    expect(rafael.get_by_label("Value")).to_have_value("72,5")
    rafael.get_by_label("Value").fill("72.5")
    rafael.get_by_role("button", name="Save the check-in").click()
    expect(rafael.get_by_text("Check-in saved.")).to_be_visible()
    expect(rafael.locator(".check-in-list")).to_contain_text("72.5 %")
    screenshot(rafael, "metric-detail")

    rafael.goto(project_url)
    expect(rafael.locator("#metrics")).to_contain_text("Laptops ready on day one")
    screenshot(rafael, "project-metrics")


@pytest.fixture
def demo_metrics(demo_projects):
    from projects.demo import seed_metrics

    seed_metrics()


def status_counts(page, within):
    """{status label: count} from a "Metrics by status" list, e.g. {"On track": 3}."""
    items = page.locator(within).get_by_role("list", name="Metrics by status").locator("li")
    label_and_count = (text.rsplit(": ", 1) for text in items.all_inner_texts())
    return {label: int(count) for label, count in label_and_count}


def test_the_metrics_overview_and_a_department_show_where_success_stands(
    page, live_server, log_in, demo_metrics, screenshot
):
    log_in(page, "maria.nieminen")  # Customer Support
    page.goto(f"{live_server.url}/metrics/")
    counts = status_counts(page, "main")
    total = sum(counts.values())
    assert total > 0
    expect(page.locator(".result-count")).to_have_text(f"{total} metrics")
    screenshot(page, "metrics-overview")

    status, count = next((label, n) for label, n in counts.items() if n)
    page.get_by_role("link", name=f"{status}: {count}").click()
    cards = page.locator(".metric-card")
    expect(cards).to_have_count(count)
    for card in cards.all():
        expect(card.locator(".metric-card__meta")).to_contain_text(status)
    # The counts stay those of every metric, not of the filtered page.
    assert status_counts(page, "main") == counts

    page.goto(f"{live_server.url}/departments/customer-support/")
    metrics = page.locator("section", has=page.get_by_role("heading", name="Metrics we co-own"))
    expect(metrics.locator(".metric-card").first).to_be_visible()
    shown = sum(status_counts(page, "section:has(#metrics-title)").values())
    assert shown >= metrics.locator(".metric-card").count()
    screenshot(page, "department-metrics")
