"""The department page: joint projects, partners and how much, wins, metrics, statements."""

import datetime
from decimal import Decimal

import pytest
import wagtail_factories
from django.urls import reverse
from django.utils import timezone

from projects import department_selectors
from projects.department_selectors import department_story, suggested_partner
from projects.models import CheckIn, Metric, MetricSignOff, ProjectPage, ProjectStatus
from projects.progress import Status
from tests.factories import (
    CheerFactory,
    DepartmentFactory,
    MembershipFactory,
    PersonFactory,
    ProjectPageFactory,
    ReactionFactory,
    UserFactory,
    WinCommentFactory,
    WinFactory,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def department_url(department):
    return reverse("organisation:department", kwargs={"slug": department.slug})


def make_project(index, title, people, *, status=ProjectStatus.ACTIVE, members_only=False):
    """A live project with these people as members; `people` maps person → statement."""
    project = ProjectPageFactory(
        parent=index, title=title, visibility="members" if members_only else "organisation"
    )
    for person, statement in people.items():
        MembershipFactory(project=project, person=person, whats_in_it_for_my_team=statement)
    # Saved as proposed: a page may only become active once it is joint, which it now is.
    ProjectPage.objects.filter(pk=project.pk).update(status=status)
    project.status = status
    return project


def make_metric(project, owners, *, author, value=None, name="First-contact resolution"):
    """A percentage metric from 50 to 100 over 60 days, half of the time gone.

    A check-in of 80 is on track (60 % of the way, 50 % expected); 55 is off track.
    """
    metric = Metric.objects.create(
        project=project,
        name=name,
        definition="Solved in the first reply.",
        unit="percent",
        baseline_value=Decimal(50),
        baseline_date=TODAY - datetime.timedelta(days=30),
        target_value=Decimal(100),
        target_date=TODAY + datetime.timedelta(days=30),
        created_by=author,
    )
    metric.owning_departments.set(owners)
    if value is not None:
        CheckIn.objects.create(metric=metric, day=TODAY, value=Decimal(value), author=author)
    return metric


@pytest.fixture
def org(project_index):
    """Sales works with Support on two projects and with Engineering on one."""
    sales = DepartmentFactory(name="Sales", colour="#1d4ed8")
    support = DepartmentFactory(name="Support", colour="#0f766e")
    engineering = DepartmentFactory(name="Engineering", colour="#7c3aed")
    aino = PersonFactory(user__first_name="Aino", user__last_name="Lehto", department=sales)
    kofi = PersonFactory(user__first_name="Kofi", user__last_name="Mensah", department=support)
    eero = PersonFactory(user__first_name="Eero", user__last_name="Koski", department=engineering)
    faster = make_project(
        project_index,
        "Faster answers",
        {aino: "Fewer angry renewals.", kofi: "Fewer repeat tickets."},
    )
    onboarding = make_project(
        project_index,
        "Onboarding",
        {aino: "   ", kofi: ""},
        status=ProjectStatus.COMPLETED,
    )
    pricing = make_project(
        project_index,
        "Pricing page",
        {aino: "Clear prices sell themselves.", eero: ""},
        status=ProjectStatus.PROPOSED,
    )
    return {
        "sales": sales,
        "support": support,
        "engineering": engineering,
        "aino": aino,
        "kofi": kofi,
        "eero": eero,
        "faster": faster,
        "onboarding": onboarding,
        "pricing": pricing,
    }


def partner_counts(story):
    return [(p.name, p.shared_projects, p.shared_wins) for p in story["partners"]]


class TestPartners:
    def test_partners_come_with_shared_projects_most_first(self, member_client, org):
        response = member_client.get(department_url(org["sales"]))
        story = response.context["story"]
        assert partner_counts(story) == [("Support", 2, 0), ("Engineering", 1, 0)]
        html = response.content.decode()
        partners = html[html.index('class="partner-list"') :]
        assert partners.index(">Support<") < partners.index("2 projects")
        assert partners.index("2 projects") < partners.index(">Engineering<")
        assert partners.index(">Engineering<") < partners.index("1 project")

    def test_shared_wins_count_wins_crediting_both_departments(self, person, org):
        WinFactory(projects=[org["faster"]], credited=[org["aino"], org["kofi"]])
        WinFactory(projects=[org["faster"]], credited=[org["aino"]])
        WinFactory(projects=[org["faster"]], credited=[org["kofi"]])
        story = department_story(org["sales"], person.user)
        assert partner_counts(story) == [("Support", 2, 1), ("Engineering", 1, 0)]

    def test_partner_bars_are_relative_to_the_closest_partner(self, person, org):
        story = department_story(org["sales"], person.user)
        assert [partner.share for partner in story["partners"]] == [100, 50]


class TestProjects:
    def test_projects_active_first_each_with_its_departments(self, member_client, org):
        response = member_client.get(department_url(org["engineering"]))
        story = response.context["story"]
        assert [p.title for p in story["projects"]] == ["Pricing page"]
        response = member_client.get(department_url(org["sales"]))
        story = response.context["story"]
        assert [p.title for p in story["projects"]] == [
            "Faster answers",
            "Pricing page",
            "Onboarding",
        ]
        assert [d.name for d in story["projects"][0].listed_departments] == ["Sales", "Support"]
        assert [p.department_count for p in story["projects"]] == [2, 2, 2]
        assert story["project_count"] == 3
        assert "Faster answers" in response.content.decode()

    def test_a_project_draft_is_not_listed(self, person, org):
        org["faster"].unpublish()
        story = department_story(org["sales"], person.user)
        assert [p.title for p in story["projects"]] == ["Pricing page", "Onboarding"]


class TestWins:
    def test_latest_wins_crediting_its_people_with_cards_and_cheers(self, member_client, org):
        ours = WinFactory(
            title="Renewals up", projects=[org["faster"]], credited=[org["aino"], org["kofi"]]
        )
        WinFactory(title="Support only", projects=[org["faster"]], credited=[org["kofi"]])
        CheerFactory(win=ours, reaction=ReactionFactory(name="Celebrate"))
        response = member_client.get(department_url(org["sales"]))
        story = response.context["story"]
        assert [win.title for win in story["wins"]] == ["Renewals up"]
        assert story["win_count"] == 1
        assert story["wins"][0].cheer_summary[0].count == 1
        html = response.content.decode()
        assert "Renewals up" in html
        assert "Support only" not in html

    def test_at_most_six_newest_first_with_a_link_to_all(self, member_client, org):
        for days_ago in range(8):
            WinFactory(
                title=f"Win {days_ago} days ago",
                day=TODAY - datetime.timedelta(days=days_ago),
                projects=[org["faster"]],
                credited=[org["aino"]],
            )
        response = member_client.get(department_url(org["sales"]))
        titles = [win.title for win in response.context["story"]["wins"]]
        assert titles == [f"Win {n} days ago" for n in range(6)]
        assert "All 8 wins" in response.content.decode()
        assert "/wins/?department=sales" in response.content.decode()


class TestMetrics:
    def test_co_owned_metrics_with_their_status_neediest_first(self, member_client, org):
        make_metric(org["faster"], [org["sales"], org["support"]], author=org["aino"], value=80)
        make_metric(
            org["faster"],
            [org["sales"], org["support"]],
            author=org["aino"],
            value=55,
            name="Renewal rate",
        )
        make_metric(org["faster"], [org["support"]], author=org["kofi"], value=80, name="CSAT")
        response = member_client.get(department_url(org["sales"]))
        story = response.context["story"]
        assert [(s.metric.name, s.progress.status) for s in story["metrics"]] == [
            ("Renewal rate", Status.OFF_TRACK),
            ("First-contact resolution", Status.ON_TRACK),
        ]
        assert story["metric_status_counts"] == [(Status.OFF_TRACK, 1), (Status.ON_TRACK, 1)]
        html = response.content.decode()
        assert "Off track" in html
        assert "On track" in html
        assert "CSAT" not in html

    def test_only_the_neediest_are_shown_with_a_link_to_all(self, member_client, org):
        shown = department_selectors.METRICS_SHOWN
        for n in range(shown + 2):
            value = 55 if n < 2 else 80
            name = f"Off track {n}" if n < 2 else f"On track {n}"
            make_metric(org["faster"], [org["sales"]], author=org["aino"], value=value, name=name)
        response = member_client.get(department_url(org["sales"]))
        story = response.context["story"]
        assert len(story["metrics"]) == shown
        assert [s.metric.name for s in story["metrics"][:2]] == ["Off track 0", "Off track 1"]
        assert story["metric_count"] == shown + 2
        assert story["metric_status_counts"] == [(Status.OFF_TRACK, 2), (Status.ON_TRACK, shown)]
        assert f"See all {shown + 2} metrics on the metrics overview" in response.content.decode()

    def test_no_link_to_all_when_every_metric_is_shown(self, member_client, org):
        make_metric(org["faster"], [org["sales"]], author=org["aino"], value=80)
        response = member_client.get(department_url(org["sales"]))
        assert "on the metrics overview</a>" not in response.content.decode()


class TestStatements:
    def test_non_empty_statements_of_its_people_newest_first(self, member_client, org):
        response = member_client.get(department_url(org["sales"]))
        statements = response.context["story"]["statements"]
        assert [(m.person.user.first_name, m.statement, m.project.title) for m in statements] == [
            ("Aino", "Clear prices sell themselves.", "Pricing page"),
            ("Aino", "Fewer angry renewals.", "Faster answers"),
        ]
        html = response.content.decode()
        assert "Fewer angry renewals." in html
        assert "Fewer repeat tickets." not in html

    def test_at_most_eight(self, person, org, project_index):
        for n in range(10):
            make_project(
                project_index,
                f"Extra {n}",
                {PersonFactory(department=org["sales"]): f"Reason {n}", org["kofi"]: ""},
            )
        statements = department_story(org["sales"], person.user)["statements"]
        assert [m.statement for m in statements] == [f"Reason {n}" for n in range(9, 1, -1)]


@pytest.fixture
def secret(org, project_index):
    """A members-only Sales and Engineering project with a win, a metric and a statement."""
    project = make_project(
        project_index,
        "Secret merger",
        {org["aino"]: "Hidden reason.", org["eero"]: ""},
        members_only=True,
    )
    WinFactory(title="Hidden win", projects=[project], credited=[org["aino"], org["eero"]])
    make_metric(
        project, [org["sales"], org["engineering"]], author=org["aino"], value=80, name="Hidden"
    )
    return project


class TestMembersOnlyProjects:
    def test_never_shown_nor_counted_for_people_outside(self, member_client, org, secret):
        response = member_client.get(department_url(org["sales"]))
        story = response.context["story"]
        assert partner_counts(story) == [("Support", 2, 0), ("Engineering", 1, 0)]
        assert story["project_count"] == 3
        assert story["wins"] == []
        assert story["win_count"] == 0
        assert story["metrics"] == []
        assert "Hidden reason." not in [m.statement for m in story["statements"]]
        assert "Hidden" not in response.content.decode()
        assert "Secret merger" not in response.content.decode()

    def test_shown_and_counted_for_its_members(self, client, org, secret):
        client.force_login(org["eero"].user)
        response = client.get(department_url(org["sales"]))
        story = response.context["story"]
        assert partner_counts(story) == [("Engineering", 2, 1), ("Support", 2, 0)]
        assert [win.title for win in story["wins"]] == ["Hidden win"]
        assert [s.metric.name for s in story["metrics"]] == ["Hidden"]
        assert "Hidden reason." in [m.statement for m in story["statements"]]
        assert "Secret merger" in response.content.decode()

    def test_a_suggestion_ignores_projects_the_viewer_cannot_see(
        self, client, member_client, org, secret, project_index
    ):
        """Counting the members-only projects, Engineering is in the most joint projects;
        counting only those the viewer sees, Sales is."""
        for n in range(3):
            make_project(
                project_index,
                f"Hidden {n}",
                {org["eero"]: "", org["kofi"]: ""},
                status=ProjectStatus.COMPLETED,
                members_only=True,
            )
        legal = DepartmentFactory(name="Legal")
        assert suggested_partner(legal) == org["engineering"]
        response = member_client.get(department_url(legal))
        assert response.context["story"]["suggested_partner"] == org["sales"]
        assert "Engineering" not in response.content.decode()


class TestSuggestedPartner:
    @pytest.fixture
    def network(self, project_index):
        """Ops works with Sales and Support; Sales works with Legal and Finance, Support with
        Legal: Legal meets two of Ops' partners, Finance one."""
        names = ["Ops", "Sales", "Support", "Legal", "Finance", "Marketing"]
        departments = {name: DepartmentFactory(name=name) for name in names}
        people = {name: PersonFactory(department=d) for name, d in departments.items()}
        pairs = [
            ("Ops", "Sales"),
            ("Ops", "Support"),
            ("Sales", "Legal"),
            ("Sales", "Finance"),
            ("Support", "Legal"),
            ("Marketing", "Finance"),
            ("Marketing", "Finance"),
        ]
        for n, (one, other) in enumerate(pairs):
            make_project(
                project_index,
                f"Project {n}",
                {people[one]: "", people[other]: ""},
                status=ProjectStatus.COMPLETED,
            )
        return departments

    def test_the_department_most_partners_work_with(self, network):
        assert suggested_partner(network["Ops"]) == network["Legal"]
        # Marketing's only partner, Finance, works with Sales: a single introduction.
        assert suggested_partner(network["Marketing"]) == network["Sales"]

    def test_without_partners_the_department_in_most_joint_projects(self, network):
        # Finance and Sales are both in three joint projects: the first by name wins the tie.
        newcomer = DepartmentFactory(name="Newcomers")
        assert suggested_partner(newcomer) == network["Finance"]

    def test_no_suggestion_when_there_is_nobody(self, db):
        assert suggested_partner(DepartmentFactory()) is None

    def test_callout_with_the_suggestion_when_no_partner_in_active_projects(
        self, member_client, network
    ):
        html = member_client.get(department_url(network["Ops"])).content.decode()
        assert "No active joint project right now" in html
        assert "Legal already works with 2 of your partner departments" in html
        newcomer = DepartmentFactory(name="Newcomers")
        html = member_client.get(department_url(newcomer)).content.decode()
        assert "No joint project yet" in html
        assert "Finance takes part in 3 joint projects" in html

    def test_no_callout_with_a_partner_in_an_active_project(self, member_client, org):
        response = member_client.get(department_url(org["sales"]))
        assert response.context["story"]["suggested_partner"] is None
        html = response.content.decode()
        assert "No joint project yet" not in html
        assert "No active joint project" not in html


def test_a_user_without_a_person_sees_the_page_and_cannot_cheer(client, org):
    WinFactory(projects=[org["faster"]], credited=[org["aino"]])
    client.force_login(UserFactory())
    response = client.get(department_url(org["sales"]))
    assert response.status_code == 200
    assert response.context["story"]["can_cheer"] is False


def test_login_is_required(client, org):
    response = client.get(department_url(org["sales"]))
    assert response.status_code == 302


class TestQueryCount:
    @staticmethod
    def populate(numbers, project_index, departments, reaction, image):
        """A joint project per number, each with a win (picture, check-in, cheer, comment), a
        signed-off metric with a check-in and a statement, people with photos."""
        sales, support, engineering = departments
        for n in numbers:
            ours = PersonFactory(department=sales, with_photo=True)
            theirs = PersonFactory(department=(support, engineering)[n % 2], with_photo=True)
            project = make_project(
                project_index, f"Joint {n}", {ours: f"Reason {n}", theirs: "Ours too."}
            )
            metric = make_metric(project, [sales, theirs.department], author=ours, value=80)
            MetricSignOff.objects.create(metric=metric, department=sales, person=ours, version=1)
            win = WinFactory(
                projects=[project],
                posted_by=ours,
                credited=[ours, theirs],
                image=image,
                check_in=metric.check_ins.get(),
            )
            CheerFactory(win=win, person=theirs, reaction=reaction)
            WinCommentFactory(win=win, author=theirs)

    def test_equal_for_small_and_larger_data(self, project_index, client, count_queries):
        departments = [DepartmentFactory(name=name) for name in ("Sales", "Support", "Eng")]
        DepartmentFactory(name="Field sales", parent=departments[0])
        reaction = ReactionFactory(name="Celebrate")
        image = wagtail_factories.ImageFactory()
        viewer = PersonFactory(department=departments[0], with_photo=True)
        client.force_login(viewer.user)
        url = department_url(departments[0])
        self.populate(range(2), project_index, departments, reaction, image)
        small = count_queries(url, ceiling=40)
        self.populate(range(2, 20), project_index, departments, reaction, image)
        larger = count_queries(url, ceiling=40)
        assert small == larger, (small, larger)
