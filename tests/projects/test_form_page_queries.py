"""Form pages keep their query count as the project (or the person's tokens) grow."""

import pytest
from wagtail.models import APIToken

from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path", ["edit/", "metrics/new/", "metrics/{metric}/edit/", "metrics/import/"]
)
def test_project_form_pages(client, joint_project, lead, metric, count_queries, path):
    client.force_login(lead.user)
    url = joint_project.url + path.format(metric=metric.pk)
    small = count_queries(url, ceiling=24)
    MembershipFactory.create_batch(6, project=joint_project)  # more departments to choose from
    assert count_queries(url, ceiling=24) == small


def test_start_page(client, project_index, lead, count_queries):
    client.force_login(lead.user)
    # 13: Wagtail's routing looks up the reader's locale since pages can be translated.
    small = count_queries("/projects/start/", ceiling=13)
    MembershipFactory.create_batch(4)
    assert count_queries("/projects/start/", ceiling=13) == small


def test_token_page(client, lead, count_queries):
    client.force_login(lead.user)
    APIToken.create_token(user=lead.user, name="one")
    small = count_queries("/account/api-tokens/", ceiling=10)
    for number in range(8):
        APIToken.create_token(user=lead.user, name=f"token {number}")
    assert count_queries("/account/api-tokens/", ceiling=10) == small
