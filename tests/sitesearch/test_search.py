"""The search page: every type on one page, facets as links, and bad input."""

import pytest
from django.urls import reverse

from tests.factories import (
    MembershipFactory,
    PersonFactory,
    ProjectPageFactory,
    StandardPageFactory,
    StatusUpdateFactory,
    WinFactory,
)

from .conftest import closed_retrospective, reindex

pytestmark = pytest.mark.django_db
URL = reverse("search")


def get(client, user, **params):
    client.force_login(user)
    response = client.get(URL, params)
    assert response.status_code == 200
    return response


def text(response):
    """The page's HTML without the <mark> around searched words."""
    return response.content.decode().replace("<mark>", "").replace("</mark>", "")


def test_login_is_required(client):
    response = client.get(URL, {"q": "lighthouse"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_empty_query_shows_where_to_start(client, outsider):
    response = get(client, outsider.user)
    assert response.context["outcome"] is None
    assert "What you can find here" in response.content.decode()


def test_every_type_is_on_the_page(client, lighthouse, outsider):
    html = text(get(client, outsider.user, q="lighthouse"))
    for title in [
        "Lighthouse portal",
        "Lighthouse launched",
        "The lighthouse pilot shipped.",
        "Lighthouse look back",
        "Kim Keeper",
        "Lighthouse guide",
    ]:
        assert title in html
    for badge in ["Project", "Win", "Status update", "Retrospective", "Person", "Page"]:
        assert f'<span class="search-hit__badge">{badge}</span>' in html
    assert reverse("projects:retro_summary", kwargs={"retro_id": lighthouse.retro.pk}) in html
    assert "/portal/updates/#update-" in html
    assert 'value="lighthouse"' in html  # the query stays in the box


@pytest.mark.parametrize("who", ["insider", "outsider", "superuser"])
def test_members_only_content_is_shown_to_members_only(
    client, lighthouse, outsider, superuser, who
):
    user = {"insider": lighthouse.insider, "outsider": outsider, "superuser": superuser}[who]
    html = text(get(client, user.user, q="lighthouse"))
    for title in [
        "Secret lighthouse merger",
        "Secret lighthouse deal",
        "Secret lighthouse numbers.",
        "Secret lighthouse retro",
    ]:
        assert (title in html) is (who != "outsider")
    assert ("Legal" in html) is (who != "outsider")  # not even in the department facet


def test_type_facet_links_keep_the_query_and_mark_the_choice(client, lighthouse, outsider):
    response = get(client, outsider.user, q="lighthouse", type="wins")
    html = response.content.decode()
    assert [(link["kind"].value, link["count"]) for link in response.context["type_links"]] == [
        ("all", 6),
        ("projects", 1),
        ("wins", 1),
        ("updates", 1),
        ("retros", 1),
        ("people", 1),
        ("pages", 1),
    ]
    assert f'href="{URL}?q=lighthouse&amp;type=wins" aria-current="page"' in html
    assert f'href="{URL}?q=lighthouse&amp;type=people"' in html
    assert 'name="type" value="wins"' in html  # a new search stays among wins


def test_department_facet_filters_by_slug(client, lighthouse, outsider):
    response = get(client, outsider.user, q="lighthouse", department="sales")
    html = text(response)
    assert response.context["department"] == lighthouse.sales
    assert response.context["outcome"].total == 4
    assert "Kim Keeper" not in html  # Support
    assert "Lighthouse guide" not in html  # pages belong to no department
    assert f'href="{URL}?q=lighthouse&amp;department=sales" aria-current="page"' in html
    assert f'href="{URL}?q=lighthouse&amp;department=support"' in html


def test_single_type_is_paginated(client, lighthouse, outsider):
    for number in range(11):
        WinFactory(title=f"Lighthouse win {number}", projects=[lighthouse.portal])
    reindex()
    first = get(client, outsider.user, q="lighthouse", type="wins")
    assert len(first.context["outcome"].page.object_list) == 10
    assert "q=lighthouse&amp;type=wins&amp;page=2" in first.content.decode()
    second = get(client, outsider.user, q="lighthouse", type="wins", page="2")
    assert len(second.context["outcome"].page.object_list) == 2


def test_all_view_links_to_every_result_of_a_type(client, lighthouse, outsider):
    for number in range(4):
        WinFactory(title=f"Lighthouse win {number}", projects=[lighthouse.portal])
    reindex()
    html = text(get(client, outsider.user, q="lighthouse"))
    assert f'href="{URL}?q=lighthouse&amp;type=wins">See all 5 wins</a>' in html


@pytest.mark.parametrize(
    "params",
    [
        {"type": "nonsense"},
        {"type": ""},
        {"department": "no-such-department"},
        {"department": "x" * 500},
        {"department": "sales\x00"},
        {"page": "abc"},
        {"page": "-1"},
        {"page": "99999"},
        {"type": "wins", "page": "abc"},
        {"type": "wins", "page": "99999"},
        {"type": "pages", "department": "sales"},
    ],
)
def test_bad_parameters_fall_back(client, lighthouse, outsider, params):
    response = get(client, outsider.user, q="lighthouse", **params)
    assert response.context["outcome"] is not None


@pytest.mark.parametrize(
    "query", ['"lighthouse', "lighthouse)", "*", "NEAR(", "-", "'", "AND OR NOT", "%_", "\x00"]
)
def test_odd_queries_do_not_fail(client, lighthouse, outsider, query):
    get(client, outsider.user, q=query)


def test_very_long_queries_are_cut_not_failed(client, lighthouse, outsider):
    response = get(client, outsider.user, q="lighthouse " * 100)
    assert len(response.context["query"]) <= 200
    assert "Only the first 200 characters of your search were used." in (response.content.decode())


def test_no_results_suggests_what_to_try(client, lighthouse, outsider):
    html = get(client, outsider.user, q="zzzz-nothing", type="wins").content.decode()
    assert "Nothing matches" in html
    assert f'href="{URL}?q=zzzz-nothing"' in html  # search everything instead
    assert reverse("organisation:people") in html


def test_pages_with_a_department_filter_say_why_there_are_none(client, lighthouse, outsider):
    html = get(
        client, outsider.user, q="lighthouse", type="pages", department="sales"
    ).content.decode()
    assert "Nothing matches" in html


def grow(lighthouse, home_page, project_index, numbers):
    """More matches of every type, spread over departments and projects."""
    for number in numbers:
        project = ProjectPageFactory(parent=project_index, title=f"Lighthouse {number}")
        person = PersonFactory(job_title="Lighthouse keeper")
        MembershipFactory(project=project, person=person)
        MembershipFactory(project=project, person=lighthouse.seller)
        WinFactory(
            title=f"Lighthouse win {number}",
            projects=[project, lighthouse.portal],
            posted_by=person,
            credited=[person, lighthouse.helper],
        )
        StatusUpdateFactory(project=project, author=person, what_happened="Lighthouse news.")
        closed_retrospective([project, lighthouse.portal], lighthouse.seller, title="Lighthouse")
        StandardPageFactory(parent=home_page, title=f"Lighthouse page {number}")
    reindex()


@pytest.mark.parametrize(
    "params",
    ["", "&type=wins", "&type=retros", "&type=updates", "&type=projects", "&department=sales"],
)
def test_query_count_does_not_grow_with_matches(
    client, lighthouse, outsider, home_page, project_index, count_queries, params
):
    client.force_login(outsider.user)
    url = f"{URL}?q=lighthouse{params}"
    grow(lighthouse, home_page, project_index, range(1))
    small = count_queries(url, ceiling=40)
    grow(lighthouse, home_page, project_index, range(1, 7))
    assert count_queries(url, ceiling=40) == small
