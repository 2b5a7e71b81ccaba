"""Closed retrospectives in the site search, only where the searcher may see a project."""

import pytest
from django.urls import reverse
from django.utils import timezone

from projects.models import RetroFormat, RetroPhase, Retrospective, Visibility
from projects.retro_services import retro_create
from tests.factories import MembershipFactory, PersonFactory, ProjectPageFactory

pytestmark = pytest.mark.django_db
URL = reverse("search")


def retrospective(project, facilitator, *, title, summary="", closed=True):
    retro = retro_create(
        projects=[project],
        facilitator=facilitator,
        created_by=facilitator,
        retro_format=RetroFormat.objects.get(name="4Ls"),
        title=title,
        held_on=timezone.localdate(),
        skip_review=True,
    )
    if closed:
        Retrospective.objects.filter(pk=retro.pk).update(phase=RetroPhase.CLOSED, summary=summary)
    return retro


@pytest.fixture
def secret_project(project_index):
    project = ProjectPageFactory(
        parent=project_index, title="Secret merger", slug="secret", visibility=Visibility.MEMBERS
    )
    return project, MembershipFactory(project=project).person


def test_members_find_a_closed_retrospective_by_its_summary(client, secret_project):
    project, insider = secret_project
    retro = retrospective(
        project, insider, title="Q3 look back", summary="Move the standup to Tuesdays."
    )
    client.force_login(insider.user)
    response = client.get(URL, {"q": "standup tuesdays"})
    html = response.content.decode()
    assert [r.pk for r in response.context["retros"]] == [retro.pk]
    assert reverse("projects:retro_summary", kwargs={"retro_id": retro.pk}) in html
    assert "Q3 look back" in html
    assert "Secret merger" in html  # the project it belongs to


def test_outsiders_of_a_members_only_project_do_not(client, secret_project):
    project, insider = secret_project
    retrospective(project, insider, title="Q3 look back", summary="Move the standup to Tuesdays.")
    client.force_login(PersonFactory().user)
    response = client.get(URL, {"q": "standup"})
    assert list(response.context["retros"]) == []
    assert response.context["retro_count"] == 0
    assert "Q3 look back" not in response.content.decode()
    assert "No retrospectives match." in response.content.decode()


def test_retrospectives_still_open_are_not_found(client, joint_project, lead):
    retrospective(joint_project, lead, title="Standup retro", closed=False)
    client.force_login(lead.user)
    assert list(client.get(URL, {"q": "standup"}).context["retros"]) == []


def test_every_word_must_match(client, joint_project, lead):
    retrospective(joint_project, lead, title="Standup retro", summary="Shorter meetings.")
    client.force_login(lead.user)
    assert len(client.get(URL, {"q": "standup meetings"}).context["retros"]) == 1
    assert len(client.get(URL, {"q": "standup budget"}).context["retros"]) == 0


def test_query_count_does_not_grow_with_matches(
    client, joint_project, lead, project_index, count_queries
):
    client.force_login(lead.user)

    def add(count):
        for n in range(count):
            other = ProjectPageFactory(parent=project_index)
            MembershipFactory(project=other, person=lead)
            retro = retrospective(joint_project, lead, title=f"Standup {n}", summary="Standup.")
            retro.projects.add(other)

    add(1)
    url = f"{URL}?q=standup"
    small = count_queries(url, ceiling=20)
    add(12)
    assert count_queries(url, ceiling=20) == small
