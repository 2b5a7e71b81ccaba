"""Live blocks on home and standard pages (projects.blocks): data through the viewer's eyes."""

import datetime

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from wagtail import blocks as wagtail_blocks

from intranet.models import HomePage, StandardPage
from projects.blocks import IntranetPageStreamBlock
from projects.models import ProjectStatus, RetroFormat, Retrospective, Visibility
from projects.retro_services import retro_create

from ..factories import (
    CommitmentFactory,
    DepartmentFactory,
    MembershipFactory,
    PersonFactory,
    ProjectPageFactory,
    StandardPageFactory,
    UserFactory,
    WinFactory,
)

pytestmark = pytest.mark.django_db

LIVE_BLOCKS = [
    "project_cards",
    "wins_wall",
    "metric_chart",
    "collaboration_map",
    "upcoming_retrospectives",
    "promises_kept",
    "people_spotlight",
]
TODAY = timezone.localdate()


def stream_block():
    return HomePage._meta.get_field("body").stream_block


def live_body(*, metric=None, chosen_projects=(), spotlight=()):
    """Every live block, as an editor would fill it in."""
    return [
        ("project_cards", {"heading": "Projects", "projects": list(chosen_projects), "count": 6}),
        ("wins_wall", {"heading": "Wins", "count": 6}),
        ("metric_chart", {"heading": "Our metric", "metric": metric}),
        ("collaboration_map", {"heading": "Map", "period": "12m"}),
        ("upcoming_retrospectives", {"heading": "Retros", "count": 5}),
        ("promises_kept", {"heading": "Promises"}),
        (
            "people_spotlight",
            {
                "heading": "People",
                "people": [{"person": person, "why": why} for person, why in spotlight],
                "count": 4,
            },
        ),
    ]


def publish(page, body):
    page.body = body
    page.save_revision().publish()
    return page


def render(block_name, value, user):
    """One block rendered as a page would, for `user`."""
    block = stream_block().child_blocks[block_name]
    defaults = {name: child.get_default() for name, child in block.child_blocks.items()}
    request = RequestFactory().get("/")
    request.user = user
    return block.render(block.normalize({**defaults, **value}), {"request": request})


def make_retro(project, facilitator, title, held_on):
    return retro_create(
        projects=[project],
        facilitator=facilitator,
        created_by=facilitator,
        retro_format=RetroFormat.objects.get(name="Went well / To improve / Actions"),
        title=title,
        held_on=held_on,
        skip_review=True,
    )


@pytest.fixture
def secret(project_index):
    """A members-only project with one member, its win, metric, retrospective and promise."""
    from projects.metric_services import metric_define

    project = ProjectPageFactory(
        parent=project_index,
        title="Secret merger",
        slug="secret-merger",
        visibility=Visibility.MEMBERS,
        purpose="Nobody outside may know.",
    )
    insider = PersonFactory(user__username="insider", department=DepartmentFactory(name="Legal"))
    MembershipFactory(project=project, person=insider, role="lead")
    partner = PersonFactory(user__username="partner", department=DepartmentFactory(name="Tax"))
    MembershipFactory(project=project, person=partner)
    WinFactory(projects=[project], title="Secret win signed", posted_by=insider)
    project.secret_metric = metric_define(
        project=project,
        author=insider,
        owning_departments=[insider.department, partner.department],
        name="Hidden synergy",
        definition="Confidential.",
        unit="count",
        unit_detail="deals",
        direction="increase",
        baseline_value=1,
        baseline_date=TODAY - datetime.timedelta(days=10),
        target_value=5,
        target_date=TODAY + datetime.timedelta(days=50),
    )
    make_retro(project, insider, "Secret retro", TODAY)
    CommitmentFactory(
        project=project, owner=insider, due_date=TODAY, delivered_on=TODAY + datetime.timedelta(3)
    )
    project.insider = insider
    return project


@pytest.fixture
def open_world(joint_project, lead, metric):
    """The joint project, open to everyone, with a win, a retrospective and a kept promise."""
    member = joint_project.memberships.get(role="member").person
    WinFactory(projects=[joint_project], title="Open win shipped", posted_by=lead, credited=[lead])
    make_retro(joint_project, lead, "Open retro", TODAY + datetime.timedelta(days=3))
    CommitmentFactory(project=joint_project, owner=member, due_date=TODAY, delivered_on=TODAY)
    return joint_project


