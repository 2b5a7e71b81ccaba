"""My work: what one person owes, promised and achieved, and what is new for them."""

import datetime

import pytest
from django.utils import timezone
from django.utils.html import escape

from notifications.models import Notification, NotificationKind
from tests.factories import (
    CommitmentFactory,
    MembershipFactory,
    ProjectPageFactory,
    UserFactory,
    WinFactory,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def days(n):
    return TODAY + datetime.timedelta(days=n)


def lead_project(project_index, lead, title, **fields):
    project = ProjectPageFactory(parent=project_index, title=title, **fields)
    MembershipFactory(project=project, person=lead, role="lead")
    return project


def fill(project_index, lead, joint_project, start, count):
    """`count` of every item My work shows, so prefetches and selects are exercised."""
    for number in range(start, start + count):
        project = lead_project(
            project_index,
            lead,
            f"Project {number}",
            update_cadence="weekly",
            next_update_due=days(number - 1),
        )
        CommitmentFactory(project=project, owner=lead, due_date=days(number))
        WinFactory(projects=[project, joint_project], posted_by=lead, credited=[lead])
        Notification.objects.create(
            recipient=lead.user,
            kind=NotificationKind.CREDITED,
            actor=lead,
            project=project,
            subject=f"Win {number}",
            url="/wins/1/",
        )


@pytest.fixture
def lead_client(client, lead):
    client.force_login(lead.user)
    return client


def test_a_lead_sees_what_they_owe_promised_and_achieved(
    lead_client, lead, member, joint_project, project_index
):
    joint_project.update_cadence = "weekly"
    joint_project.next_update_due = days(-2)
    joint_project.save_revision().publish()
    lead_project(project_index, lead, "On time", update_cadence="monthly", next_update_due=days(5))
    lead_project(project_index, lead, "No cadence")
    late = CommitmentFactory(project=joint_project, owner=lead, title="Pilot", due_date=days(-1))
    CommitmentFactory(project=joint_project, owner=lead, title="Rollout", due_date=days(9))
    CommitmentFactory(
        project=joint_project, owner=lead, title="Delivered promise", delivered_on=TODAY
    )
    CommitmentFactory(project=joint_project, owner=member, title="Not mine")
    win = WinFactory(projects=[joint_project], posted_by=member, credited=[lead, member])
    WinFactory(projects=[joint_project], posted_by=member, credited=[member], title="Not me")
    Notification.objects.create(
        recipient=lead.user,
        kind=NotificationKind.CREDITED,
        actor=member,
        subject=win.title,
        url=f"/wins/{win.pk}/",
    )

    response = lead_client.get("/my-work/")
    html = response.content.decode()

    assert response.status_code == 200
    work = response.context["work"]
    assert [p.title for p in work.updates_owed] == ["Faster answers", "On time"]
    assert 'href="/projects/faster-answers/updates/new/"' in html
    assert "1 status update overdue" in html
    assert [c.title for c in work.open_commitments] == ["Pilot", "Rollout"]
    assert f'href="/projects/faster-answers/#commitment-{late.pk}"' in html
    assert "1 commitment overdue" in html
    assert "Not mine" not in html
    assert "Delivered promise" not in html
    assert [m.project.title for m in work.memberships] == [
        "Faster answers",
        "No cadence",
        "On time",
    ]
    assert "role-pill role-pill--lead" in html
    assert f'href="/wins/{win.pk}/"' in html
    assert "Not me" not in html
    assert escape(f"{member.full_name} credited you in “{win.title}”") in html


def test_empty_sections_say_what_would_appear(member_client):
    html = member_client.get("/my-work/").content.decode()

    assert "You owe no status updates." in html
    assert "No open commitments." in html
    assert "You are not in any project yet." in html
    assert "No wins credit you yet." in html
    assert "Nothing unread." in html


def test_commitments_in_a_members_only_project_i_left_stay_hidden(
    member_client, person, project_index
):
    secret = ProjectPageFactory(parent=project_index, visibility="members", title="Secret")
    CommitmentFactory(project=secret, owner=person, title="Hidden promise")
    WinFactory(projects=[secret], credited=[person], title="Hidden win")

    html = member_client.get("/my-work/").content.decode()

    assert "Hidden promise" not in html
    assert "Hidden win" not in html


def test_an_account_without_a_profile_gets_a_friendly_page(client):
    client.force_login(UserFactory(username="admin", is_superuser=True, is_staff=True))

    response = client.get("/my-work/")

    assert response.status_code == 200
    assert "You have no profile in the directory yet" in response.content.decode()


def test_my_work_makes_as_many_queries_for_little_as_for_much(
    lead_client, lead, joint_project, project_index, count_queries
):
    fill(project_index, lead, joint_project, 0, 2)
    small = count_queries("/my-work/", ceiling=25)
    fill(project_index, lead, joint_project, 2, 8)
    assert count_queries("/my-work/", ceiling=25) == small
