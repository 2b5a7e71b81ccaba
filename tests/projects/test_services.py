import datetime
import threading
from unittest import mock

import pytest
from django.db import connection
from django.utils import timezone

from projects.models import (
    Activity,
    Commitment,
    IdeaVote,
    Membership,
    ProjectPage,
    ProjectStatus,
    RequestStatus,
    Role,
)
from projects.services import (
    ProjectActionError,
    commitment_deliver,
    commitment_from_idea,
    idea_post,
    idea_vote_toggle,
    invitation_create,
    invitation_respond,
    join_request_create,
    join_request_decide,
    membership_change_role,
    membership_leave,
    project_start,
    project_update_basics,
)
from tests.factories import DepartmentFactory, IdeaFactory, MembershipFactory, PersonFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


class TestJointRule:
    def test_a_new_project_has_its_starter_as_lead_and_needs_a_partner(self, project_index):
        person = PersonFactory()
        project = project_start(
            index=project_index, person=person, title="Fix handovers", purpose="Fewer drops"
        )
        assert project.live
        assert project.status == ProjectStatus.PROPOSED
        assert project.memberships.get().role == Role.LEAD
        assert not project.is_joint
        assert project.departments_missing == 1
        assert Activity.objects.filter(project=project, kind="project_started").exists()

    def test_same_titles_get_distinct_addresses(self, project_index):
        person = PersonFactory()
        first = project_start(index=project_index, person=person, title="Pilot", purpose="x")
        second = project_start(index=project_index, person=person, title="Pilot", purpose="y")
        assert first.slug != second.slug

    def test_a_single_department_project_cannot_become_active(self, project_index, settings):
        person = PersonFactory()
        project = project_start(index=project_index, person=person, title="Solo", purpose="x")
        with pytest.raises(ProjectActionError) as error:
            project_update_basics(
                project=project, actor=person, user=person.user, status=ProjectStatus.ACTIVE
            )
        assert "at least 2 departments" in str(error.value.message_dict["status"])
        assert ProjectPage.objects.get(pk=project.pk).status == ProjectStatus.PROPOSED

    def test_a_joint_project_becomes_active_and_the_change_is_recorded(self, joint_project, lead):
        project_update_basics(
            project=joint_project, actor=lead, user=lead.user, status=ProjectStatus.ACTIVE
        )
        joint_project.refresh_from_db()
        assert joint_project.status == ProjectStatus.ACTIVE
        assert joint_project.revisions.count() >= 1
        event = Activity.objects.get(project=joint_project, kind="status_changed")
        assert (event.detail, event.detail_label) == ("active", "Active")

    def test_the_minimum_is_a_setting(self, joint_project, settings):
        settings.JOINT_PROJECT_MIN_DEPARTMENTS = 3
        assert not ProjectPage.objects.get(pk=joint_project.pk).is_joint

    def test_membership_keeps_the_department_it_represented(self, joint_project, member):
        member.department = DepartmentFactory(name="Finance")
        member.save()
        assert joint_project.memberships.get(person=member).department.name == "Support"

    def test_target_before_start_is_refused(self, joint_project, lead):
        with pytest.raises(ProjectActionError) as error:
            project_update_basics(
                project=joint_project,
                actor=lead,
                user=lead.user,
                start_date=TODAY,
                target_date=TODAY - datetime.timedelta(days=1),
            )
        assert "target_date" in error.value.message_dict


class TestMembershipFlows:
    def test_ask_accept_and_join(self, joint_project, lead):
        outsider = PersonFactory()
        request = join_request_create(project=joint_project, person=outsider, note="I can help")
        membership = join_request_decide(join_request=request, decider=lead, accept=True)
        assert membership.person == outsider
        assert membership.department == outsider.department
        request.refresh_from_db()
        assert request.status == RequestStatus.ACCEPTED

    def test_asking_twice_is_refused(self, joint_project):
        outsider = PersonFactory()
        join_request_create(project=joint_project, person=outsider)
        with pytest.raises(ProjectActionError):
            join_request_create(project=joint_project, person=outsider)

    def test_members_cannot_ask_to_join(self, joint_project, member):
        with pytest.raises(ProjectActionError):
            join_request_create(project=joint_project, person=member)

    def test_answering_twice_is_refused(self, joint_project, lead):
        request = join_request_create(project=joint_project, person=PersonFactory())
        join_request_decide(join_request=request, decider=lead, accept=False)
        with pytest.raises(ProjectActionError):
            join_request_decide(join_request=request, decider=lead, accept=True)
        assert joint_project.memberships.count() == 2

    def test_invitations_are_accepted_with_their_role(self, joint_project, lead):
        guest = PersonFactory()
        invitation = invitation_create(
            project=joint_project, inviter=lead, person=guest, role=Role.SPONSOR
        )
        invitation_respond(invitation=invitation, accept=True)
        assert joint_project.memberships.get(person=guest).role == Role.SPONSOR
        with pytest.raises(ProjectActionError):
            invitation_respond(invitation=invitation, accept=True)

    def test_inviting_a_member_or_inviting_twice_is_refused(self, joint_project, lead, member):
        with pytest.raises(ProjectActionError):
            invitation_create(project=joint_project, inviter=lead, person=member)
        guest = PersonFactory()
        invitation_create(project=joint_project, inviter=lead, person=guest)
        with pytest.raises(ProjectActionError) as error:
            invitation_create(project=joint_project, inviter=lead, person=guest)
        assert "person" in error.value.message_dict

    def test_accepting_an_invitation_answers_an_open_request(self, joint_project, lead):
        guest = PersonFactory()
        request = join_request_create(project=joint_project, person=guest)
        invitation = invitation_create(project=joint_project, inviter=lead, person=guest)
        invitation_respond(invitation=invitation, accept=True)
        request.refresh_from_db()
        assert request.status == RequestStatus.ACCEPTED

    def test_the_last_lead_cannot_leave_or_step_down(self, joint_project, lead, member):
        lead_membership = joint_project.memberships.get(person=lead)
        with pytest.raises(ProjectActionError):
            membership_leave(membership=lead_membership)
        with pytest.raises(ProjectActionError):
            membership_change_role(membership=lead_membership, role=Role.MEMBER, actor=lead)
        member_membership = joint_project.memberships.get(person=member)
        membership_change_role(membership=member_membership, role=Role.LEAD, actor=lead)
        membership_leave(membership=lead_membership)
        assert not Membership.objects.filter(pk=lead_membership.pk).exists()
        assert Activity.objects.filter(project=joint_project, kind="left").exists()


