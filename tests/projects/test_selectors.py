import pytest

from projects.selectors import new_connections, suggested_partners, team_by_department
from tests.factories import DepartmentFactory, MembershipFactory, PersonFactory, ProjectPageFactory

pytestmark = pytest.mark.django_db


def test_new_connections_count_cross_department_pairs_who_never_shared_a_project(project_index):
    sales, support, finance = (DepartmentFactory(name=n) for n in ("Sales", "Support", "Finance"))
    anna, ben = PersonFactory(department=sales), PersonFactory(department=support)
    cara, dan = PersonFactory(department=finance), PersonFactory(department=sales)
    earlier = ProjectPageFactory(parent=project_index, slug="earlier")
    for person in (anna, ben):
        MembershipFactory(project=earlier, person=person)
    project = ProjectPageFactory(parent=project_index, slug="now")
    memberships = [MembershipFactory(project=project, person=p) for p in (anna, ben, cara, dan)]
    # Cross pairs: anna-ben (known already), anna-cara, ben-cara, ben-dan, cara-dan; anna-dan
    # are both Sales, which is no cross-department connection.
    assert new_connections(project, memberships) == 4


def test_a_project_of_one_department_makes_no_connections(project_index):
    sales = DepartmentFactory()
    project = ProjectPageFactory(parent=project_index)
    memberships = MembershipFactory.create_batch(
        3, project=project, person__department=sales, department=sales
    )
    assert new_connections(project, memberships) == 0


def test_partners_suggested_are_departments_never_worked_with(project_index):
    sales, support, legal = (DepartmentFactory(name=n) for n in ("Sales", "Support", "Legal"))
    together = ProjectPageFactory(parent=project_index, slug="together")
    MembershipFactory(project=together, person__department=sales, department=sales)
    MembershipFactory(project=together, person__department=support, department=support)
    assert suggested_partners([sales]) == [legal]


def test_team_groups_members_by_department_with_leads_first(joint_project):
    groups = team_by_department(list(joint_project.memberships.for_team()))
    assert [department.name for department, _ in groups] == ["Sales", "Support"]
    assert groups[0][1][0].role == "lead"
