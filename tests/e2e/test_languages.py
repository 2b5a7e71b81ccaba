"""Switching to Finnish in the account menu, then checking in a number with a decimal comma:
it is stored exactly and shown back as a Finn writes it, dates included."""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import formats, timezone, translation
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_metrics(demo_organisation):
    from projects.demo import seed_metrics, seed_projects

    seed_projects()
    seed_metrics()


def first_contact_resolution_metric():
    from projects.models import Metric

    return Metric.objects.select_related("project").get(
        project__slug="first-contact-resolution", name="First-contact resolution"
    )


def in_finnish(day, date_format):
    with translation.override("fi"):
        return formats.date_format(day, date_format)


def test_switch_to_finnish_and_check_in_with_a_decimal_comma(
    page, live_server, demo_metrics, log_in, screenshot
):
    metric = first_contact_resolution_metric()
    project = metric.project
    metric_url = (
        live_server.url
        + project.url
        + project.reverse_subpage("metric", kwargs={"metric_id": metric.pk})
    )
    # Yesterday: in the past (a check-in cannot be in the future), whatever day the test runs.
    day = timezone.localdate() - datetime.timedelta(days=1)
    log_in(page, "maria.nieminen")  # Customer Support, the project's lead
    page.goto(metric_url)
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.locator(".account-menu summary").click()
    page.get_by_label("Language").select_option("fi")
    page.get_by_role("button", name="Change language").click()

    # Back on the same page, now in Finnish.
    page.wait_for_url(metric_url)
    expect(page.locator("html")).to_have_attribute("lang", "fi")
    expect(page.get_by_role("heading", name="Lisää kirjaus")).to_be_visible()
    expect(page.get_by_role("button", name="Tallenna kirjaus")).to_be_visible()
    # A date input always carries ISO dates; the browser shows them in its own locale.
    expect(page.get_by_label("Päivämäärä")).to_have_value(timezone.localdate().isoformat())

    page.get_by_label("Arvo").fill("72,5")
    page.get_by_label("Päivämäärä").fill(day.isoformat())
    page.get_by_role("button", name="Tallenna kirjaus").click()

    expect(page.get_by_text("Kirjaus tallennettu.")).to_be_visible()
    stored = metric.check_ins.get(day=day)
    assert stored.value == Decimal("72.5")
    assert stored.author.user.username == "maria.nieminen"

    # Shown back with the comma, and with Finnish dates: long in the list ("22. marraskuuta
    # 2026"), numeric in the chart and its table ("22.11.2026").
    entry = page.locator(".check-in-list li").filter(has_text="72,5 %")
    expect(entry).to_contain_text(in_finnish(day, "DATE_FORMAT"))
    short_day = f"{day.day}.{day.month}.{day.year}"
    expect(page.locator(".metric-chart__points title")).to_contain_text(
        [re.compile(rf"^{re.escape(short_day)}: 72,5 %")]
    )
    page.get_by_text("Näytä tiedot taulukkona").click()
    row = page.locator(".metric-chart__table tr").filter(has_text=short_day)
    expect(row).to_contain_text("72,5 %")
    expect(row).to_contain_text("Kirjaus")
    # No English month abbreviations anywhere in the chart.
    chart_text = page.locator(".metric-chart").text_content()
    assert not re.search(r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b", chart_text)
    screenshot(page, "metric-detail-finnish")

    # The choice is remembered: the next page is Finnish too.
    page.goto(live_server.url + project.url)
    expect(page.locator("html")).to_have_attribute("lang", "fi")
