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


# First: xdist's own hook reads the groups to send each group's tests to a single worker.
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """Under xdist (`make test` runs `pytest -n 2`, `--dist loadgroup` comes from pyproject), a
    module whose tests share rows written once by one of our module-scoped fixtures (the demo
    seeds) runs on one worker, so the fixture is built once rather than once per worker."""
    # Every test of such a module, not only those using the fixture: a test of the module
    # that ran on the other worker could still be the one that builds it there.
    grouped = {item.module.__name__ for item in items if shares_module_rows(item)}
    for item in items:
        if item.module.__name__ in grouped:
            item.add_marker(pytest.mark.xdist_group(item.module.__name__))


def shares_module_rows(item):
    return any(
        definition.baseid  # ours: a plugin's fixtures have no base id
        and definition.scope in ("module", "class", "package")
        and "django_db_blocker" in definition.argnames
        for definitions in item._fixtureinfo.name2fixturedefs.values()
        for definition in definitions
    )


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache, so query counts do not depend on test order."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts and ends in English: a language activated by a test (or a request
    handled in the test's thread) must not change what the next test reads."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


PRISTINE_DATABASE = pytest.StashKey[str]()


@pytest.fixture
def pristine_database(request, transactional_db):
    """The database as the migrations left it (root page, home page, site), for tests that
    commit: browser tests, and tests with several threads writing at once.

    Django empties the tables after each such test. Its serialized rollback cannot restore
    them for browser tests: Playwright keeps an event loop running in the test thread, so Django
    hands out a fresh connection object that lacks the saved state. We keep our own copy.
    """
    from django.apps import apps
    from django.core.management import call_command
    from django.core.management.color import no_style
    from django.db import connection

    saved = request.config.stash.get(PRISTINE_DATABASE, None)
    if saved is None:
        request.config.stash[PRISTINE_DATABASE] = connection.creation.serialize_db_to_string()
    else:
        # The flush after the previous test recreated content types; start from empty tables.
        call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
        connection.creation.deserialize_db_from_string(saved)
        # Rows came back with their ids; PostgreSQL's sequences must continue after them.
        statements = connection.ops.sequence_reset_sql(no_style(), apps.get_models())
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


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
