"""The search service: what each type finds, the facets, and who may see what."""

import pytest
from django.test import override_settings
from django.utils import timezone, translation
from wagtail.models import Locale

from intranet.models import StandardPage
from projects.models import RetroFormat
from projects.retro_services import retro_create
from sitesearch.search import (
    SEARCHES,
    ResultType,
    clean_query,
    content_language,
    search_site,
    search_terms,
)
from tests.factories import MembershipFactory, PersonFactory, StandardPageFactory, WinFactory

from .conftest import closed_retrospective, reindex

pytestmark = pytest.mark.django_db
TYPES = [kind for kind in ResultType if kind != ResultType.ALL]


def counts(outcome):
    return {facet.kind: facet.count for facet in outcome.type_facets}


def titles(user, kind, query="lighthouse", **options):
    return sorted(str(result) for result in SEARCHES[kind](user, query, **options))


def test_every_type_is_found(lighthouse, outsider):
    outcome = search_site(user=outsider.user, query="lighthouse")
    assert counts(outcome) == {
        ResultType.ALL: 6,
        ResultType.PROJECTS: 1,
        ResultType.WINS: 1,
        ResultType.UPDATES: 1,
        ResultType.RETROSPECTIVES: 1,
        ResultType.PEOPLE: 1,
        ResultType.PAGES: 1,
    }
    shown = {section.kind: [hit.title for hit in section.hits] for section in outcome.sections}
    assert shown == {
        ResultType.PROJECTS: ["Lighthouse portal"],
        ResultType.WINS: ["Lighthouse launched"],
        ResultType.UPDATES: ["Lighthouse portal"],
        ResultType.RETROSPECTIVES: ["Lighthouse look back"],
        ResultType.PEOPLE: ["Kim Keeper"],
        ResultType.PAGES: ["Lighthouse guide"],
    }


def test_every_word_must_match(lighthouse, outsider):
    assert counts(search_site(user=outsider.user, query="lighthouse pilot"))[ResultType.ALL] == 1
    assert counts(search_site(user=outsider.user, query="lighthouse zebra"))[ResultType.ALL] == 0


@pytest.mark.parametrize("kind", TYPES)
def test_outsiders_never_find_members_only_content(lighthouse, outsider, kind):
    assert not any("Secret" in title for title in titles(outsider.user, kind))
    assert SEARCHES[kind](outsider.user, "secret").count() == 0


@pytest.mark.parametrize(
    ("kind", "secret_title"),
    [
        (ResultType.PROJECTS, "Secret lighthouse merger"),
        (ResultType.WINS, "Secret lighthouse deal"),
        (ResultType.UPDATES, "Secret lighthouse merger"),
        (ResultType.RETROSPECTIVES, "Secret lighthouse retro"),
    ],
)
@pytest.mark.parametrize("who", ["insider", "superuser"])
def test_members_and_superusers_find_it(lighthouse, superuser, kind, secret_title, who):
    user = lighthouse.insider.user if who == "insider" else superuser.user
    outcome = search_site(user=user, query="secret", result_type=kind)
    assert [hit.title for hit in outcome.page.object_list] == [secret_title]
    assert counts(outcome)[kind] == 1


def test_hidden_results_are_not_counted_in_any_facet(lighthouse, outsider):
    outcome = search_site(user=outsider.user, query="lighthouse")
    departments = {d.name: d.result_count for d in outcome.department_facets}
    # Sales: the project, the win credited to Sam, the project's update and retrospective.
    # Support: the same four, plus Kim the keeper. Legal only appears in hidden results.
    assert departments == {"Support": 5, "Sales": 4}


def test_members_see_their_department_counted(lighthouse):
    outcome = search_site(user=lighthouse.insider.user, query="lighthouse")
    departments = {d.name: d.result_count for d in outcome.department_facets}
    assert departments == {"Support": 5, "Sales": 4, "Legal": 4}
    assert counts(outcome)[ResultType.ALL] == 10


def test_department_facet_follows_the_selected_type(lighthouse, outsider):
    people = search_site(user=outsider.user, query="lighthouse", result_type=ResultType.PEOPLE)
    assert [(d.name, d.result_count) for d in people.department_facets] == [("Support", 1)]
    pages = search_site(user=outsider.user, query="lighthouse", result_type=ResultType.PAGES)
    assert pages.department_facets == []


def test_department_filter_narrows_every_type(lighthouse, outsider):
    outcome = search_site(user=outsider.user, query="lighthouse", department=lighthouse.sales)
    assert counts(outcome) == {
        ResultType.ALL: 4,
        ResultType.PROJECTS: 1,
        ResultType.WINS: 1,
        ResultType.UPDATES: 1,
        ResultType.RETROSPECTIVES: 1,
        ResultType.PEOPLE: 0,
        ResultType.PAGES: 0,  # pages belong to no department
    }
    # The department facet still offers the other departments.
    assert {d.name for d in outcome.department_facets} == {"Sales", "Support"}


