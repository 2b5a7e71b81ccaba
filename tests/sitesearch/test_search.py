import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.factories import PersonFactory, StandardPageFactory

pytestmark = pytest.mark.django_db
URL = reverse("search")


@pytest.fixture
def content(home_page):
    page = StandardPageFactory(
        parent=home_page, title="Travel policy", introduction="Booking trains and flights."
    )
    person = PersonFactory(user__first_name="Petri", job_title="Travel coordinator")
    call_command("update_index", verbosity=0)
    return page, person


def test_finds_pages_and_people(member_client, content):
    response = member_client.get(URL, {"q": "travel"})
    html = response.content.decode()
    assert "Travel policy" in html
    assert "Petri" in html


def test_empty_query_shows_only_the_form(member_client, content):
    response = member_client.get(URL)
    assert response.status_code == 200
    assert response.context["pages"] is None


def test_no_match_says_so(member_client, content):
    html = member_client.get(URL, {"q": "zzzz-nothing"}).content.decode()
    assert "No pages match." in html
    assert "No people match." in html


def test_very_long_queries_are_cut_not_failed(member_client, content):
    response = member_client.get(URL, {"q": "travel " * 100})
    assert response.status_code == 200
    assert len(response.context["query"]) == 200


def test_query_count_does_not_grow_with_matches(member_client, home_page, count_queries):
    PersonFactory.create_batch(2, job_title="Analyst", with_photo=True)
    StandardPageFactory.create_batch(2, parent=home_page, introduction="analyst guide")
    call_command("update_index", verbosity=0)
    url = f"{URL}?q=analyst"
    small = count_queries(url, ceiling=17)
    PersonFactory.create_batch(20, job_title="Analyst", with_photo=True)
    StandardPageFactory.create_batch(12, parent=home_page, introduction="analyst guide")
    call_command("update_index", verbosity=0)
    assert count_queries(url, ceiling=17) == small


def test_members_only_projects_are_found_only_by_their_members(client, project_index):
    from projects.models import Visibility
    from tests.factories import MembershipFactory, ProjectPageFactory

    secret = ProjectPageFactory(
        parent=project_index, title="Secret merger", slug="secret", visibility=Visibility.MEMBERS
    )
    ProjectPageFactory(parent=project_index, title="Open merger plan", slug="open")
    insider = MembershipFactory(project=secret).person
    call_command("update_index", verbosity=0)

    client.force_login(PersonFactory().user)
    html = client.get(URL, {"q": "merger"}).content.decode()
    assert "Open merger plan" in html
    assert "Secret merger" not in html

    client.force_login(insider.user)
    assert "Secret merger" in client.get(URL, {"q": "merger"}).content.decode()
