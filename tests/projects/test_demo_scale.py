"""The generated organisation behind the benchmark (`seed_demo --scale`)."""

import pytest
from django.db.models import Count

from organisation.models import Department, Person
from projects.demo_scale import LARGE, QUICK, Scale, seed_scale
from projects.models import (
    CheckIn,
    Membership,
    Metric,
    ProjectPage,
    RetroItem,
    Retrospective,
    RetroVote,
    StatusUpdate,
    Win,
    WinCredit,
)

TINY = Scale(
    departments=4,
    people=24,
    projects=3,
    metrics_per_project=2,
    check_ins_per_metric=5,
    wins_per_project=3,
    updates_per_project=2,
    retros_per_project=2,
    items_per_retro=4,
)


def test_the_large_scale_is_the_size_the_benchmark_promises():
    assert LARGE.totals == {
        "departments": 50,
        "people": 5_000,
        "projects": 1_000,
        "metrics": 5_000,
        "check_ins": 1_000_000,
        "wins": 50_000,
        "status_updates": 20_000,
        "retrospectives": 2_000,
        "retro_items": 60_000,
    }
    assert QUICK.totals["check_ins"] == 100_000
    assert QUICK.totals["projects"] == 100


@pytest.mark.django_db
def test_generates_every_count_and_joint_projects(home_page):
    totals = seed_scale(TINY, log=lambda line: None)

    assert totals["reused"] is False
    assert Department.objects.filter(slug__startswith="gen-").count() == 4
    assert Person.objects.count() == 24
    assert ProjectPage.objects.count() == 3
    assert Metric.objects.count() == 6
    assert CheckIn.objects.count() == 30
    assert Win.objects.count() == 9
    assert StatusUpdate.objects.count() == 6
    assert Retrospective.objects.count() == 6
    assert RetroItem.objects.count() == 24
    # Every project needs people from at least two departments, as a joint project does.
    departments_per_project = ProjectPage.objects.annotate(
        represented=Count("memberships__department", distinct=True)
    ).values_list("represented", flat=True)
    assert min(departments_per_project) >= 2
    # Credits name the department each person represents in the project.
    for credit in WinCredit.objects.select_related("win"):
        project = credit.win.projects.get()
        assert Membership.objects.filter(
            project=project, person=credit.person_id, department=credit.department_id
        ).exists()
    # Nobody votes more dots than the retrospective allows.
    most_dots = (
        RetroVote.objects.values("retrospective", "person")
        .annotate(dots=Count("pk"))
        .order_by("-dots")
        .first()
    )
    assert most_dots["dots"] <= 3


@pytest.mark.django_db
def test_a_second_run_reuses_the_organisation(home_page):
    seed_scale(TINY, log=lambda line: None)
    lines = []

    totals = seed_scale(TINY, log=lines.append)

    assert totals["reused"] is True
    assert Person.objects.count() == 24
    assert "reusing" in lines[0]


@pytest.mark.django_db
def test_generated_people_log_in_only_with_a_given_password(client, home_page):
    seed_scale(TINY, log=lambda line: None)

    assert not client.login(username="gen00001", password="")
    assert (
        Person.objects.filter(user__username="gen00001").get().user.has_usable_password() is False
    )


@pytest.mark.django_db
def test_a_generated_project_page_renders_for_its_members(client, home_page):
    seed_scale(TINY, password="demo", log=lambda line: None)
    project = ProjectPage.objects.first()
    member = Membership.objects.filter(project=project).select_related("person__user").first()

    client.force_login(member.person.user)
    response = client.get(project.url)

    assert response.status_code == 200
    assert project.title in response.content.decode()