# Rendering -------------------------------------------------------------------------------


def test_every_live_block_is_offered_to_editors():
    assert set(LIVE_BLOCKS) <= set(stream_block().child_blocks)
    assert set(stream_block().child_blocks) - set(LIVE_BLOCKS) == {
        "heading",
        "paragraph",
        "figure",
        "quote",
        "call_to_action",
    }


def test_home_page_shows_live_data(member_client, home_page, open_world, metric, lead):
    publish(home_page, live_body(metric=metric, spotlight=[(lead, "Kept us all together.")]))
    html = member_client.get("/").content.decode()
    assert "Faster answers" in html  # project card
    assert "Open win shipped" in html  # wins wall
    assert 'id="metric-block-' in html
    assert "FCR" in html
    assert "Show the data as a table" in html
    assert "Open retro" in html
    assert (
        reverse(
            "projects:retro", kwargs={"retro_id": Retrospective.objects.get(title="Open retro").pk}
        )
        in html
    )
    assert "100%" in html  # the one delivered promise was kept
    assert "Kept us all together." in html
    assert lead.full_name in html


def test_empty_states_without_any_data(member_client, home_page):
    publish(home_page, live_body())
    response = member_client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    for message in [
        "No projects to show here yet.",
        "No wins yet.",
        "A shared metric is shown here to the people who can see its project.",
        "No retrospectives planned.",
        "No promises delivered yet.",
        "Nobody to spotlight yet",
    ]:
        assert message in html


def test_blocks_also_render_on_a_standard_page(member_client, home_page, open_world, metric):
    page = StandardPageFactory(parent=home_page, title="Guide", slug="guide")
    publish(page, live_body(metric=metric))
    html = member_client.get("/guide/").content.decode()
    assert "Faster answers" in html
    assert "Open win shipped" in html
    assert "FCR" in html


def test_chosen_projects_keep_the_editors_order(joint_project, project_index, person):
    other = ProjectPageFactory(parent=project_index, title="Zebra crossing")
    html = render("project_cards", {"projects": [other, joint_project], "count": 6}, person.user)
    assert html.index("Zebra crossing") < html.index("Faster answers")


def test_project_filter_by_department_and_status(joint_project, project_index, person):
    ProjectPageFactory(parent=project_index, title="Sales only", status=ProjectStatus.PAUSED)
    sales = joint_project.memberships.get(role="lead").department
    html = render("project_cards", {"department": sales, "count": 6}, person.user)
    assert "Faster answers" in html
    assert "Sales only" not in html
    html = render("project_cards", {"status": "paused", "count": 6}, person.user)
    assert "Sales only" in html
    assert "Faster answers" not in html


def test_wins_wall_keeps_the_newest_and_a_departments_own(joint_project, person):
    sales_lead = joint_project.memberships.get(role="lead").person
    other = PersonFactory()
    for days_ago in range(4):
        WinFactory(
            projects=[joint_project],
            title=f"Sales win {days_ago}",
            day=TODAY - datetime.timedelta(days=days_ago),
            posted_by=sales_lead,
        )
    WinFactory(projects=[joint_project], title="Elsewhere win", posted_by=other, day=TODAY)
    html = render("wins_wall", {"count": 2}, person.user)
    assert html.count('<article class="win-card') == 2
    assert "Sales win 3" not in html
    html = render("wins_wall", {"count": 6, "department": sales_lead.department}, person.user)
    assert "Elsewhere win" not in html
    assert "Sales win 3" in html


def test_retrospectives_closed_or_long_past_are_left_out(joint_project, lead, person):
    from projects.models import RetroPhase

    make_retro(joint_project, lead, "Forgotten board", TODAY - datetime.timedelta(days=40))
    closed = make_retro(joint_project, lead, "Closed one", TODAY)
    closed.phase = RetroPhase.CLOSED
    closed.save()
    make_retro(joint_project, lead, "Next week", TODAY + datetime.timedelta(days=7))
    html = render("upcoming_retrospectives", {"count": 5}, person.user)
    assert "Next week" in html
    assert "Forgotten board" not in html
    assert "Closed one" not in html


