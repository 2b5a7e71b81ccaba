import datetime

import pytest
from django.utils import timezone

from projects.models import (
    Commitment,
    Idea,
    IdeaVote,
    Invitation,
    JoinRequest,
    ProjectPage,
    ProjectStatus,
    RequestStatus,
    Visibility,
)
from projects.services import commitment_make, join_request_create
from tests.factories import (
    DepartmentFactory,
    IdeaFactory,
    MembershipFactory,
    PersonFactory,
    ProjectPageFactory,
)

pytestmark = pytest.mark.django_db
TOMORROW = timezone.localdate() + datetime.timedelta(days=1)


def url(project, action=""):
    return project.url + action


@pytest.fixture
def as_user(client):
    def login(person):
        client.force_login(person.user)
        return client

    return login


class TestIndex:
    def test_lists_projects_with_their_departments(self, as_user, joint_project, member):
        html = as_user(member).get("/projects/").content.decode()
        assert "Faster answers" in html
        assert "Sales" in html
        assert "Support" in html

    def test_members_only_projects_are_listed_only_for_members(
        self, as_user, joint_project, member
    ):
        joint_project.visibility = Visibility.MEMBERS
        joint_project.save_revision().publish()
        assert "Faster answers" in as_user(member).get("/projects/").content.decode()
        outsider = PersonFactory()
        assert "Faster answers" not in as_user(outsider).get("/projects/").content.decode()

    def test_filters(self, as_user, joint_project, project_index, member):
        other = ProjectPageFactory(parent=project_index, title="Budget", slug="budget")
        MembershipFactory(project=other, person__department=DepartmentFactory(name="Finance"))
        client = as_user(member)

        def titles(**query):
            return [p.title for p in client.get("/projects/", query).context["projects"]]

        assert titles(department="finance") == ["Budget"]
        assert titles(mine="on") == ["Faster answers"]
        assert titles(q="budg") == ["Budget"]
        assert titles(status="active") == []
        response = client.get("/projects/", {"department": "nowhere"})
        assert response.context["form"].errors["department"]

    def test_query_count_does_not_grow_with_projects(
        self, as_user, project_index, member, count_queries
    ):
        def add_projects(count):
            for _ in range(count):
                project = ProjectPageFactory(parent=project_index)
                MembershipFactory.create_batch(3, project=project)

        as_user(member)
        add_projects(2)
        # 19: Wagtail's routing looks up the reader's locale since pages can be translated.
        small = count_queries("/projects/", ceiling=19)
        add_projects(14)  # more than a page: pagination appears too
        assert count_queries("/projects/", ceiling=19) == small


class TestProjectPage:
    def test_shows_team_ideas_and_activity(self, as_user, joint_project, member):
        IdeaFactory(project=joint_project, author=member, title="Shared inbox")
        response = as_user(member).get(url(joint_project))
        html = response.content.decode()
        assert response.status_code == 200
        assert "Shared inbox" in html
        assert "Lea" in html
        assert response.context["new_connections"] == 1

    def test_single_department_project_warns_and_suggests_partners(self, as_user, project_index):
        DepartmentFactory(name="Legal")
        membership = MembershipFactory(
            project=ProjectPageFactory(parent=project_index, slug="solo"), role="lead"
        )
        response = as_user(membership.person).get(url(membership.project))
        assert not response.context["page"].is_joint
        assert "Legal" in [d.name for d in response.context["suggested_partners"]]

    def test_members_only_project_is_404_for_others(self, as_user, joint_project, member):
        joint_project.visibility = Visibility.MEMBERS
        joint_project.save_revision().publish()
        outsider = PersonFactory()
        assert as_user(outsider).get(url(joint_project)).status_code == 404
        assert as_user(outsider).post(url(joint_project, "join/")).status_code == 404
        assert as_user(member).get(url(joint_project)).status_code == 200

    def test_query_count_does_not_grow_with_the_project(
        self, as_user, joint_project, member, lead, count_queries
    ):
        def grow(count):
            for _ in range(count):
                newcomer = MembershipFactory(project=joint_project, person__with_photo=True)
                idea = IdeaFactory(project=joint_project, author=newcomer.person)
                IdeaVote.objects.create(idea=idea, person=member)
                commitment_make(
                    project=joint_project,
                    actor=lead,
                    owner=newcomer.person,
                    due_date=TOMORROW,
                    title="Do it",
                )

        as_user(lead)
        grow(2)
        small = count_queries(url(joint_project), ceiling=40)
        grow(12)
        assert count_queries(url(joint_project), ceiling=40) == small


