import pytest

from intranet.demo import seed_pages
from organisation.demo import seed_organisation
from projects.demo import seed_projects
from projects.models import Commitment, Idea, ProjectPage

pytestmark = pytest.mark.django_db


def test_demo_projects_show_joint_work_and_one_project_needing_a_partner():
    seed_organisation()
    seed_pages()
    assert seed_projects() == 7
    projects = list(ProjectPage.objects.with_department_count())
    joint = [p for p in projects if p.department_count >= 2]
    assert len(joint) >= 6
    assert all(2 <= p.department_count <= 5 for p in joint)
    assert [p.title for p in projects if p.department_count == 1] == ["Faster month-end close"]
    assert Idea.objects.count() >= 8
    assert Commitment.objects.filter(delivered_on__isnull=False).exists()
    assert Commitment.objects.overdue().exists()
    assert seed_projects() == 0  # idempotent


def test_every_joint_demo_project_measures_success_in_two_to_four_metrics():
    from projects.demo import seed_metrics

    seed_organisation()
    seed_pages()
    seed_projects()
    seed_metrics()
    for project in ProjectPage.objects.with_department_count():
        count = project.metrics.count()
        if project.department_count >= 2:
            assert 2 <= count <= 4, project.title
        else:
            assert count == 0  # one department cannot share a metric
    assert seed_metrics() == 0