def test_promises_of_one_department(joint_project):
    lead = joint_project.memberships.get(role="lead").person
    member = joint_project.memberships.get(role="member").person
    CommitmentFactory(project=joint_project, owner=lead, due_date=TODAY, delivered_on=TODAY)
    late = TODAY + datetime.timedelta(days=2)
    CommitmentFactory(project=joint_project, owner=member, due_date=TODAY, delivered_on=late)
    organisation = render("promises_kept", {"heading": "P"}, lead.user)
    assert "50%" in organisation
    assert "1 of 2 delivered promises kept" in organisation
    sales = render("promises_kept", {"department": lead.department}, lead.user)
    assert "100%" in sales
    assert "1 of 1 delivered promise kept" in sales


def test_spotlight_by_default_is_the_most_credited_of_each_department(joint_project, person):
    lead = joint_project.memberships.get(role="lead").person
    member = joint_project.memberships.get(role="member").person
    colleague = PersonFactory(department=lead.department, user__first_name="Colleague")
    for _ in range(3):
        WinFactory(projects=[joint_project], posted_by=lead, credited=[lead, member])
    WinFactory(projects=[joint_project], posted_by=colleague)
    old = TODAY - datetime.timedelta(days=120)
    for _ in range(5):
        WinFactory(projects=[joint_project], posted_by=colleague, day=old)
    html = render("people_spotlight", {"count": 4}, person.user)
    assert lead.full_name in html
    assert member.full_name in html
    assert colleague.full_name not in html  # fewer recent wins than Sales' best
    assert "Credited in 3 wins in the last 90 days" in html


def test_spotlight_leaves_out_people_who_left(person):
    gone = PersonFactory(user__is_active=False, user__first_name="Gone")
    value = {"people": [{"person": gone, "why": "x"}, {"person": person, "why": "Here"}]}
    html = render("people_spotlight", value, person.user)
    assert "Gone" not in html
    assert "Here" in html


# Permissions -----------------------------------------------------------------------------


@pytest.mark.parametrize("viewer", ["outsider", "insider"])
def test_members_only_project_shows_only_to_its_members(
    client, home_page, secret, open_world, person, viewer
):
    user = secret.insider.user if viewer == "insider" else person.user
    publish(home_page, live_body(metric=secret.secret_metric, chosen_projects=[secret]))
    client.force_login(user)
    html = client.get("/").content.decode()
    secrets = ["Secret merger", "Secret win signed", "Hidden synergy", "Secret retro", "Our metric"]
    for text in secrets:
        assert (text in html) is (viewer == "insider"), text
    spotlight = html[html.index("live-block--people") :]
    spotlight = spotlight[: spotlight.index("</section>")]
    assert (secret.insider.full_name in spotlight) is (viewer == "insider")
    if viewer == "outsider":
        assert "A shared metric is shown here" in html


def test_outsiders_promise_record_counts_only_visible_projects(secret, open_world, person):
    outsider = render("promises_kept", {}, person.user)
    assert "1 of 1 delivered promise kept" in outsider
    insider = render("promises_kept", {}, secret.insider.user)
    assert "1 of 2 delivered promises kept" in insider


def test_without_a_logged_in_viewer_blocks_show_nothing(secret, open_world):
    from django.contrib.auth.models import AnonymousUser

    for name in LIVE_BLOCKS:
        html = render(name, {}, AnonymousUser())
        assert "Secret" not in html
        assert "Faster answers" not in html


# Queries ---------------------------------------------------------------------------------


def grow(project_index, joint_project, start, stop):
    """More projects, wins, credits, retrospectives and promises: none may add queries."""
    lead = joint_project.memberships.get(role="lead").person
    for number in range(start, stop):
        project = ProjectPageFactory(parent=project_index, title=f"Grown {number}")
        people = [PersonFactory() for _ in range(2)]
        for person in people:
            MembershipFactory(project=project, person=person)
        MembershipFactory(project=project, person=lead)
        WinFactory(projects=[project, joint_project], posted_by=people[0], credited=people)
        make_retro(project, people[0], f"Retro {number}", TODAY)
        CommitmentFactory(project=project, owner=people[1], delivered_on=TODAY)


