"""Atom feeds of wins, read with a feed token by a client that is not logged in."""

import datetime
import xml.etree.ElementTree as ET
from unittest import mock

import pytest
from django.utils import timezone

from accounts.models import FeedToken
from tests.factories import MembershipFactory, PersonFactory, ProjectPageFactory, WinFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def key(member):
    return FeedToken.objects.create(user=member.user).key


@pytest.fixture
def hidden_project(project_index):
    """A members-only project the member does not belong to."""
    project = ProjectPageFactory(parent=project_index, title="Secret", visibility="members")
    MembershipFactory(project=project, role="lead")
    return project


def entries(client, url):
    """The feed's entries as {title: entry}; the client is never logged in."""
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    assert "private" in response["Cache-Control"]
    feed = ET.fromstring(response.content)  # noqa: S314 - our own output, in a test
    return {entry.findtext(f"{ATOM}title"): entry for entry in feed.iter(f"{ATOM}entry")}


def test_the_organisation_feed_lists_the_wins_the_person_may_see(
    client, key, joint_project, hidden_project, lead, member
):
    win = WinFactory(
        projects=[joint_project],
        posted_by=member,
        credited=[lead, member],
        title="Answer time halved",
        story="<p>We <b>halved</b> it.</p>",
    )
    WinFactory(projects=[hidden_project], title="Secret win")
    found = entries(client, f"/feeds/{key}/wins/")
    assert set(found) == {"Answer time halved"}
    entry = found["Answer time halved"]
    assert entry.find(f"{ATOM}link").get("href") == f"http://testserver/wins/{win.pk}/"
    assert entry.findtext(f"{ATOM}id") == f"http://testserver/wins/{win.pk}/"
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == member.full_name
    assert entry.findtext(f"{ATOM}updated").startswith(str(win.created_at.year))
    assert [c.get("term") for c in entry.iter(f"{ATOM}category")] == ["Sales", "Support"]
    summary = entry.find(f"{ATOM}summary")
    assert summary.get("type") == "html"
    assert "<b>halved</b>" in summary.text
    assert f"Credited: {lead.full_name}, {member.full_name}" in summary.text


def test_the_newest_wins_come_first_and_only_so_many(client, key, joint_project):
    today = timezone.localdate()
    for days_ago, title in [(3, "Oldest"), (1, "Newest"), (2, "Middle")]:
        WinFactory(projects=[joint_project], title=title, day=today - datetime.timedelta(days_ago))
    with mock.patch("projects.feeds.FEED_LENGTH", 2):
        assert list(entries(client, f"/feeds/{key}/wins/")) == ["Newest", "Middle"]


def test_a_project_feed(client, key, joint_project, project_index):
    WinFactory(projects=[joint_project], title="Ours")
    WinFactory(projects=[ProjectPageFactory(parent=project_index)], title="Theirs")
    assert set(entries(client, f"/feeds/{key}/projects/{joint_project.pk}/")) == {"Ours"}


def test_a_members_only_project_feed_is_a_404_to_others(client, key, hidden_project):
    WinFactory(projects=[hidden_project])
    assert client.get(f"/feeds/{key}/projects/{hidden_project.pk}/").status_code == 404
    assert client.get(f"/feeds/{key}/projects/999999/").status_code == 404


def test_a_members_only_project_feed_works_for_its_members(client, key, hidden_project, member):
    MembershipFactory(project=hidden_project, person=member)
    WinFactory(projects=[hidden_project], title="Secret win")
    assert set(entries(client, f"/feeds/{key}/projects/{hidden_project.pk}/")) == {"Secret win"}


def test_a_department_feed_lists_wins_crediting_its_people(
    client, key, joint_project, hidden_project, lead, member
):
    WinFactory(projects=[joint_project], credited=[lead], title="Sales win")
    WinFactory(projects=[joint_project], credited=[member], title="Support win")
    hidden_lead = hidden_project.memberships.get().person
    hidden_lead.department = lead.department
    hidden_lead.save()
    WinFactory(projects=[hidden_project], credited=[hidden_lead], title="Secret sales win")
    assert set(entries(client, f"/feeds/{key}/departments/sales/")) == {"Sales win"}
    assert client.get(f"/feeds/{key}/departments/nowhere/").status_code == 404


def test_unknown_tokens_and_inactive_people_get_a_404(client, key, member):
    assert client.get("/feeds/not-a-token/wins/").status_code == 404
    member.user.is_active = False
    member.user.save()
    assert client.get(f"/feeds/{key}/wins/").status_code == 404


def test_a_new_key_retires_the_old_address(client, key, member):
    FeedToken.objects.filter(user=member.user).update(key="new-key")
    assert client.get(f"/feeds/{key}/wins/").status_code == 404
    assert client.get("/feeds/new-key/wins/").status_code == 200


def test_feeds_are_read_only(client, key):
    assert client.post(f"/feeds/{key}/wins/").status_code == 405


def test_an_empty_feed_is_still_a_feed(client, key):
    assert entries(client, f"/feeds/{key}/wins/") == {}


@pytest.mark.parametrize("path", ["wins/", "departments/sales/", "projects/{project}/"])
def test_feeds_make_the_same_queries_however_many_wins(
    count_queries, key, joint_project, lead, member, path
):
    url = f"/feeds/{key}/" + path.format(project=joint_project.pk)

    def add(count):
        for _ in range(count):
            WinFactory(
                projects=[joint_project],
                posted_by=PersonFactory(),
                credited=[lead, member, PersonFactory(department=lead.department)],
            )

    add(1)
    small = count_queries(url, ceiling=8)
    add(5)
    assert count_queries(url, ceiling=8) == small