class TestStartAndEdit:
    def test_start_a_project_and_lead_it(self, as_user, project_index):
        person = PersonFactory()
        response = as_user(person).post(
            "/projects/start/", {"title": "Cross-sell", "purpose": "Sell together"}
        )
        project = ProjectPage.objects.get(title="Cross-sell")
        assert response.status_code == 302
        assert response["Location"] == project.url
        assert project.memberships.get().person == person

    def test_bad_input_is_shown_next_to_the_field_and_kept(self, as_user, project_index):
        response = as_user(PersonFactory()).post(
            "/projects/start/", {"title": "", "purpose": "x" * 201}
        )
        assert response.status_code == 400
        assert response.context["form"].errors.keys() == {"title", "purpose"}
        assert "x" * 201 in response.content.decode()
        assert not ProjectPage.objects.filter(purpose__startswith="xxx").exists()

    def test_people_outside_the_directory_cannot_start_projects(self, client, project_index):
        from tests.factories import UserFactory

        client.force_login(UserFactory())
        assert client.post("/projects/start/", {"title": "x", "purpose": "y"}).status_code == 403

    def test_leads_edit_the_basics(self, as_user, joint_project, lead):
        response = as_user(lead).post(
            url(joint_project, "edit/"),
            {
                "title": "Faster answers",
                "purpose": "New purpose",
                "status": "active",
                "visibility": "organisation",
                "start_date": "",
                "target_date": "",
            },
        )
        assert response.status_code == 302
        joint_project.refresh_from_db()
        assert joint_project.purpose == "New purpose"
        assert joint_project.status == ProjectStatus.ACTIVE

    def test_activating_a_single_department_project_is_refused_next_to_status(
        self, as_user, project_index
    ):
        membership = MembershipFactory(
            project=ProjectPageFactory(parent=project_index, slug="solo"), role="lead"
        )
        response = as_user(membership.person).post(
            url(membership.project, "edit/"),
            {
                "title": "Solo",
                "purpose": "Alone",
                "status": "active",
                "visibility": "organisation",
            },
        )
        assert response.status_code == 400
        assert "at least 2 departments" in str(response.context["form"].errors["status"])
        membership.project.refresh_from_db()
        assert membership.project.status == ProjectStatus.PROPOSED

    def test_members_cannot_edit(self, as_user, joint_project, member):
        assert as_user(member).get(url(joint_project, "edit/")).status_code == 403


