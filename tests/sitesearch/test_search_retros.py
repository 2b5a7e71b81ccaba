"""Closed retrospectives in the site search, only where the searcher may see a project."""

import pytest
from django.urls import reverse
from django.utils import timezone

from projects.models import RetroFormat
from projects.retro_services import retro_create

from .conftest import closed_retrospective, reindex

pytestmark = pytest.mark.django_db
URL = reverse("search")


def retro_hits(client, user, query):
    client.force_login(user)
    response = client.get(URL, {"q": query, "type": "retros"})
    assert response.status_code == 200
    return response, [hit.title for hit in response.context["outcome"].page.object_list]


def test_members_find_a_closed_retrospective_by_its_summary(client, lighthouse):
    closed_retrospective(
        [lighthouse.secret],
        lighthouse.insider,
        title="Q3 look back",
        summary="Move the standup to Tuesdays.",
    )
    reindex()
    response, titles = retro_hits(client, lighthouse.insider.user, "standup tuesdays")
    assert titles == ["Q3 look back"]
    html = response.content.decode().replace("<mark>", "").replace("</mark>", "")
    assert "Secret lighthouse merger" in html  # the project it belongs to
    assert "Legal" in html  # its department


def test_outsiders_of_a_members_only_project_do_not(client, lighthouse, outsider):
    closed_retrospective(
        [lighthouse.secret], lighthouse.insider, title="Q3 look back", summary="Standup."
    )
    reindex()
    response, titles = retro_hits(client, outsider.user, "standup")
    assert titles == []
    assert response.context["outcome"].total == 0
    assert "Q3 look back" not in response.content.decode()
    assert "Nothing matches" in response.content.decode()


def test_retrospectives_still_open_are_not_found(client, lighthouse):
    retro_create(
        projects=[lighthouse.portal],
        facilitator=lighthouse.seller,
        created_by=lighthouse.seller,
        retro_format=RetroFormat.objects.get(name="4Ls"),
        title="Standup retro",
        held_on=timezone.localdate(),
        skip_review=True,
    )
    reindex()
    assert retro_hits(client, lighthouse.seller.user, "standup")[1] == []


def test_every_word_must_match(client, lighthouse):
    closed_retrospective(
        [lighthouse.portal], lighthouse.seller, title="Standup retro", summary="Shorter meetings."
    )
    reindex()
    assert retro_hits(client, lighthouse.seller.user, "standup meetings")[1] == ["Standup retro"]
    assert retro_hits(client, lighthouse.seller.user, "standup budget")[1] == []
