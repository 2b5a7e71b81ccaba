import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_projects(demo_organisation):
    from projects.demo import seed_projects

    seed_projects()


def test_start_a_project_invite_a_partner_post_and_support_an_idea(
    browser, live_server, demo_projects, screenshot
):
    lead_context, guest_context = browser.new_context(), browser.new_context()
    lead_page, guest_page = lead_context.new_page(), guest_context.new_page()

    def log_in(page, username):
        page.goto(f"{live_server.url}/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill("demo")
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(f"{live_server.url}/")

    log_in(lead_page, "aino.lehtonen")  # Sales
    lead_page.goto(f"{live_server.url}/projects/")
    screenshot(lead_page, "projects-index")
    lead_page.get_by_role("link", name="Start a project").click()
    lead_page.get_by_label("Project name").fill("Renewals without surprises")
    lead_page.get_by_label("Purpose").fill("Customers hear about renewals months ahead.")
    lead_page.get_by_role("button", name=re.compile("Start")).click()
    expect(lead_page.get_by_role("heading", level=1)).to_have_text("Renewals without surprises")
    expect(lead_page.get_by_text("Needs a partner department").first).to_be_visible()
    screenshot(lead_page, "project-needs-partner")

    # Invite Kofi from Customer Support.
    lead_page.get_by_label("Find a colleague").fill("Kofi")
    lead_page.get_by_role("button", name="Find").click()
    lead_page.get_by_label(re.compile("Kofi Mensah")).check()
    screenshot(lead_page, "project-invite")
    lead_page.get_by_role("button", name="Invite to the project").click()
    expect(lead_page.get_by_text("Kofi Mensah is invited.")).to_be_visible()

    log_in(guest_page, "kofi.mensah")
    guest_page.goto(lead_page.url.split("#")[0])
    guest_page.get_by_role("button", name=re.compile("Accept")).click()
    expect(guest_page.get_by_text("Welcome to the project!")).to_be_visible()
    expect(guest_page.get_by_text("Needs a partner department")).to_have_count(0)

    guest_page.get_by_label("Title").fill("Call customers 90 days before renewal")
    guest_page.get_by_role("button", name=re.compile("Post idea")).click()
    expect(guest_page.get_by_text("Idea posted.")).to_be_visible()

    lead_page.reload()
    idea = lead_page.locator("[id^=idea-]", has_text="Call customers 90 days before renewal")
    vote = idea.get_by_role("button", name=re.compile("Support this idea"))
    expect(vote).to_have_attribute("aria-pressed", "false")
    vote.click()
    # htmx swaps just the button: pressed, with the new count, no page reload.
    expect(idea.get_by_role("button", name=re.compile("Support this idea"))).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(idea).to_contain_text("1")
    screenshot(lead_page, "project-page")

    lead_context.close()
    guest_context.close()


def test_a_lead_sees_the_demo_project_as_members_do(
    page, live_server, demo_projects, log_in, screenshot
):
    log_in(page, "maria.nieminen")
    page.goto(f"{live_server.url}/projects/first-contact-resolution/")
    expect(page.get_by_role("heading", name="Meet the team")).to_be_visible()
    screenshot(page, "project-demo")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "project-demo-mobile")