class TestMembershipActions:
    def test_ask_to_join_then_a_lead_accepts(self, client, joint_project, lead):
        outsider = PersonFactory()
        client.force_login(outsider.user)
        assert client.get(url(joint_project, "join/")).status_code == 405
        response = client.post(url(joint_project, "join/"), {"note": "I know the CRM"})
        assert response.status_code == 302
        request = JoinRequest.objects.get(person=outsider)
        again = client.post(url(joint_project, "join/"), {"note": "again"})
        assert again.status_code == 400
        assert JoinRequest.objects.filter(person=outsider).count() == 1

        client.force_login(outsider.user)
        decide = url(joint_project, f"join-requests/{request.pk}/")
        assert client.post(decide, {"decision": "accept"}).status_code == 403
        client.force_login(lead.user)
        assert client.post(decide, {"decision": "accept"}).status_code == 302
        assert joint_project.memberships.filter(person=outsider).exists()
        response = client.post(decide, {"decision": "accept"}, follow=True)
        assert "already been answered" in response.content.decode()

    def test_members_cannot_ask_to_join(self, as_user, joint_project, member):
        assert as_user(member).post(url(joint_project, "join/")).status_code == 403

    def test_oversized_note_is_refused_and_kept(self, as_user, joint_project):
        response = as_user(PersonFactory()).post(url(joint_project, "join/"), {"note": "n" * 501})
        assert response.status_code == 400
        assert "n" * 501 in response.content.decode()
        assert not JoinRequest.objects.exists()

    def test_leads_invite_and_the_invited_accept(self, client, joint_project, lead, member):
        guest = PersonFactory()
        client.force_login(lead.user)
        response = client.post(
            url(joint_project, "invite/"), {"person": guest.pk, "role": "member", "message": "Hi"}
        )
        assert response.status_code == 302
        invitation = Invitation.objects.get(person=guest)
        client.force_login(guest.user)
        respond = url(joint_project, f"invitations/{invitation.pk}/")
        assert client.post(respond, {"decision": "accept"}).status_code == 302
        assert joint_project.memberships.filter(person=guest).exists()

    def test_inviting_a_member_is_refused_next_to_the_field(
        self, as_user, joint_project, lead, member
    ):
        response = as_user(lead).post(
            url(joint_project, "invite/"), {"person": member.pk, "role": "member"}
        )
        assert response.status_code == 400
        assert response.context["form"].errors["person"]

    def test_members_cannot_invite(self, as_user, joint_project, member):
        guest = PersonFactory()
        response = as_user(member).post(url(joint_project, "invite/"), {"person": guest.pk})
        assert response.status_code == 403

    def test_nobody_answers_someone_elses_invitation(self, client, joint_project, lead):
        guest = PersonFactory()
        invitation = Invitation.objects.create(project=joint_project, person=guest, invited_by=lead)
        client.force_login(PersonFactory().user)
        response = client.post(
            url(joint_project, f"invitations/{invitation.pk}/"), {"decision": "accept"}
        )
        assert response.status_code == 404
        invitation.refresh_from_db()
        assert invitation.status == RequestStatus.PENDING

    def test_the_last_lead_is_told_to_hand_over(self, as_user, joint_project, lead):
        response = as_user(lead).post(url(joint_project, "leave/"), follow=True)
        assert "last lead" in response.content.decode()
        assert joint_project.memberships.filter(person=lead).exists()

    def test_members_leave(self, as_user, joint_project, member):
        assert as_user(member).post(url(joint_project, "leave/")).status_code == 302
        assert not joint_project.memberships.filter(person=member).exists()

    def test_only_leads_change_roles(self, client, joint_project, lead, member):
        target = joint_project.memberships.get(person=member)
        change = url(joint_project, f"members/{target.pk}/role/")
        client.force_login(member.user)
        assert client.post(change, {"role": "lead"}).status_code == 403
        client.force_login(lead.user)
        assert client.post(change, {"role": "sponsor"}).status_code == 302
        target.refresh_from_db()
        assert target.role == "sponsor"

    def test_viewers_see_a_pending_request(self, as_user, joint_project):
        outsider = PersonFactory()
        join_request_create(project=joint_project, person=outsider)
        response = as_user(outsider).get(url(joint_project))
        assert response.context["my_join_request"] is not None


