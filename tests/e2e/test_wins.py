"""A win crediting two departments, posted by one person and cheered by another."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_life(demo_organisation):
    from projects.demo import seed_metrics, seed_projects
    from projects.demo_celebrations import seed_celebrations

    seed_projects()
    seed_metrics()
    seed_celebrations()


def log_in_as(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("demo")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/")


def test_post_a_win_crediting_two_departments_and_cheer_it_as_someone_else(
    browser, live_server, demo_life, screenshot
):
    poster_context, cheerer_context = browser.new_context(), browser.new_context()
    poster, cheerer = poster_context.new_page(), cheerer_context.new_page()

    # Maria (Customer Support) credits herself and Mikko (Engineering).
    log_in_as(poster, live_server, "maria.nieminen")
    poster.goto(f"{live_server.url}/projects/first-contact-resolution/")
    poster.get_by_role("link", name="Post a win").click()
    poster.get_by_label("What did you achieve?").fill("Password resets solved in one reply")
    poster.get_by_label("The story").fill(
        "Engineering shipped the self-service reset and Support rewrote the macro.\n\n"
        "Repeat contacts about passwords dropped to almost nothing."
    )
    poster.get_by_label("Mikko Laine").check()
    screenshot(poster, "win-form")
    poster.get_by_role("button", name="Post the win").click()

    expect(poster.get_by_role("heading", level=1)).to_have_text(
        "Password resets solved in one reply"
    )
    span = poster.locator("p", has_text="A win across").first
    expect(span).to_contain_text("Customer Support")
    expect(span).to_contain_text("Engineering")
    win_url = poster.url.split("#")[0]

    # Aino (Sales), outside the project, cheers it; htmx swaps just the cheer bar.
    log_in_as(cheerer, live_server, "aino.lehtonen")
    cheerer.goto(win_url)
    celebrate = cheerer.get_by_role("button", name=re.compile("Celebrate"))
    expect(celebrate).to_have_attribute("aria-pressed", "false")
    celebrate.click()
    pressed = cheerer.get_by_role("button", name=re.compile("Celebrate"))
    expect(pressed).to_have_attribute("aria-pressed", "true")
    expect(pressed).to_have_accessible_name(re.compile("you"))
    cheerer.get_by_role("textbox", name="Your comment").fill(
        "Brilliant, thank you @maria.nieminen!"
    )
    cheerer.get_by_role("button", name=re.compile("Comment|Post")).last.click()
    expect(cheerer.get_by_text("Brilliant, thank you")).to_be_visible()
    screenshot(cheerer, "win-page")

    # Maria sees the cheer and the mention.
    poster.goto(win_url)
    expect(poster.get_by_role("button", name=re.compile("Celebrate"))).to_have_accessible_name(
        re.compile("Aino Lehtonen")
    )
    poster.goto(f"{live_server.url}/notifications/")
    expect(poster.get_by_text(re.compile("Aino Lehtonen mentioned you")).first).to_be_visible()
    screenshot(poster, "notifications")

    cheerer.goto(f"{live_server.url}/wins/")
    expect(cheerer.get_by_text("Password resets solved in one reply").first).to_be_visible()
    screenshot(cheerer, "wins-wall")
    poster.goto(f"{live_server.url}/my-work/")
    screenshot(poster, "my-work")

    poster_context.close()
    cheerer_context.close()
