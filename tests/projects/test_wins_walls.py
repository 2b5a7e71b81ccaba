"""The wins walls (organisation, department, project), the win page and the project page."""

import pytest

from accounts.models import FeedToken
from projects.models import Visibility
from tests.factories import (
    DepartmentFactory,
    MembershipFactory,
    PersonFactory,
    ProjectPageFactory,
    WinCommentFactory,
    WinFactory,
)

pytestmark = pytest.mark.django_db


def titles(response):
    return [win.title for win in response.context["wins"]]


@pytest.fixture
def secret_project(project_index, lead):
    """A members-only project the lead belongs to."""
    project = ProjectPageFactory(
        parent=project_index, title="Secret merger", visibility=Visibility.MEMBERS
    )
    MembershipFactory(project=project, person=lead)
    return project


@pytest.fixture
def outsider(joint_project):
    return PersonFactory(user__username="otto")


class TestOrganisationWall:
    def test_shows_visible_wins_newest_first_with_a_monthly_summary(
        self, client, joint_project, member, lead
    ):
        WinFactory(projects=[joint_project], title="Older", posted_by=member, credited=[member])
        WinFactory(projects=[joint_project], title="Newer", posted_by=lead, credited=[lead, member])
        client.force_login(member.user)
        response = client.get("/wins/")
        html = response.content.decode()
        assert titles(response) == ["Newer", "Older"]
        assert (response.context["month_wins"], response.context["month_departments"]) == (2, 2)
        assert "wins this month" in html
        assert "Faster answers" in html

    def test_members_only_wins_stay_hidden_from_outsiders(
        self, client, joint_project, secret_project, lead, outsider
    ):
        WinFactory(projects=[secret_project], title="Hush", posted_by=lead, credited=[lead])
        shared = WinFactory(
            projects=[joint_project, secret_project], title="Shared", credited=[lead]
        )
        client.force_login(outsider.user)
        response = client.get("/wins/")
        assert titles(response) == ["Shared"]
        assert response.context["month_wins"] == 1
        # The shared win is shown, but its members-only project is never named.
        assert "Secret merger" not in response.content.decode()
        assert "Secret merger" not in client.get(f"/wins/{shared.pk}/").content.decode()
        client.force_login(lead.user)
        assert set(titles(client.get("/wins/"))) == {"Hush", "Shared"}
        assert "Secret merger" in client.get(f"/wins/{shared.pk}/").content.decode()

    def test_filters_by_a_department_of_the_credited_people(
        self, client, joint_project, secret_project, member, lead, outsider
    ):
        sales = lead.department
        WinFactory(projects=[joint_project], title="Sales helped", credited=[lead, member])
        WinFactory(projects=[joint_project], title="Support alone", credited=[member])
        WinFactory(projects=[secret_project], title="Secret sales", credited=[lead])
        client.force_login(outsider.user)
        response = client.get(f"/wins/?department={sales.slug}")
        assert titles(response) == ["Sales helped"]
        assert "Wins Sales helped make" in response.content.decode()
        token = FeedToken.objects.get(user=outsider.user).key
        assert f"/feeds/{token}/departments/{sales.slug}/" in response.content.decode()
        assert titles(client.get("/wins/?department=no-such-thing")) == []

    def test_links_to_the_viewers_feed(self, client, member):
        client.force_login(member.user)
        html = client.get("/wins/").content.decode()
        token = FeedToken.objects.get(user=member.user)
        assert f'href="/feeds/{token.key}/wins/"' in html
        client.get("/wins/")
        assert FeedToken.objects.filter(user=member.user).count() == 1

    def test_paginates(self, client, joint_project, member):
        for number in range(23):
            WinFactory(projects=[joint_project], title=f"Win {number}", credited=[member])
        client.force_login(member.user)
        assert len(titles(client.get("/wins/"))) == 20
        assert len(titles(client.get("/wins/?page=2"))) == 3


