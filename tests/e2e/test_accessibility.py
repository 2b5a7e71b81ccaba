"""axe-core (bundled by axe-playwright-python, no CDN) finds no serious or critical
accessibility violation on the pages people use most, filled with the real demo data."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import NoReverseMatch, reverse

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Moderate and minor findings are worth fixing too, but only these two block a change.
BLOCKING_IMPACTS = {"serious", "critical"}

MARIA = "maria.nieminen"  # Customer Support, a member of First-contact resolution


def log_in_as(page, live_server, username):
    """The login form in its current language: its fields are found by their names."""
    page.goto(f"{live_server.url}/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill("demo")
    page.locator("form[action='/login/'] [type=submit]").click()
    page.wait_for_url(f"{live_server.url}/")


@pytest.fixture(scope="module")
def axe():
    return Axe()


@pytest.fixture
def demo_everything(demo_organisation):
    """The whole demo, as `make demo` seeds it: projects, metrics, wins, retrospectives."""
    from projects.demo import seed_metrics, seed_projects
    from projects.demo_celebrations import seed_celebrations
    from projects.demo_retros import seed_retrospectives

    seed_projects()
    seed_metrics()
    seed_celebrations()
    seed_retrospectives()


def first_contact_resolution():
    from projects.models import ProjectPage

    return ProjectPage.objects.get(slug="first-contact-resolution")


def project_url():
    return first_contact_resolution().url


def metric_url():
    project = first_contact_resolution()
    metric = project.metrics.get(name="First-contact resolution")
    return project.url + project.reverse_subpage("metric", kwargs={"metric_id": metric.pk})


def open_retro_moved_to(*phases):
    """The demo's retrospective that is still collecting items, moved through `phases`."""
    from projects.models import RetroPhase, Retrospective
    from projects.retro_services import retro_move

    retro = Retrospective.objects.exclude(phase=RetroPhase.CLOSED).get()
    for phase in phases:
        retro = retro_move(retro=retro, to_phase=phase)
    return reverse("projects:retro", kwargs={"retro_id": retro.pk})


def closed_retro_summary_url():
    from projects.models import RetroPhase, Retrospective

    retro = Retrospective.objects.filter(phase=RetroPhase.CLOSED).order_by("pk").first()
    return reverse("projects:retro_summary", kwargs={"retro_id": retro.pk})


# Page name → its address, looked up once the demo exists. Read-only pages first: the
# retrospective board changes phase as the list goes on.
PAGES = {
    "home": lambda: "/",
    "project": project_url,
    "metric detail": metric_url,
    "wins wall": lambda: reverse("projects:wins"),
    "closed retrospective summary": closed_retro_summary_url,
    "department": lambda: reverse("organisation:department", args=["customer-support"]),
    "search results": lambda: reverse("search") + "?q=support",
    "my work": lambda: reverse("projects:my_work"),
    "metrics overview": lambda: reverse("metrics_overview"),
    "retrospective board, collecting": lambda: open_retro_moved_to(),
    "retrospective board, voting": lambda: open_retro_moved_to("group", "vote"),
    "retrospective board, discussing": lambda: open_retro_moved_to("discuss"),
}
FINNISH_PAGES = ("home", "project", "metric detail", "wins wall")


def describe(violations):
    """Each violation as its rule, impact and the elements it found, so a failure says what
    to fix and where without rerunning anything."""
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"][:10]:
            lines.append(f"  - {' '.join(map(str, node['target']))}: {node['html'][:160]}")
        if len(violation["nodes"]) > 10:
            lines.append(f"  … and {len(violation['nodes']) - 10} more elements")
    return "\n".join(lines)


def blocking_violations(axe, page):
    results = axe.run(page)
    return [v for v in results.response["violations"] if v["impact"] in BLOCKING_IMPACTS]


def check(page, axe, url, page_name, found):
    """Open `url` and add what axe blocks on to `found`, under the page's name."""
    response = page.goto(url)
    if not response.ok:
        found[page_name] = f"answered {response.status}"
    elif violations := blocking_violations(axe, page):
        found[page_name] = describe(violations)


def report(found):
    return "\n\n".join(f"{name}:\n{text}" for name, text in found.items())


def test_the_main_pages_have_no_serious_or_critical_violations(
    browser, live_server, demo_everything, axe
):
    """One demo for all the pages (seeding it takes most of the time), every page checked
    before the test fails, so one run lists everything to fix."""
    from django.contrib.auth import get_user_model

    from accounts.languages import remember_language

    found = {}
    english = browser.new_context(locale="en-GB").new_page()
    check(english, axe, live_server.url + reverse("login"), "login", found)
    log_in_as(english, live_server, MARIA)
    for page_name, url_of in PAGES.items():
        check(english, axe, live_server.url + url_of(), page_name, found)

    # States the page loads do not show: the account menu open, a form with an error.
    english.goto(live_server.url + metric_url())
    english.locator(".account-menu summary").click()
    english.get_by_label("Value").fill("abc")
    english.get_by_role("button", name="Save the check-in").click()
    english.get_by_text("Enter a number").first.wait_for()
    english.locator(".account-menu summary").click()
    if violations := blocking_violations(axe, english):
        found["check-in form with an error, account menu open"] = describe(violations)

    # Finnish words are longer and the lang attribute changes: the same checks hold.
    remember_language(get_user_model().objects.get(username=MARIA), "fi")
    finnish = browser.new_context().new_page()
    log_in_as(finnish, live_server, MARIA)
    for page_name in FINNISH_PAGES:
        check(finnish, axe, live_server.url + PAGES[page_name](), f"{page_name} (fi)", found)
        assert finnish.locator("html").get_attribute("lang") == "fi"

    assert not found, report(found)


def test_the_collaboration_map_has_no_serious_or_critical_violations(
    page, live_server, demo_everything, axe
):
    try:
        url = reverse("organisation:collaboration_map")
    except NoReverseMatch:
        pytest.skip("The collaboration map (organisation:collaboration_map) does not exist yet")
    found = {}
    log_in_as(page, live_server, MARIA)

    check(page, axe, live_server.url + url, "collaboration map", found)

    assert not found, report(found)
