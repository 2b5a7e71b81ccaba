"""Something of every type about "lighthouse", in an open project and in a members-only one."""

from dataclasses import dataclass

import pytest
from django.core.management import call_command
from django.utils import timezone

from projects.models import RetroFormat, RetroPhase, Retrospective, Role, Visibility
from projects.retro_services import retro_create
from tests.factories import (
    DepartmentFactory,
    MembershipFactory,
    PersonFactory,
    ProjectPageFactory,
    StandardPageFactory,
    StatusUpdateFactory,
    WinFactory,
)


def closed_retrospective(projects, facilitator, *, title, summary=""):
    retro = retro_create(
        projects=projects,
        facilitator=facilitator,
        created_by=facilitator,
        retro_format=RetroFormat.objects.get(name="4Ls"),
        title=title,
        held_on=timezone.localdate(),
        skip_review=True,
    )
    Retrospective.objects.filter(pk=retro.pk).update(phase=RetroPhase.CLOSED, summary=summary)
    return retro


def reindex():
    """Rows written with .update() or bulk_create() reach the index as seed_demo does it."""
    call_command("update_index", verbosity=0)


@dataclass
class Lighthouse:
    sales: object
    support: object
    legal: object
    seller: object  # Sales, leads the open project
    helper: object  # Support, member of the open project
    insider: object  # Legal, the only member of the members-only project
    keeper: object  # Support, matches by job title
    portal: object  # the open project
    secret: object  # the members-only project
    retro: object
    secret_retro: object


@pytest.fixture
def lighthouse(home_page, project_index):
    sales = DepartmentFactory(name="Sales")
    support = DepartmentFactory(name="Support")
    legal = DepartmentFactory(name="Legal")
    seller = PersonFactory(department=sales, user__first_name="Sam", user__last_name="Seller")
    helper = PersonFactory(department=support, user__first_name="Sue", user__last_name="Helper")
    insider = PersonFactory(department=legal, user__first_name="Lee", user__last_name="Insider")
    keeper = PersonFactory(
        department=support,
        user__first_name="Kim",
        user__last_name="Keeper",
        job_title="Lighthouse keeper",
    )

    portal = ProjectPageFactory(
        parent=project_index,
        title="Lighthouse portal",
        slug="portal",
        purpose="One door for customers.",
    )
    MembershipFactory(project=portal, person=seller, role=Role.LEAD)
    MembershipFactory(project=portal, person=helper)
    secret = ProjectPageFactory(
        parent=project_index,
        title="Secret lighthouse merger",
        slug="secret",
        visibility=Visibility.MEMBERS,
    )
    MembershipFactory(project=secret, person=insider, role=Role.LEAD)

    WinFactory(
        title="Lighthouse launched", projects=[portal], posted_by=seller, credited=[seller, helper]
    )
    WinFactory(title="Secret lighthouse deal", projects=[secret], posted_by=insider)
    StatusUpdateFactory(
        project=portal, author=seller, what_happened="The lighthouse pilot shipped."
    )
    StatusUpdateFactory(project=secret, author=insider, what_happened="Secret lighthouse numbers.")
    retro = closed_retrospective(
        [portal], seller, title="Lighthouse look back", summary="Keep the weekly demo."
    )
    secret_retro = closed_retrospective(
        [secret], insider, title="Secret lighthouse retro", summary="Nobody may know."
    )
    StandardPageFactory(parent=home_page, title="Lighthouse guide", introduction="Visiting rules.")
    reindex()
    return Lighthouse(
        sales, support, legal, seller, helper, insider, keeper, portal, secret, retro, secret_retro
    )


@pytest.fixture
def outsider(db):
    """Someone in none of the projects, from a department of their own."""
    return PersonFactory(user__first_name="Otto", user__last_name="Outsider")


@pytest.fixture
def superuser(db):
    return PersonFactory(user__first_name="Ada", user__last_name="Admin", user__is_superuser=True)
