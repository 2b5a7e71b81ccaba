"""The feeds page: a person's secret feed addresses, and making new ones."""

import pytest

from accounts.models import FeedToken
from tests.factories import MembershipFactory, ProjectPageFactory, UserFactory

pytestmark = pytest.mark.django_db
URL = "/account/feeds/"


def test_anonymous_people_are_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_the_page_shows_my_addresses(client, joint_project, member, project_index):
    client.force_login(member.user)
    ProjectPageFactory(parent=project_index, title="Not mine")
    response = client.get(URL)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    key = FeedToken.objects.get(user=member.user).key
    content = response.content.decode()
    assert f'value="http://testserver/feeds/{key}/wins/"' in content
    assert f'value="http://testserver/feeds/{key}/projects/{joint_project.pk}/"' in content
    assert f'value="http://testserver/feeds/{key}/departments/support/"' in content
    assert "Wins of Faster answers" in content
    assert 'id="feed-department"' in content
    assert "Not mine" not in content
    assert "anyone who has the address can read" in content
    # The same addresses on the next visit.
    assert f"/feeds/{key}/wins/" in client.get(URL).content.decode()


def test_someone_without_projects_is_told_where_they_will_appear(member_client):
    content = member_client.get(URL).content.decode()
    assert "When you join a project, its feed appears here." in content


def test_a_user_outside_the_directory_gets_the_organisation_feed(client):
    client.force_login(UserFactory())
    content = client.get(URL).content.decode()
    assert 'id="feed-organisation"' in content
    assert 'id="feed-department"' not in content


def test_new_addresses_retire_the_old_ones(client, member):
    old = FeedToken.objects.create(user=member.user).key
    client.force_login(member.user)
    response = client.post(URL)
    assert response.status_code == 302
    assert response["Location"] == URL
    new = FeedToken.objects.get(user=member.user).key
    assert new != old
    content = client.get(URL).content.decode()
    assert "The old ones no longer work" in content
    assert f"/feeds/{new}/wins/" in content
    client.logout()
    assert client.get(f"/feeds/{old}/wins/").status_code == 404
    assert client.get(f"/feeds/{new}/wins/").status_code == 200


def test_the_page_makes_the_same_queries_however_many_projects(
    client, count_queries, member, project_index
):
    client.force_login(member.user)

    def join(count):
        for _ in range(count):
            MembershipFactory(project=ProjectPageFactory(parent=project_index), person=member)

    join(1)
    small = count_queries(URL, ceiling=12)
    join(4)
    assert count_queries(URL, ceiling=12) == small
