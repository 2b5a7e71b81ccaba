"""A retrospective run by two people of different departments, from the first item to the
published summary: hidden items while collecting, dot votes, an action item, closing."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MARIAS_ITEM = "Root-cause tags tell us which bugs cost the most calls"
MIKKOS_ITEM = "Escalations still arrive without steps to reproduce"
ACTION = "Reproduction template in the escalation form"
DECISIONS = "Every escalation uses the reproduction template from next Monday."


@pytest.fixture
def retro(demo_organisation):
    """A fresh retrospective of First-contact resolution, facilitated by Maria (Customer
    Support); Mikko (Engineering) is a member of the project too."""
    from organisation.models import Person
    from projects.demo import seed_metrics, seed_projects
    from projects.models import ProjectPage, RetroFormat
    from projects.retro_services import retro_create

    seed_projects()
    seed_metrics()
    maria = Person.objects.get(user__username="maria.nieminen")
    return retro_create(
        projects=[ProjectPage.objects.get(slug="first-contact-resolution")],
        facilitator=maria,
        created_by=maria,
        retro_format=RetroFormat.objects.get(name="Went well / To improve / Actions"),
        title="Escalations retrospective",
        held_on=timezone.localdate(),
        skip_review=True,
    )


def column(page, title):
    """One column of the board: a region named by its heading."""
    return page.get_by_role("region", name=re.compile(rf"^{re.escape(title)}"))


def add_item(page, column_title, text, *, anonymous=False):
    board_column = column(page, column_title)
    board_column.get_by_label("Your item").fill(text)
    if anonymous:
        board_column.get_by_label("Post anonymously").check()
    board_column.get_by_role("button", name=re.compile(rf"Add to .{column_title}")).click()
    expect(page.get_by_role("status")).to_contain_text(re.compile("Added"))
    if anonymous:
        # Its author is stored nowhere, so not even its writer sees it before the reveal.
        expect(board_column).to_contain_text(re.compile(r"1 more item, hidden until"))
    else:
        expect(shown(board_column, text)).to_be_visible()


def shown(scope, text):
    """An item's text as shown (not its copy in an edit form)."""
    return scope.get_by_role("paragraph").filter(has_text=text).first


def move_to(page, phase):
    page.get_by_role("button", name=re.compile(rf"^Next: {phase}")).click()
    expect(page.get_by_role("listitem").and_(page.locator("[aria-current=step]"))).to_contain_text(
        phase
    )


def dot_for(page, text):
    return page.get_by_role("button", name=re.compile(rf"\+1 dot.*{re.escape(text[:30])}"))


def test_two_departments_run_a_retrospective_to_its_published_summary(
    browser, live_server, log_in, retro, screenshot
):
    board_url = live_server.url + reverse("projects:retro", kwargs={"retro_id": retro.pk})
    maria_context, mikko_context = browser.new_context(), browser.new_context()
    maria, mikko = maria_context.new_page(), mikko_context.new_page()
    log_in(maria, "maria.nieminen")
    log_in(mikko, "mikko.laine")

    # Collect: each adds an item; Mikko's is anonymous.
    maria.goto(board_url)
    expect(maria.get_by_role("heading", level=1)).to_have_text("Escalations retrospective")
    add_item(maria, "Went well", MARIAS_ITEM)
    mikko.goto(board_url)
    add_item(mikko, "To improve", MIKKOS_ITEM, anonymous=True)

    # Until the reveal Mikko sees only a count of Maria's item, never its text.
    went_well = column(mikko, "Went well")
    expect(went_well).to_contain_text(re.compile(r"1 more item, hidden until"))
    expect(mikko.get_by_text(MARIAS_ITEM)).to_have_count(0)
    voices = mikko.get_by_role("region", name="Every voice lands")
    expect(voices).to_contain_text("Data & Analytics")
    expect(voices).to_contain_text(re.compile(r"1 department has not contributed yet"))
    screenshot(mikko, "retro-collect-hidden-items")

    # Maria reveals by moving on; Mikko's board follows by itself (polling).
    maria.reload()
    move_to(maria, "Group")
    move_to(maria, "Vote")
    expect(dot_for(mikko, MARIAS_ITEM)).to_be_visible(timeout=10_000)
    expect(shown(mikko, MARIAS_ITEM)).to_be_visible()
    mikkos = column(mikko, "To improve").get_by_role("listitem").filter(has_text=MIKKOS_ITEM)
    expect(mikkos).to_contain_text("Anonymous")
    expect(mikkos).not_to_contain_text("Mikko")

    # Vote: each puts dots on the other's item (Maria two, Mikko one).
    dot_for(maria, MIKKOS_ITEM).click()
    expect(maria.get_by_text(re.compile(r"Votes left: 2 of 3"))).to_be_visible()
    dot_for(maria, MIKKOS_ITEM).click()
    expect(maria.get_by_text(re.compile(r"Votes left: 1 of 3"))).to_be_visible()
    dot_for(mikko, MARIAS_ITEM).click()
    expect(mikko.get_by_text(re.compile(r"Votes left: 2 of 3"))).to_be_visible()
    screenshot(maria, "retro-vote")

    # Discuss, then actions: an action item for Mikko, linked to the metric it should move.
    move_to(maria, "Discuss")
    ranked = maria.get_by_role("region", name="Items by votes")
    expect(shown(ranked, MIKKOS_ITEM)).to_be_visible()
    move_to(maria, "Actions")
    maria.get_by_label("What will be done").fill(ACTION)
    maria.get_by_label("Owner").select_option(label="Mikko Laine")
    maria.get_by_label(re.compile("The item it answers")).select_option(
        label=f"{MIKKOS_ITEM} (2 votes)"
    )
    maria.get_by_label(re.compile("The shared metric")).select_option(
        label="Escalations to Engineering"
    )
    maria.get_by_role("button", name="Add the action item").click()
    actions = maria.get_by_role("complementary").or_(maria.locator("#actions"))
    expect(actions.get_by_text(ACTION)).to_be_visible()

    # Close and publish with the decisions.
    maria.get_by_label("Decisions").fill(DECISIONS)
    maria.get_by_role("button", name="Close and publish").click()
    expect(maria.get_by_role("status")).to_contain_text(re.compile("closed|published", re.I))

    # The summary page: decisions, items, the action and who took part by department.
    summary_url = reverse("projects:retro_summary", kwargs={"retro_id": retro.pk})
    if not maria.url.endswith(summary_url):
        maria.goto(live_server.url + summary_url)
    expect(maria.get_by_text("Retrospective summary")).to_be_visible()
    expect(maria.get_by_role("heading", level=1)).to_have_text("Escalations retrospective")
    expect(maria.get_by_text(DECISIONS)).to_be_visible()
    expect(shown(maria, MARIAS_ITEM)).to_be_visible()
    expect(shown(maria, MIKKOS_ITEM)).to_be_visible()
    expect(maria.get_by_text(ACTION)).to_be_visible()
    turnout = maria.get_by_role("region", name="Who took part")
    for department in ("Customer Support", "Engineering"):
        expect(turnout.get_by_role("listitem").filter(has_text=department)).to_contain_text(
            "1 person"
        )
    screenshot(maria, "retro-summary")

    # Mikko, a member, sees the same summary and was told about it.
    mikko.goto(f"{live_server.url}/notifications/")
    expect(mikko.get_by_text(re.compile("Escalations retrospective")).first).to_be_visible()

    maria_context.close()
    mikko_context.close()