class TestIdeasAndCommitments:
    def test_votes_toggle_one_per_person(self, joint_project, member, lead):
        idea = idea_post(project=joint_project, author=member, title="Shared inbox")
        assert idea_vote_toggle(idea=idea, person=lead) == (True, 1)
        assert idea_vote_toggle(idea=idea, person=member) == (True, 2)
        assert idea_vote_toggle(idea=idea, person=lead) == (False, 1)
        assert idea_vote_toggle(idea=idea, person=member, vote=True) == (True, 1)

    def test_a_vote_racing_another_from_the_same_person_is_counted_once(self, joint_project, lead):
        idea = IdeaFactory(project=joint_project)
        IdeaVote.objects.create(idea=idea, person=lead)
        # The other click inserted between our check and our insert.
        with mock.patch("projects.services.IdeaVote.objects.filter") as filtered:
            filtered.return_value.exists.return_value = False
            filtered.return_value.count.return_value = 1
            voted, _count = idea_vote_toggle(idea=idea, person=lead)
        assert voted
        assert IdeaVote.objects.filter(idea=idea).count() == 1

    def test_an_idea_becomes_a_commitment_with_an_owner_and_a_date(
        self, joint_project, lead, member
    ):
        idea = IdeaFactory(project=joint_project, author=member, title="Weekly review")
        commitment = commitment_from_idea(
            idea=idea, actor=lead, owner=member, due_date=TODAY + datetime.timedelta(days=7)
        )
        idea.refresh_from_db()
        assert idea.commitment == commitment
        assert commitment.title == "Weekly review"
        with pytest.raises(ProjectActionError):
            commitment_from_idea(idea=idea, actor=lead, owner=member, due_date=TODAY)

    def test_commitments_need_a_member_owner_and_a_date_ahead(self, joint_project, lead):
        idea = IdeaFactory(project=joint_project)
        with pytest.raises(ProjectActionError) as error:
            commitment_from_idea(idea=idea, actor=lead, owner=PersonFactory(), due_date=TODAY)
        assert "owner" in error.value.message_dict
        with pytest.raises(ProjectActionError) as error:
            commitment_from_idea(
                idea=idea, actor=lead, owner=lead, due_date=TODAY - datetime.timedelta(days=1)
            )
        assert "due_date" in error.value.message_dict
        assert not Commitment.objects.exists()

    def test_delivery_is_recorded_once(self, joint_project, lead):
        idea = IdeaFactory(project=joint_project)
        commitment = commitment_from_idea(idea=idea, actor=lead, owner=lead, due_date=TODAY)
        commitment_deliver(commitment=commitment, actor=lead)
        commitment.refresh_from_db()
        assert commitment.delivered_on == TODAY
        assert not commitment.is_overdue
        with pytest.raises(ProjectActionError):
            commitment_deliver(commitment=commitment, actor=lead)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="real parallel writers need PostgreSQL (CI runs it)"
)
def test_parallel_plus_ones_stay_exact(pristine_database, project_index):
    sales, support = DepartmentFactory(), DepartmentFactory()
    people = [PersonFactory(department=sales if i % 2 else support) for i in range(8)]
    project = project_start(index=project_index, person=people[0], title="Race", purpose="x")
    for person in people[1:]:
        MembershipFactory(project=project, person=person)
    idea = IdeaFactory(project=project, author=people[0])
    barrier = threading.Barrier(16)

    def click(person):
        try:
            barrier.wait()
            idea_vote_toggle(idea=idea, person=person, vote=True)
        finally:
            connection.close()

    threads = [threading.Thread(target=click, args=(p,)) for p in people for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert IdeaVote.objects.filter(idea=idea).count() == len(people)