def test_home_page_queries_do_not_grow_with_data(
    member_client, home_page, project_index, open_world, metric, lead, count_queries
):
    publish(home_page, live_body(metric=metric, spotlight=[(lead, "Thanks")]))
    grow(project_index, open_world, 0, 1)
    small = count_queries("/", ceiling=80)
    grow(project_index, open_world, 1, 7)
    large = count_queries("/", ceiling=80)
    assert small == large


# Admin -----------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="admin", is_staff=True, is_superuser=True))
    return client


def test_admin_edits_a_page_with_every_live_block(
    admin_client, home_page, open_world, metric, lead
):
    publish(home_page, live_body(metric=metric, spotlight=[(lead, "Thanks")]))
    response = admin_client.get(reverse("wagtailadmin_pages:edit", args=[home_page.pk]))
    assert response.status_code == 200
    assert b"Project cards" in response.content


def test_admin_saves_a_page_with_the_live_blocks(admin_client, home_page, metric, lead):
    from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

    department = lead.department
    data = nested_form_data(
        {
            "title": "Home",
            "slug": home_page.slug,
            "introduction": "",
            "body": streamfield(
                [
                    ("paragraph", rich_text("<p>Hello</p>")),
                    ("metric_chart", {"heading": "M", "metric": metric.pk}),
                    (
                        "promises_kept",
                        {"heading": "P", "department": department.pk},
                    ),
                    (
                        "wins_wall",
                        {"heading": "W", "department": "", "count": 3},
                    ),
                ]
            ),
        }
    )
    response = admin_client.post(reverse("wagtailadmin_pages:edit", args=[home_page.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    home_page.refresh_from_db()
    body = home_page.get_latest_revision_as_object().body
    assert [child.block_type for child in body] == [
        "paragraph",
        "metric_chart",
        "promises_kept",
        "wins_wall",
    ]
    assert body[1].value["metric"] == metric


def test_choosing_projects_and_a_filter_at_once_is_refused(joint_project, lead):
    block = stream_block().child_blocks["project_cards"]
    value = block.normalize({"projects": [joint_project], "department": lead.department})
    with pytest.raises(wagtail_blocks.StructBlockValidationError):
        block.clean(value)


def test_count_must_be_sensible():
    block = stream_block().child_blocks["wins_wall"]
    with pytest.raises(wagtail_blocks.StructBlockValidationError):
        block.clean(block.normalize({"heading": "W", "count": 0}))


@pytest.mark.parametrize("name", LIVE_BLOCKS)
def test_admin_block_preview_renders(admin_client, open_world, metric, name):
    block = stream_block().child_blocks[name]
    assert block.is_previewable
    response = admin_client.get(
        reverse("wagtailadmin_block_preview"), {"id": block.definition_prefix}
    )
    assert response.status_code == 200
    assert b"commonground.css" in response.content
    if name == "metric_chart":
        assert b"FCR" in response.content


def test_metric_chooser_lists_metrics_with_their_project(admin_client, metric):
    response = admin_client.get(reverse("metric_chooser:choose"))
    assert response.status_code == 200
    assert b"FCR" in response.content
    assert b"Faster answers" in response.content
    chosen = admin_client.get(reverse("metric_chooser:chosen", args=[metric.pk]))
    assert b"FCR (Faster answers)" in chosen.content


def test_collaboration_map_block_renders(member_client, home_page, open_world):
    publish(home_page, [("collaboration_map", {"heading": "Who works with whom", "period": "90d"})])
    response = member_client.get("/")
    assert response.status_code == 200
    assert b"Who works with whom" in response.content
    assert b"collab-map--compact" in response.content


def test_the_stream_block_is_the_one_the_pages_use():
    assert isinstance(stream_block(), IntranetPageStreamBlock)
    assert isinstance(StandardPage._meta.get_field("body").stream_block, IntranetPageStreamBlock)