class TestIdeas:
    def test_members_post_ideas(self, as_user, joint_project, member):
        response = as_user(member).post(
            url(joint_project, "ideas/"), {"title": "Shared inbox", "text": ""}
        )
        assert response.status_code == 302
        assert Idea.objects.get().author == member

    def test_bad_ideas_are_refused_and_kept(self, as_user, joint_project, member):
        response = as_user(member).post(
            url(joint_project, "ideas/"), {"title": "", "text": "t" * 1001}
        )
        assert response.status_code == 400
        assert response.context["idea_form"].errors.keys() == {"title", "text"}
        assert not Idea.objects.exists()

    def test_viewers_cannot_post_or_vote(self, as_user, joint_project):
        outsider = PersonFactory()
        idea = IdeaFactory(project=joint_project)
        client = as_user(outsider)
        assert client.post(url(joint_project, "ideas/"), {"title": "x"}).status_code == 403
        assert client.post(url(joint_project, f"ideas/{idea.pk}/vote/")).status_code == 403
        assert not IdeaVote.objects.exists()

    def test_plus_one_toggles_and_htmx_gets_only_the_button(self, as_user, joint_project, member):
        idea = IdeaFactory(project=joint_project)
        client = as_user(member)
        vote = url(joint_project, f"ideas/{idea.pk}/vote/")
        assert client.post(vote).status_code == 302
        assert IdeaVote.objects.filter(idea=idea).count() == 1
        response = client.post(vote, headers={"HX-Request": "true"})
        html = response.content.decode()
        assert "<html" not in html
        assert 'aria-pressed="false"' in html
        assert IdeaVote.objects.filter(idea=idea).count() == 0

    def test_votes_on_another_projects_idea_are_404(
        self, as_user, joint_project, project_index, member
    ):
        elsewhere = IdeaFactory(project=ProjectPageFactory(parent=project_index, slug="other"))
        response = as_user(member).post(url(joint_project, f"ideas/{elsewhere.pk}/vote/"))
        assert response.status_code == 404

    def test_leads_turn_ideas_into_commitments(self, as_user, joint_project, lead, member):
        idea = IdeaFactory(project=joint_project)
        response = as_user(lead).post(
            url(joint_project, f"ideas/{idea.pk}/commit/"),
            {"title": "Ship it", "owner": member.pk, "due_date": TOMORROW.isoformat()},
        )
        assert response.status_code == 302
        assert Commitment.objects.get().owner == member

    def test_a_past_due_date_is_refused_next_to_the_field(self, as_user, joint_project, lead):
        idea = IdeaFactory(project=joint_project)
        response = as_user(lead).post(
            url(joint_project, f"ideas/{idea.pk}/commit/"),
            {"title": "Ship it", "owner": lead.pk, "due_date": "2020-01-01"},
        )
        assert response.status_code == 400
        assert response.context["commitment_form"].errors["due_date"]
        assert response.context["commitment_idea_id"] == idea.pk
        assert not Commitment.objects.exists()

    def test_members_cannot_make_commitments(self, as_user, joint_project, member):
        idea = IdeaFactory(project=joint_project)
        response = as_user(member).post(
            url(joint_project, f"ideas/{idea.pk}/commit/"),
            {"title": "x", "owner": member.pk, "due_date": TOMORROW.isoformat()},
        )
        assert response.status_code == 403

    def test_owners_deliver_their_commitments_and_others_cannot(
        self, client, joint_project, lead, member
    ):
        commitment = commitment_make(
            project=joint_project, actor=lead, owner=member, due_date=TOMORROW, title="x"
        )
        deliver = url(joint_project, f"commitments/{commitment.pk}/deliver/")
        bystander = MembershipFactory(project=joint_project).person
        client.force_login(bystander.user)
        assert client.post(deliver).status_code == 403
        client.force_login(member.user)
        assert client.post(deliver).status_code == 302
        commitment.refresh_from_db()
        assert commitment.delivered_on is not None


class TestMyPart:
    def test_members_describe_their_part_and_their_departments_stake(
        self, as_user, joint_project, member
    ):
        response = as_user(member).post(
            url(joint_project, "my-part/"),
            {
                "what_i_bring": "Ten years of tickets",
                "whats_in_it_for_my_team": "Calmer queues",
                "why_it_matters": "Repeat calls hurt",
            },
        )
        assert response.status_code == 302
        membership = joint_project.memberships.get(person=member)
        assert membership.what_i_bring == "Ten years of tickets"
        stake = joint_project.stakes.get(department=membership.department)
        assert stake.why_it_matters == "Repeat calls hurt"

    def test_an_empty_stake_leaves_a_colleagues_text_alone(self, as_user, joint_project, member):
        from projects.models import DepartmentStake

        department = joint_project.memberships.get(person=member).department
        DepartmentStake.objects.create(
            project=joint_project, department=department, why_it_matters="Colleague's words"
        )
        as_user(member).post(url(joint_project, "my-part/"), {"what_i_bring": "x"})
        assert joint_project.stakes.get().why_it_matters == "Colleague's words"

    def test_oversized_text_is_refused_and_kept(self, as_user, joint_project, member):
        response = as_user(member).post(url(joint_project, "my-part/"), {"what_i_bring": "b" * 501})
        assert response.status_code == 400
        assert response.context["my_part_form"].errors["what_i_bring"]
        assert "b" * 501 in response.content.decode()

    def test_viewers_have_no_part_to_describe(self, as_user, joint_project):
        response = as_user(PersonFactory()).post(
            url(joint_project, "my-part/"), {"what_i_bring": "x"}
        )
        assert response.status_code == 403

    def test_the_join_note_becomes_what_they_bring(self, as_user, joint_project, lead):
        from projects.services import join_request_decide

        newcomer = PersonFactory()
        request = join_request_create(project=joint_project, person=newcomer, note="SQL skills")
        join_request_decide(join_request=request, decider=lead, accept=True)
        assert joint_project.memberships.get(person=newcomer).what_i_bring == "SQL skills"
