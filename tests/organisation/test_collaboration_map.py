"""The collaboration map: pairs of departments, silo index, trend, suggestions, page."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from projects.collaboration import (
    DEFAULT_PERIOD,
    HEAT_STEPS,
    ISOLATED_FILL,
    NO_COLLABORATION_FILL,
    clean_period,
    collaboration_map,
    counted_projects,
    department_silo_index,
    heat_map_svg_data,
    heat_step,
    organisation_silo_index,
)
from projects.department_selectors import suggested_partner
from projects.models import Metric, ProjectPage, ProjectStatus
from tests.factories import (
    DepartmentFactory,
    MembershipFactory,
    PersonFactory,
    ProjectPageFactory,
    WinFactory,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
URL = reverse("organisation:collaboration_map")


def days_ago(days):
    return TODAY - datetime.timedelta(days=days)


def department(name, people):
    """A department with `people` active people; returns (department, [people])."""
    created = DepartmentFactory(name=name)
    return created, [PersonFactory(department=created) for _ in range(people)]


def project(
    index,
    *people,
    status=ProjectStatus.ACTIVE,
    members_only=False,
    start_date=None,
    last_published=None,
):
    made = ProjectPageFactory(
        parent=index,
        visibility="members" if members_only else "organisation",
        start_date=start_date or days_ago(30),
    )
    for person in people:
        MembershipFactory(project=made, person=person)
    # Saved as proposed: a page may only become active once it is joint, which it now is.
    changes = {"status": status}
    if last_published is not None:
        # Paused and completed projects count until they were last published.
        moment = timezone.make_aware(datetime.datetime.combine(last_published, datetime.time(12)))
        changes["last_published_at"] = moment
    ProjectPage.objects.filter(pk=made.pk).update(**changes)
    made.status = status
    return made


def metric(on_project, *owners, author):
    created = Metric.objects.create(
        project=on_project,
        name="Shared number",
        definition="Counted together.",
        unit="count",
        baseline_value=Decimal(1),
        baseline_date=days_ago(10),
        target_value=Decimal(2),
        target_date=TODAY + datetime.timedelta(days=30),
        created_by=author,
    )
    created.owning_departments.set(owners)
    return created


def pair_of(result, first, second):
    names = {first.name, second.name}
    return next(
        (pair for pair in result.pairs if {pair.first.name, pair.second.name} == names), None
    )


def silo_of(result, wanted):
    return next(row for row in result.per_department if row.department.pk == wanted.pk)


@pytest.fixture
def small_organisation(project_index):
    """Alpha (1 person), Beta (2) and Gamma (3); only Beta and Gamma share a project."""
    alpha, alpha_people = department("Alpha", 1)
    beta, beta_people = department("Beta", 2)
    gamma, gamma_people = department("Gamma", 3)
    project(project_index, beta_people[0], gamma_people[0])
    return {
        "alpha": alpha,
        "beta": beta,
        "gamma": gamma,
        "people": {"alpha": alpha_people, "beta": beta_people, "gamma": gamma_people},
    }


class TestSiloIndex:
    def test_organisation_index_by_hand(self, small_organisation):
        # Pair weights n_i x n_j: Alpha-Beta 1x2 = 2, Alpha-Gamma 1x3 = 3, Beta-Gamma 2x3 = 6;
        # all pairs 2 + 3 + 6 = 11. Only Beta-Gamma collaborates, so the pairs apart weigh
        # 2 + 3 = 5: the index is 5 / 11 = 0.4545..., shown as 45%.
        result = collaboration_map()
        assert result.silo_index == pytest.approx(5 / 11)
        assert result.silo_percent == 45
        assert result.collaborating_pairs == 1
        assert result.possible_pairs == 3

    def test_per_department_index_by_hand(self, small_organisation):
        result = collaboration_map()
        o = small_organisation
        # Alpha works with nobody: people elsewhere 2 + 3 = 5, all apart -> 5 / 5 = 100%.
        assert silo_of(result, o["alpha"]).silo_index == pytest.approx(1.0)
        # Beta works with Gamma (3) not Alpha (1): apart 1 of 1 + 3 = 4 -> 25%.
        assert silo_of(result, o["beta"]).silo_index == pytest.approx(0.25)
        # Gamma works with Beta (2) not Alpha (1): apart 1 of 1 + 2 = 3 -> 33%.
        assert silo_of(result, o["gamma"]).silo_index == pytest.approx(1 / 3)
        assert silo_of(result, o["gamma"]).silo_percent == 33
        assert [d.name for d in silo_of(result, o["beta"]).partners] == ["Gamma"]

    def test_pure_functions_match_the_formula(self):
        people = {1: 1, 2: 2, 3: 3, 4: 0}  # department 4 has nobody: left out
        together = {frozenset((2, 3))}
        assert organisation_silo_index(people, together) == pytest.approx(5 / 11)
        assert organisation_silo_index(people, set()) == 1.0
        everyone = {frozenset(pair) for pair in ((1, 2), (1, 3), (2, 3))}
        assert organisation_silo_index(people, everyone) == 0.0
        assert department_silo_index(4, people, together) is None
        assert organisation_silo_index({1: 5}, set()) is None  # no pair at all

    def test_isolated_department_gets_the_department_in_most_joint_projects(
        self, small_organisation
    ):
        result = collaboration_map()
        assert [d.name for d in result.isolated] == ["Alpha"]
        # Alpha never had a partner: Beta and Gamma are in one joint project each; by name.
        assert result.isolated[0].suggested_partner.name == "Beta"
        assert silo_of(result, small_organisation["alpha"]).is_isolated

    def test_suggestion_is_a_partner_of_its_earlier_partners(self, project_index):
        _delta, (delta_person,) = department("Delta", 1)
        _echo, (echo_person, echo_other) = department("Echo", 2)
        _foxtrot, (foxtrot_person,) = department("Foxtrot", 1)
        _golf, (golf_person,) = department("Golf", 1)
        # Delta and Echo finished a project two years ago: no partner in the last 12 months.
        project(
            project_index,
            delta_person,
            echo_person,
            status=ProjectStatus.COMPLETED,
            start_date=days_ago(900),
            last_published=days_ago(700),
        )
        project(project_index, echo_other, foxtrot_person)
        project(project_index, golf_person, foxtrot_person)
        result = collaboration_map("12m")
        assert [d.name for d in result.isolated] == ["Delta"]
        suggestion = result.isolated[0].suggested_partner
        assert suggestion.name == "Foxtrot"
        assert suggestion.partners_in_common == 1
        # The same answer as the department page's own (per-department) selector.
        delta = result.isolated[0]
        assert suggested_partner(delta, projects=counted_projects()).name == "Foxtrot"

    def test_a_department_without_people_is_left_out_and_not_isolated(self, small_organisation):
        DepartmentFactory(name="Empty")
        result = collaboration_map()
        assert result.silo_index == pytest.approx(5 / 11)
        assert [d.name for d in result.isolated] == ["Alpha"]
        assert [d.name for d in result.departments] == ["Alpha", "Beta", "Empty", "Gamma"]


class TestWhatCounts:
    def test_shared_projects_wins_and_metrics_with_the_score(self, project_index):
        _sales, (seller, seller_two) = department("Sales", 2)
        support, (helper,) = department("Support", 1)
        finance, _nobody = department("Finance", 1)
        shared = project(project_index, seller, helper)
        # Five members from one department still make one shared project.
        for _ in range(4):
            MembershipFactory(project=shared, person=PersonFactory(department=support))
        project(project_index, seller_two, helper)
        WinFactory(projects=[shared], posted_by=seller, credited=[seller, helper])
        # Finance co-owns a metric with Sales in a project it is not a member of.
        metric(shared, seller.department, finance, author=seller)
        result = collaboration_map()
        sales_support = pair_of(result, seller.department, support)
        assert (sales_support.projects, sales_support.wins, sales_support.metrics) == (2, 1, 0)
        assert sales_support.score == 2 * 3 + 0 * 2 + 1
        sales_finance = pair_of(result, seller.department, finance)
        assert (sales_finance.projects, sales_finance.wins, sales_finance.metrics) == (0, 0, 1)
        assert sales_finance.score == 2
        assert pair_of(result, support, finance) is None
        assert [(p.first.name, p.second.name) for p in result.pairs] == [
            ("Sales", "Support"),
            ("Finance", "Sales"),
        ]
        assert result.max_score == 7

    def test_members_only_projects_and_their_wins_and_metrics_do_not_count(self, project_index):
        _a, (ann,) = department("Ada", 1)
        _b, (bob,) = department("Bea", 1)
        secret = project(project_index, ann, bob, members_only=True)
        WinFactory(projects=[secret], posted_by=ann, credited=[ann, bob])
        metric(secret, ann.department, bob.department, author=ann)
        result = collaboration_map()
        assert result.pairs == []
        assert result.silo_index == 1.0
        assert {d.name for d in result.isolated} == {"Ada", "Bea"}

    def test_proposed_projects_do_not_count_yet(self, project_index):
        _a, (ann,) = department("Ada", 1)
        _b, (bob,) = department("Bea", 1)
        project(project_index, ann, bob, status=ProjectStatus.PROPOSED)
        assert collaboration_map().pairs == []

    def test_period_filters_wins_and_stopped_projects(self, project_index):
        _a, (ann,) = department("Ada", 1)
        _b, (bob,) = department("Bea", 1)
        _c, (cid,) = department("Cid", 1)
        # Paused 200 days ago: in the last 12 months, not in the last 90 days.
        project(
            project_index,
            ann,
            bob,
            status=ProjectStatus.PAUSED,
            start_date=days_ago(400),
            last_published=days_ago(200),
        )
        # A win of Ada and Cid 200 days ago, in an Ada-only project.
        WinFactory(
            projects=[project(project_index, ann)],
            posted_by=ann,
            credited=[ann, cid],
            day=days_ago(200),
        )
        recent = collaboration_map("90d")
        assert recent.pairs == []
        year = collaboration_map("12m")
        assert [(p.first.name, p.second.name, p.projects, p.wins) for p in year.pairs] == [
            ("Ada", "Bea", 1, 0),
            ("Ada", "Cid", 0, 1),
        ]
        assert len(collaboration_map("all").pairs) == 2

    def test_trend_by_hand(self, project_index):
        _a, (ann,) = department("Ada", 1)
        _b, (bob,) = department("Bea", 1)
        # Started 100 days ago and active: running in the last two 90-day periods (the one
        # before ends 90 days ago), not in the four before (they end 180 days ago or earlier).
        project(project_index, ann, bob, start_date=days_ago(100))
        trend = collaboration_map("90d").trend
        assert [index for _label, index in trend] == [1.0, 1.0, 1.0, 1.0, 0.0, 0.0]
        assert trend[-1].window.end == TODAY
        assert trend[-1].window.start == days_ago(89)
        assert trend[-2].window.end == days_ago(90)
        # All time: cumulative at the end of each of the last six quarters (91 days).
        all_time = collaboration_map("all").trend
        assert [index for _label, index in all_time] == [1.0, 1.0, 1.0, 1.0, 0.0, 0.0]
        assert all_time[0].window.start is None


class TestPeriod:
    @pytest.mark.parametrize("value", [None, "", "7d", "12M", "all;DROP", "90"])
    def test_unknown_periods_fall_back_to_the_default(self, value):
        assert clean_period(value) == DEFAULT_PERIOD == "12m"

    @pytest.mark.parametrize("value", ["90d", "12m", "all"])
    def test_known_periods_are_kept(self, value):
        assert clean_period(value) == value
        assert collaboration_map(value).period == value


class TestCostAndCache:
    def make(self, project_index, departments, projects, prefix="Team"):
        teams = [department(f"{prefix} {number:02}", 2) for number in range(departments)]
        for number in range(projects):
            first = teams[number % departments][1][0]
            second = teams[(number + 1) % departments][1][1]
            third = teams[(number + 2) % departments][1][0]
            shared = project(project_index, first, second, third)
            WinFactory(projects=[shared], posted_by=first, credited=[first, second])
            metric(shared, first.department, second.department, author=first)

    def queries(self, period="12m"):
        with CaptureQueriesContext(connection) as captured:
            collaboration_map(period)
        return len(captured)

    def test_query_count_does_not_grow_with_departments_or_projects(self, project_index):
        self.make(project_index, departments=3, projects=2)
        few = self.queries()
        from django.core.cache import cache

        cache.clear()
        self.make(project_index, departments=12, projects=30, prefix="More")
        many = self.queries()
        assert few == many == 4

    def test_second_call_is_served_from_the_cache(self, small_organisation):
        collaboration_map()
        assert self.queries() == 0
        assert self.queries("90d") == 4  # another period: another entry

    def test_a_new_membership_refreshes_the_cached_map(self, small_organisation, project_index):
        assert [d.name for d in collaboration_map().isolated] == ["Alpha"]
        shared = ProjectPage.objects.get()
        MembershipFactory(project=shared, person=small_organisation["people"]["alpha"][0])
        assert collaboration_map().isolated == []
        assert collaboration_map().silo_index == 0.0

    def test_a_new_metric_owner_refreshes_the_cached_map(self, small_organisation):
        o = small_organisation
        shared = ProjectPage.objects.get()
        created = metric(shared, o["beta"], author=o["people"]["beta"][0])
        assert pair_of(collaboration_map(), o["alpha"], o["beta"]) is None
        created.owning_departments.add(o["alpha"])
        assert pair_of(collaboration_map(), o["alpha"], o["beta"]).metrics == 1


class TestHeatMap:
    def test_heat_steps(self):
        assert heat_step(0, 10) == 0
        assert heat_step(1, 10) == 1
        assert heat_step(10, 10) == len(HEAT_STEPS)
        assert heat_step(5, 0) == 0

    def test_geometry_has_a_square_per_pair_and_marks_the_isolated(self, small_organisation):
        data = heat_map_svg_data(collaboration_map())
        assert len(data["rows"]) == 3
        assert all(len(row["cells"]) == 3 for row in data["rows"])
        alpha_row, beta_row, _gamma_row = data["rows"]
        assert alpha_row["is_isolated"]
        assert not beta_row["is_isolated"]
        assert beta_row["cells"][1]["is_self"]
        assert beta_row["cells"][2]["fill"] == HEAT_STEPS[-1]  # the closest pair: darkest
        assert alpha_row["cells"][1]["fill"] == ISOLATED_FILL  # Alpha's row stands out
        assert data["legend"][-1]["fill"] == ISOLATED_FILL
        assert data["legend"][0]["fill"] == NO_COLLABORATION_FILL

        assert "Beta and Gamma: 1 shared active project" in beta_row["cells"][2]["title"]


class TestPage:
    def test_anonymous_visitors_are_sent_to_log_in(self, client):
        response = client.get(URL)
        assert response.status_code == 302
        assert reverse("login") in response.url or "login" in response.url

    def test_shows_the_map_the_silo_index_and_the_isolated(self, member_client, small_organisation):
        response = member_client.get(URL)
        assert response.status_code == 200
        html = response.content.decode()
        assert response.context["collaboration"].period == "12m"
        assert 'role="img"' in html
        assert '<title id="collab-heat-title">' in html
        # Anna (logged in) adds a fourth department of one person, with no partner. Weights:
        # Alpha-Beta 2, Alpha-Gamma 3, Beta-Gamma 6, Anna's with Alpha 1, Beta 2, Gamma 3:
        # 17 in all; apart 17 - 6 = 11, so 11 / 17 = 64.7%, shown as 65%.
        assert response.context["collaboration"].silo_percent == 65
        assert "65<span" in html
        assert "How we compute this" in html
        assert "members-only work" in html
        assert "A good next partner:" in html
        assert 'value="12m" checked' in html
        assert "<table" in html

    def test_the_drawn_map_is_cached_per_language_and_redrawn_after_a_change(
        self, member_client, small_organisation
    ):
        o = small_organisation
        english = member_client.get(URL).content.decode()
        assert "How we compute this" in english
        assert "65<span" in english  # see the test above
        member_client.post("/account/language/", {"language": "fi", "next": URL})
        finnish = member_client.get(URL).content.decode()
        assert '<html lang="fi">' in finnish
        assert "How we compute this" not in finnish
        member_client.post("/account/language/", {"language": "en", "next": URL})
        shared = ProjectPage.objects.get()
        MembershipFactory(project=shared, person=o["people"]["alpha"][0])
        response = member_client.get(URL)
        silo_percent = response.context["collaboration"].silo_percent
        assert silo_percent < 65
        html = response.content.decode()
        assert f"{silo_percent}<span" in html

    @pytest.mark.parametrize("period", ["nonsense", "", "12m'--"])
    def test_bad_period_shows_the_default(self, member_client, small_organisation, period):
        response = member_client.get(URL, {"period": period})
        assert response.status_code == 200
        assert response.context["collaboration"].period == "12m"

    def test_period_is_chosen_with_a_plain_get_form(self, member_client, small_organisation):
        response = member_client.get(URL, {"period": "90d"})
        assert response.context["collaboration"].period == "90d"
        assert 'value="90d" checked' in response.content.decode()

    def test_members_only_collaboration_never_shows_even_to_its_members(
        self, client, project_index
    ):
        _a, (ann,) = department("Ada", 1)
        _b, (bob,) = department("Bea", 1)
        project(project_index, ann, bob, members_only=True)
        client.force_login(ann.user)
        collaboration = client.get(URL).context["collaboration"]
        assert collaboration.pairs == []

    def test_query_count_of_the_page_does_not_grow(
        self, member_client, project_index, count_queries
    ):
        TestCostAndCache().make(project_index, departments=3, projects=2)
        few = count_queries(URL, ceiling=12)
        TestCostAndCache().make(project_index, departments=10, projects=20, prefix="More")
        many = count_queries(URL, ceiling=12)
        assert few == many

    def test_linked_from_the_department_list_and_pages(self, member_client, small_organisation):
        assert URL in member_client.get(reverse("organisation:departments")).content.decode()
        department_page = reverse(
            "organisation:department", kwargs={"slug": small_organisation["alpha"].slug}
        )
        assert URL in member_client.get(department_page).content.decode()

    def test_compact_include_links_to_the_full_page(self, rf, person, small_organisation):
        from django.template.loader import render_to_string

        request = rf.get("/")
        request.user = person.user
        html = render_to_string(
            "projects/includes/collaboration_map.html",
            {"collaboration": collaboration_map("90d"), "compact": True},
            request=request,
        )
        assert f"{URL}?period=90d" in html
        assert "collab-map--compact" in html
        assert 'id="collab-compact-heat-title"' in html


def test_trend_months_read_as_numbers_in_finnish(db):
    """Django's Finnish "M" is "Mar" for November (marraskuu): the trend uses 11.2026 instead."""
    from django.utils import translation

    with translation.override("fi"):
        labels = [point.label for point in collaboration_map(period="12m").trend]

    assert labels
    assert all(re.fullmatch(r"\d{1,2}\.\d{4}", label) for label in labels), labels
