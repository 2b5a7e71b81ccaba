import pytest
from wagtail.models import Site

from intranet.models import HomePage

from .factories import (
    DepartmentFactory,
    MembershipFactory,
    PersonFactory,
    ProjectIndexPageFactory,
    ProjectPageFactory,
)


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache, so query counts do not depend on test order."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def home_page(db):
    """The home page that the migrations create as the default site's root."""
    return HomePage.objects.get(pk=Site.objects.get(is_default_site=True).root_page_id)


@pytest.fixture
def person(db):
    return PersonFactory(user__username="anna.virtanen", user__first_name="Anna")


@pytest.fixture
def member_client(client, person):
    """A client logged in as an ordinary person of the organisation."""
    client.force_login(person.user)
    return client


@pytest.fixture
def count_queries(client, django_assert_max_num_queries):
    """How many queries a GET of `url` makes once warm (first renders create image renditions).

    Pages are tested with small and larger data: the two counts must be equal, and both
    under the page's ceiling.
    """

    def measure(url, *, ceiling):
        assert client.get(url).status_code == 200
        with django_assert_max_num_queries(ceiling) as captured:
            response = client.get(url)
        assert response.status_code == 200
        return len(captured)

    return measure


@pytest.fixture
def project_index(home_page):
    return ProjectIndexPageFactory(parent=home_page)


@pytest.fixture
def joint_project(project_index):
    """A project with a lead from Sales and a member from Support: joint under the default rule."""
    sales, support = DepartmentFactory(name="Sales"), DepartmentFactory(name="Support")
    project = ProjectPageFactory(
        parent=project_index, title="Faster answers", slug="faster-answers"
    )
    MembershipFactory(
        project=project,
        person=PersonFactory(user__username="lead", user__first_name="Lea", department=sales),
        role="lead",
    )
    MembershipFactory(
        project=project,
        person=PersonFactory(user__username="member", user__first_name="Mo", department=support),
    )
    return project


@pytest.fixture
def lead(joint_project):
    return joint_project.memberships.get(role="lead").person


@pytest.fixture
def member(joint_project):
    return joint_project.memberships.get(role="member").person
