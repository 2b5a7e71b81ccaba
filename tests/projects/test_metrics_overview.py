import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from projects.metric_services import check_in, metric_define
from projects.models import Visibility
from tests.factories import DepartmentFactory, MembershipFactory, PersonFactory, ProjectPageFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
URL = "/metrics/"


def make_metric(project, author, name, *, values=()):
    metric = metric_define(
        project=project,
        author=author,
        owning_departments=project.departments,
        name=name,
        definition="x",
        unit="count",
        unit_detail="",
        direction="increase",
        baseline_value=Decimal(0),
        baseline_date=TODAY - datetime.timedelta(days=50),
        target_value=Decimal(100),
        target_date=TODAY + datetime.timedelta(days=50),
    )
    for offset, value in enumerate(values):
        check_in(
            metric=metric, author=author, day=TODAY - datetime.timedelta(days=offset), value=value
        )
    return metric


def test_lists_metrics_with_status_and_filters(client, joint_project, lead, member):
    make_metric(joint_project, lead, "Healthy", values=[Decimal(50)])
    make_metric(joint_project, lead, "Slipping", values=[Decimal(5)])
    client.force_login(member.user)
    response = client.get(URL)
    names = [s.metric.name for s in response.context["page"].object_list]
    assert names == ["Healthy", "Slipping"]
    off_track = client.get(URL, {"status": "off_track"}).context["page"].object_list
    assert [s.metric.name for s in off_track] == ["Slipping"]
    finance = DepartmentFactory(name="Finance")
    assert not client.get(URL, {"department": finance.slug}).context["page"].object_list


def test_members_only_projects_metrics_stay_hidden(client, joint_project, lead):
    joint_project.visibility = Visibility.MEMBERS
    joint_project.save_revision().publish()
    make_metric(joint_project, lead, "Secret")
    client.force_login(PersonFactory().user)
    assert "Secret" not in client.get(URL).content.decode()


def test_unknown_filters_show_an_error(client, member):
    client.force_login(member.user)
    response = client.get(URL, {"status": "great"})
    assert response.context["form"].errors["status"]


def test_counts_cover_every_page_and_a_status_filter_pages_through_its_own(
    client, joint_project, lead, member, monkeypatch
):
    monkeypatch.setattr("projects.views.overview.METRICS_PER_PAGE", 2)
    for index in range(3):
        make_metric(joint_project, lead, f"Healthy {index}", values=[Decimal(50)])
    for index in range(3):
        make_metric(joint_project, lead, f"Slipping {index}", values=[Decimal(5)])
    make_metric(joint_project, lead, "Unmeasured")
    client.force_login(member.user)

    first = client.get(URL).context
    assert dict(first["status_counts"]) == {
        "on_track": 3,
        "at_risk": 0,
        "off_track": 3,
        "no_data": 1,
    }
    assert [s.metric.name for s in first["page"].object_list] == ["Healthy 0", "Healthy 1"]
    second_page = client.get(URL, {"status": "off_track", "page": 2}).context
    assert second_page["page"].paginator.count == 3
    assert [s.metric.name for s in second_page["page"].object_list] == ["Slipping 2"]
    assert dict(second_page["status_counts"])["on_track"] == 3
    shown = second_page["page"].object_list[0]
    assert shown.owners
    assert shown.sparkline
    assert shown.progress.status == "off_track"


def test_query_count_does_not_grow_with_metrics(client, project_index, count_queries):
    viewer = PersonFactory()
    client.force_login(viewer.user)

    def add(count):
        for index in range(count):
            project = ProjectPageFactory(parent=project_index)
            first = MembershipFactory(project=project)
            MembershipFactory(project=project)
            make_metric(project, first.person, f"M{index}", values=[Decimal(10), Decimal(20)])

    add(2)
    small = count_queries(URL, ceiling=16)
    add(6)
    assert count_queries(URL, ceiling=16) == small
