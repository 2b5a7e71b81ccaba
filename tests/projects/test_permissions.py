"""The permission table, action by action, for every role (allowed and refused)."""

import pytest
from django.contrib.auth.models import Group, Permission
from wagtail.models import GroupPagePermission

from projects.models import Commitment, Role, Visibility
from projects.permissions import RULES, ProjectAccess
from tests.factories import MembershipFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

ROLES = ["viewer", "member", "sponsor", "lead", "editor", "administrator"]
EXPECTED = {
    "view": {"viewer", "member", "sponsor", "lead", "editor", "administrator"},
    "ask_to_join": {"viewer"},
    "leave": {"member", "sponsor", "lead"},
    "describe_own_part": {"member", "sponsor", "lead"},
    "post_idea": {"member", "sponsor", "lead"},
    "vote": {"member", "sponsor", "lead"},
    "define_metric": {"member", "sponsor", "lead"},
    "check_in": {"member", "sponsor", "lead"},
    "make_commitment": {"sponsor", "lead", "administrator"},
    "deliver_commitment": {"sponsor", "lead", "administrator"},
    "invite": {"sponsor", "lead", "administrator"},
    "decide_join_requests": {"sponsor", "lead", "administrator"},
    "edit_basics": {"sponsor", "lead", "editor", "administrator"},
    "change_roles": {"lead", "administrator"},
    "post_win": {"member", "sponsor", "lead"},
    "post_update": {"sponsor", "lead", "administrator"},
    "manage_webhooks": {"lead", "administrator"},
    "export": {"member", "sponsor", "lead", "administrator"},
    "start_retro": {"member", "sponsor", "lead"},
}


def user_with_role(role, project):
    if role in {"member", "sponsor", "lead"}:
        return MembershipFactory(project=project, role=role).person.user
    if role == "viewer":
        return PersonFactory().user
    if role == "administrator":
        return UserFactory(is_superuser=True, is_staff=True)
    editors = Group.objects.create(name="Project editors")
    editors.permissions.add(Permission.objects.get(codename="access_admin"))
    GroupPagePermission.objects.create(
        group=editors, page=project, permission=Permission.objects.get(codename="change_page")
    )
    user = PersonFactory().user
    user.groups.add(editors)
    return user


def test_the_table_covers_every_rule():
    assert set(EXPECTED) == set(RULES)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", sorted(EXPECTED))
def test_each_role_may_do_exactly_what_the_table_says(joint_project, role, action):
    access = ProjectAccess(user_with_role(role, joint_project), joint_project)
    # An editor is also someone in the directory, so they have a viewer's rights too.
    viewer_rights = role == "editor" and "viewer" in EXPECTED[action]
    assert access.can(action) is (role in EXPECTED[action] or viewer_rights)


@pytest.mark.parametrize("role", ROLES)
def test_members_only_projects_are_hidden_from_everyone_else(joint_project, role):
    joint_project.visibility = Visibility.MEMBERS
    joint_project.save()
    access = ProjectAccess(user_with_role(role, joint_project), joint_project)
    assert access.can("view") is (role != "viewer")
    if role == "viewer":
        assert not any(access.can(action) for action in EXPECTED)


def test_a_commitment_owner_may_deliver_their_own_promise(joint_project, member, lead):
    own = Commitment(project=joint_project, owner=member, created_by=lead, title="x")
    others = Commitment(project=joint_project, owner=lead, created_by=lead, title="y")
    access = ProjectAccess(member.user, joint_project)
    assert access.can("deliver_commitment", commitment=own)
    assert not access.can("deliver_commitment", commitment=others)


def test_completed_projects_take_no_join_requests(joint_project):
    joint_project.status = "completed"
    joint_project.save()
    assert not ProjectAccess(PersonFactory().user, joint_project).can("ask_to_join")


def test_templates_read_rules_as_attributes(joint_project, lead):
    access = ProjectAccess(lead.user, joint_project)
    assert access.can_invite is True
    assert access.can_ask_to_join is False
    with pytest.raises(AttributeError):
        access.can_fly  # noqa: B018


def test_lead_role_name_matches_the_model(joint_project, lead):
    assert ProjectAccess(lead.user, joint_project).membership.role == Role.LEAD
