import pytest
from wagtail.models import APIToken

from tests.factories import MembershipFactory, ProjectPageFactory

pytestmark = pytest.mark.django_db

PAGES = "/api/v2/pages/"


def bearer(user):
    _token, plaintext = APIToken.create_token(user=user, name="front end")
    return {"HTTP_AUTHORIZATION": f"Bearer {plaintext}"}


def listed_titles(response):
    return {item["title"] for item in response.json()["items"]}


@pytest.fixture
def secret_project(project_index, lead):
    project = ProjectPageFactory(
        parent=project_index, title="Secret merger", slug="secret", visibility="members"
    )
    MembershipFactory(project=project, person=lead, role="lead")
    return project


# Authentication -----------------------------------------------------------------------------


@pytest.mark.parametrize("url", [PAGES, "/api/v2/images/", "/api/v2/documents/"])
def test_anonymous_gets_a_json_401_not_the_login_page(client, joint_project, url):
    response = client.get(url)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "detail" in response.json()


def test_a_session_is_enough(member_client, joint_project):
    response = member_client.get(PAGES)
    assert response.status_code == 200
    assert "Faster answers" in listed_titles(response)


def test_a_bearer_token_is_enough(client, member, joint_project):
    response = client.get(PAGES, **bearer(member.user))
    assert response.status_code == 200
    assert "Faster answers" in listed_titles(response)


def test_a_token_marks_itself_used(client, member, joint_project):
    headers = bearer(member.user)
    client.get(PAGES, **headers)
    assert APIToken.objects.get(user=member.user).last_used_at is not None


@pytest.mark.parametrize(
    "header", ["Bearer wagtail_nonsense", "Bearer", "Bearer two words", "Bearer \xe9"]
)
def test_a_bad_token_is_401(client, joint_project, header):
    response = client.get(PAGES, HTTP_AUTHORIZATION=header)
    assert response.status_code == 401


def test_a_bad_token_is_401_even_with_a_session(member_client, joint_project):
    response = member_client.get(PAGES, HTTP_AUTHORIZATION="Bearer wagtail_nonsense")
    assert response.status_code == 401


def test_a_revoked_token_is_401(client, member, joint_project):
    token, plaintext = APIToken.create_token(user=member.user, name="old")
    token.revoke()
    response = client.get(PAGES, HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    assert response.status_code == 401


def test_an_inactive_persons_token_is_401(client, member, joint_project):
    headers = bearer(member.user)
    member.user.is_active = False
    member.user.save()
    assert client.get(PAGES, **headers).status_code == 401


# Read-only ----------------------------------------------------------------------------------


def test_writing_is_not_allowed(member_client, client, member, joint_project):
    assert member_client.post(PAGES, {"title": "New"}).status_code == 405
    detail = f"{PAGES}{joint_project.pk}/"
    assert client.delete(detail, **bearer(member.user)).status_code == 405
    assert client.put(detail, {}, **bearer(member.user)).status_code == 405


# Visibility ---------------------------------------------------------------------------------


def test_members_only_project_is_hidden_from_non_members(client, member, secret_project):
    headers = bearer(member.user)
    assert "Secret merger" not in listed_titles(client.get(PAGES, **headers))
    assert client.get(f"{PAGES}{secret_project.pk}/", **headers).status_code == 404
    typed = client.get(PAGES, {"type": "projects.ProjectPage"}, **headers)
    assert "Secret merger" not in listed_titles(typed)
    found = client.get(f"{PAGES}find/", {"html_path": "/projects/secret/"}, **headers)
    assert found.status_code == 404


def test_members_only_project_is_visible_to_members(client, lead, secret_project):
    headers = bearer(lead.user)
    assert "Secret merger" in listed_titles(client.get(PAGES, **headers))
    detail = client.get(f"{PAGES}{secret_project.pk}/", **headers)
    assert detail.status_code == 200
    assert detail.json()["title"] == "Secret merger"


def test_drafts_are_not_served(member_client, project_index):
    draft = ProjectPageFactory(parent=project_index, title="Not yet", live=False)
    assert "Not yet" not in listed_titles(member_client.get(PAGES))
    assert member_client.get(f"{PAGES}{draft.pk}/").status_code == 404


# Queries ------------------------------------------------------------------------------------


def make_projects(project_index, count):
    """Projects with a lead each, and one members-only project left out of the listing."""
    for _number in range(count):
        MembershipFactory(project=ProjectPageFactory(parent=project_index), role="lead")
    ProjectPageFactory(parent=project_index, visibility="members")


@pytest.mark.parametrize("url", [PAGES, f"{PAGES}?type=projects.ProjectPage"])
def test_listing_query_count_does_not_grow_with_pages(
    member_client, project_index, count_queries, url
):
    make_projects(project_index, 3)
    small = count_queries(url, ceiling=15)
    make_projects(project_index, 26)
    assert count_queries(url, ceiling=15) == small
