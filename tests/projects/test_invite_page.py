"""The invitation page: leads find colleagues by search, not in a list of the whole org."""

import pytest

from projects.models import Invitation
from projects.selectors import INVITATION_CANDIDATES_SHOWN
from tests.factories import DepartmentFactory, PersonFactory

pytestmark = pytest.mark.django_db


def invite_url(project):
    return project.url + "invite/"


@pytest.fixture
def legal():
    return DepartmentFactory(name="Legal")


@pytest.fixture
def lea_client(client, lead):
    client.force_login(lead.user)
    return client


class TestFinding:
    def test_without_a_search_suggests_people_from_departments_not_here_yet(
        self, lea_client, joint_project, member, legal
    ):
        lawyer = PersonFactory(user__first_name="Laila", department=legal)
        sales_colleague = PersonFactory(department=joint_project.departments[0])
        response = lea_client.get(invite_url(joint_project))
        assert response.status_code == 200
        assert response.context["candidates"] == [lawyer]
        html = response.content.decode()
        assert "Laila" in html
        assert sales_colleague.full_name not in html

    def test_a_search_finds_anyone_not_a_member_by_name_or_department(
        self, lea_client, joint_project, member, legal
    ):
        lawyer = PersonFactory(user__first_name="Laila", user__last_name="Virta", department=legal)
        PersonFactory(user__first_name="Matti", department=legal)
        response = lea_client.get(invite_url(joint_project), {"find": "laila"})
        assert response.context["candidates"] == [lawyer]
        response = lea_client.get(invite_url(joint_project), {"find": member.full_name})
        assert response.context["candidates"] == []
        assert "Nobody who is not a member yet matches" in response.content.decode()

    def test_lists_a_bounded_number_and_says_there_are_more(self, lea_client, joint_project, legal):
        for n in range(INVITATION_CANDIDATES_SHOWN + 1):
            PersonFactory(user__first_name=f"Name{n:02d}", department=legal)
        response = lea_client.get(invite_url(joint_project), {"find": "legal"})
        assert len(response.context["candidates"]) == INVITATION_CANDIDATES_SHOWN
        assert response.context["more_candidates"] is True
        assert "More people match" in response.content.decode()

    def test_the_header_search_is_left_alone(self, lea_client, joint_project):
        html = lea_client.get(invite_url(joint_project), {"find": "kofi"}).content.decode()
        assert 'id="header-search-q" type="search" name="q" value=""' in html
        assert 'id="invite-find" value="kofi"' in html

    def test_control_characters_in_the_search_are_dropped(self, lea_client, joint_project):
        response = lea_client.get(invite_url(joint_project), {"find": "la\x00ila"})
        assert response.status_code == 200
        assert response.context["find"] == "la ila"

    def test_query_count_does_not_grow_with_the_organisation(
        self, lea_client, joint_project, legal, django_assert_max_num_queries
    ):
        PersonFactory(department=legal)
        with django_assert_max_num_queries(20) as small:
            lea_client.get(invite_url(joint_project), {"find": "legal"})
        for _ in range(30):
            PersonFactory(department=DepartmentFactory())
            PersonFactory(department=legal)
        with django_assert_max_num_queries(len(small.captured_queries)):
            lea_client.get(invite_url(joint_project), {"find": "legal"})


class TestInviting:
    def test_invites_the_chosen_person(self, lea_client, joint_project, legal):
        lawyer = PersonFactory(department=legal)
        response = lea_client.post(
            invite_url(joint_project), {"person": lawyer.pk, "role": "member", "message": "Hi"}
        )
        assert response.status_code == 302
        assert Invitation.objects.get(person=lawyer).message == "Hi"

    def test_no_choice_is_refused_next_to_the_field_keeping_the_search(
        self, lea_client, joint_project, legal
    ):
        PersonFactory(user__first_name="Laila", department=legal)
        response = lea_client.post(
            invite_url(joint_project), {"find": "laila", "role": "member", "message": "Kept"}
        )
        assert response.status_code == 400
        assert response.context["form"].errors["person"] == ["Choose the colleague to invite."]
        html = response.content.decode()
        assert 'name="find" value="laila"' in html
        assert "Kept" in html
        assert "Laila" in html
        assert not Invitation.objects.exists()

    def test_a_member_cannot_be_invited(self, lea_client, joint_project, member):
        response = lea_client.post(
            invite_url(joint_project), {"person": member.pk, "role": "member"}
        )
        assert response.status_code == 400
        assert "already a member" in response.context["form"].errors["person"][0]
        assert not Invitation.objects.exists()

    @pytest.mark.parametrize("method", ["get", "post"])
    def test_members_and_outsiders_are_refused(self, client, joint_project, member, method):
        guest = PersonFactory()
        for person in (member, PersonFactory()):
            client.force_login(person.user)
            response = getattr(client, method)(invite_url(joint_project), {"person": guest.pk})
            assert response.status_code == 403
        assert not Invitation.objects.exists()


def test_the_project_page_offers_the_search_to_leads_only(client, joint_project, lead, member):
    client.force_login(lead.user)
    html = client.get(joint_project.url).content.decode()
    assert 'id="invite-find"' in html
    assert "<option" not in html.split('id="invite"')[1].split("</section>")[0]
    client.force_login(member.user)
    assert 'id="invite-find"' not in client.get(joint_project.url).content.decode()