def test_wins_count_for_the_departments_credited(lighthouse, outsider):
    WinFactory(
        title="Lighthouse repainted", projects=[lighthouse.portal], posted_by=lighthouse.helper
    )
    reindex()
    outcome = search_site(user=outsider.user, query="lighthouse", result_type=ResultType.WINS)
    assert {d.name: d.result_count for d in outcome.department_facets} == {
        "Sales": 1,
        "Support": 2,
    }
    in_sales = search_site(
        user=outsider.user,
        query="lighthouse",
        result_type=ResultType.WINS,
        department=lighthouse.sales,
    )
    assert [hit.title for hit in in_sales.page.object_list] == ["Lighthouse launched"]


def test_retrospective_spanning_a_hidden_project_shows_only_the_visible_one(lighthouse, outsider):
    closed_retrospective(
        [lighthouse.portal, lighthouse.secret],
        lighthouse.seller,
        title="Joint harbour review",
    )
    reindex()
    outcome = search_site(
        user=outsider.user, query="harbour", result_type=ResultType.RETROSPECTIVES
    )
    [hit] = outcome.page.object_list
    assert hit.context == "Lighthouse portal"
    assert {department.name for department in hit.departments} == {"Sales", "Support"}


def test_retrospectives_still_running_are_not_found(lighthouse):
    retro_create(
        projects=[lighthouse.portal],
        facilitator=lighthouse.seller,
        created_by=lighthouse.seller,
        retro_format=RetroFormat.objects.get(name="4Ls"),
        title="Lighthouse retro in progress",
        held_on=timezone.localdate(),
        skip_review=True,
    )
    reindex()
    assert titles(lighthouse.seller.user, ResultType.RETROSPECTIVES) == ["Lighthouse look back"]


def test_inactive_people_are_not_found(lighthouse, outsider):
    lighthouse.keeper.user.is_active = False
    lighthouse.keeper.user.save()
    assert titles(outsider.user, ResultType.PEOPLE) == []


def test_draft_projects_are_not_found(lighthouse, superuser):
    lighthouse.portal.unpublish()
    assert titles(superuser.user, ResultType.PROJECTS) == ["Secret lighthouse merger"]


def test_joining_the_project_reveals_it(lighthouse, outsider):
    MembershipFactory(project=lighthouse.secret, person=outsider)
    assert "Secret lighthouse deal" in titles(outsider.user, ResultType.WINS)


def test_results_are_paginated_by_type(lighthouse, outsider):
    for number in range(11):
        WinFactory(title=f"Lighthouse win {number}", projects=[lighthouse.portal])
    reindex()
    first = search_site(user=outsider.user, query="lighthouse", result_type=ResultType.WINS)
    assert len(first.page.object_list) == 10
    second = search_site(
        user=outsider.user, query="lighthouse", result_type=ResultType.WINS, page_number="2"
    )
    assert len(second.page.object_list) == 2
    assert second.page.paginator.count == 12


def test_the_all_view_shows_a_few_of_each_type(lighthouse, outsider):
    for number in range(5):
        WinFactory(title=f"Lighthouse win {number}", projects=[lighthouse.portal])
    reindex()
    outcome = search_site(user=outsider.user, query="lighthouse")
    [wins] = [s for s in outcome.sections if s.kind == ResultType.WINS]
    assert (wins.count, len(wins.hits), wins.has_more) == (6, 3, True)
    assert wins.see_all_label == "See all 6 wins"


def test_punctuation_does_not_break_the_search(lighthouse, outsider):
    assert search_terms('"lighthouse (guide*') == "lighthouse guide"
    for query in ['"lighthouse', "lighthouse)", "*", "NEAR(", "-", "'"]:
        search_site(user=outsider.user, query=query)  # no database error


def test_queries_are_trimmed_and_cut():
    assert clean_query("  many   spaces ") == "many spaces"
    assert len(clean_query("word " * 100)) <= 200
    assert clean_query(None) == ""


@override_settings(WAGTAIL_I18N_ENABLED=False)
def test_pages_are_searched_in_every_language_without_page_translation(db):
    assert content_language() is None


@override_settings(WAGTAIL_I18N_ENABLED=True)
def test_readers_find_pages_in_their_language_else_in_english(lighthouse, outsider, home_page):
    finnish, _created = Locale.objects.get_or_create(language_code="fi")
    StandardPageFactory(parent=home_page, title="Lighthouse history")  # never translated
    guide = StandardPage.objects.get(title="Lighthouse guide")
    translated = guide.copy_for_translation(finnish, copy_parents=True)
    translated.title = "Majakkaopas (lighthouse)"
    translated.save_revision().publish()
    reindex()

    def found():
        return titles(outsider.user, ResultType.PAGES, language=content_language())

    with translation.override("fi"):
        assert found() == ["Lighthouse history", "Majakkaopas (lighthouse)"]
    with translation.override("en"):
        assert found() == ["Lighthouse guide", "Lighthouse history"]


def test_people_are_found_by_name_part(lighthouse, outsider):
    assert titles(outsider.user, ResultType.PEOPLE, query="kee") == ["Kim Keeper"]


def test_new_people_are_found_without_reindexing(outsider):
    PersonFactory(user__first_name="Fresh", job_title="Lighthouse pilot")
    [found] = titles(outsider.user, ResultType.PEOPLE)
    assert found.startswith("Fresh ")