class TestProjectWall:
    def test_shows_the_projects_wins_and_its_feed(
        self, client, joint_project, project_index, member
    ):
        WinFactory(projects=[joint_project], title="Ours", credited=[member])
        WinFactory(projects=[ProjectPageFactory(parent=project_index)], title="Theirs")
        client.force_login(member.user)
        response = client.get(joint_project.url + "wins/")
        token = FeedToken.objects.get(user=member.user).key
        assert titles(response) == ["Ours"]
        assert f"/feeds/{token}/projects/{joint_project.pk}/" in response.content.decode()
        assert "Post a win" in response.content.decode()

    def test_viewers_who_are_not_members_are_not_offered_to_post(
        self, client, joint_project, outsider
    ):
        client.force_login(outsider.user)
        response = client.get(joint_project.url + "wins/")
        assert response.status_code == 200
        assert "Post a win" not in response.content.decode()


class TestWinPage:
    def test_shows_the_story_credits_by_department_and_comments(
        self, client, joint_project, member, lead
    ):
        win = WinFactory(
            projects=[joint_project],
            posted_by=member,
            credited=[member, lead],
            story='<p>Story with <a href="https://x.org">a link</a>.</p>',
        )
        WinCommentFactory(win=win)
        client.force_login(lead.user)
        response = client.get(f"/wins/{win.pk}/")
        html = response.content.decode()
        assert response.status_code == 200
        assert '<a href="https://x.org">a link</a>' in html
        assert [d.name for d, _people in response.context["win"].credits_by_department] == [
            "Support",
            "Sales",
        ]
        assert f"/wins/{win.pk}/edit/" not in html  # the lead did not post it

    def test_the_poster_sees_edit(self, client, joint_project, member):
        win = WinFactory(projects=[joint_project], posted_by=member)
        client.force_login(member.user)
        assert f"/wins/{win.pk}/edit/" in client.get(f"/wins/{win.pk}/").content.decode()

    def test_is_not_found_for_people_who_cannot_see_any_of_its_projects(
        self, client, secret_project, lead, outsider
    ):
        win = WinFactory(projects=[secret_project], posted_by=lead, credited=[lead])
        client.force_login(outsider.user)
        assert client.get(f"/wins/{win.pk}/").status_code == 404
        assert client.get("/wins/999999/").status_code == 404
        client.force_login(lead.user)
        assert client.get(f"/wins/{win.pk}/").status_code == 200

    def test_render_win_detail_re_renders_with_a_status(self, rf, joint_project, member):
        from projects.views.wins import render_win_detail

        win = WinFactory(projects=[joint_project], posted_by=member)
        request = rf.get(f"/wins/{win.pk}/")
        request.user = member.user
        response = render_win_detail(request, win, status=400)
        assert response.status_code == 400
        assert response.context_data["win"].pk == win.pk


class TestProjectPage:
    def test_shows_the_three_latest_wins_and_a_count(self, client, joint_project, member):
        for number in range(5):
            WinFactory(projects=[joint_project], title=f"Win number {number}", credited=[member])
        client.force_login(member.user)
        response = client.get(joint_project.url)
        html = response.content.decode()
        assert response.context["win_count"] == 5
        assert [w.title for w in response.context["recent_wins"]] == [
            "Win number 4",
            "Win number 3",
            "Win number 2",
        ]
        assert 'id="wins"' in html
        assert "All 5 wins" in html
        assert "Post a win" in html

    def test_invites_members_to_post_the_first_win(self, client, joint_project, outsider, member):
        client.force_login(member.user)
        assert "No wins yet" in client.get(joint_project.url).content.decode()
        client.force_login(outsider.user)
        assert "Post a win" not in client.get(joint_project.url).content.decode()


def test_department_names_come_in_credit_order_once_each(client, joint_project, member, lead):
    engineering = DepartmentFactory(name="Engineering")
    engineer = PersonFactory(department=engineering)
    win = WinFactory(
        projects=[joint_project],
        credited=[lead, member, engineer, PersonFactory(department=lead.department)],
    )
    assert [d.name for d in win.credited_departments] == ["Sales", "Support", "Engineering"]
