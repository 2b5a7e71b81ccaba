import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_person_logs_in_and_finds_colleagues_across_departments(
    page, live_server, demo_organisation, log_in, screenshot
):
    page.goto(f"{live_server.url}/people/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/people/"))
    screenshot(page, "login")

    log_in(page, "maria.nieminen")
    expect(page.get_by_role("heading", level=1)).to_have_text("Common Ground")
    expect(page.get_by_text("Welcome, Maria")).to_be_visible()
    expect(page.get_by_role("heading", name="New faces")).to_be_visible()
    screenshot(page, "home")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="People").click()
    expect(page.get_by_text("51 people")).to_be_visible()
    page.get_by_label("Name, title or topic").fill("pricing")
    # htmx swaps the results in place as one types; the address keeps the filter.
    expect(page.get_by_text("2 people")).to_be_visible()
    expect(page.locator("#people-results")).to_contain_text("Aino Lehtonen")
    expect(page.locator("#people-results")).to_contain_text("Ville Koskinen")
    expect(page).to_have_url(re.compile(r"q=pricing"))
    screenshot(page, "people-directory")

    page.get_by_role("link", name="Aino Lehtonen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Aino Lehtonen")
    screenshot(page, "person")

    page.locator(".profile").get_by_role("link", name="Sales").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sales")
    expect(page.get_by_role("heading", name="7 people")).to_be_visible()
    screenshot(page, "department")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Departments").click()
    expect(page.locator(".department-card")).to_have_count(10)
    screenshot(page, "departments")

    page.get_by_label("Search the intranet").fill("data")
    page.get_by_label("Search the intranet").press("Enter")
    expect(page.get_by_role("heading", name="People")).to_be_visible()
    screenshot(page, "search")


def test_the_directory_works_without_javascript(
    browser, live_server, demo_organisation, screenshot
):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill("kofi.mensah")
    page.get_by_label("Password").fill("demo")
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{live_server.url}/people/")
    page.get_by_label("Department").select_option(label="Finance")
    page.locator("form.filters").get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"department=finance"))
    expect(page.get_by_text("5 people")).to_be_visible()
    context.close()


def test_small_screens_get_a_usable_layout(
    page, live_server, demo_organisation, log_in, screenshot
):
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, "priya.raman")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    screenshot(page, "home-mobile")
    page.goto(f"{live_server.url}/people/")
    screenshot(page, "people-mobile")
