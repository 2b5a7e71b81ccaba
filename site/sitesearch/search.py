"""One search across projects, wins, status updates, retrospectives, people and pages.

Everything except people goes through Wagtail's search backend (the database backend by
default: SQLite FTS5, or PostgreSQL full-text search on PostgreSQL; OpenSearch or
Elasticsearch on large installations).

Visibility: a search backend accepts filters only on fields declared as `index.FilterField`,
and cannot express "a project this user belongs to". So each type is searched inside the
rows the user may see, passed as one filter on the declared `id` field whose value is a
subquery (`id__in=visible.values("pk")`). The database backends run it inside the same SQL
query; OpenSearch and Elasticsearch receive the list of ids. Members-only projects, and the
wins, updates and retrospectives that belong only to them, are never found or counted.

People are matched in the database with `Person.objects.matching` instead (every word in
a name, job title, department or topic, as the people directory does). A person's name
lives on the user account, which is not indexed: renaming a user, changing a person's topics
or importing people in bulk would leave the search index stale until `update_index`.
Matching the live tables keeps people search exact and finds "mar" in Maria, which people
expect of names; an organisation's people table is small enough for that.
"""

import html
import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    TextChoices,
)
from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.translation import get_language, ngettext_lazy
from django.utils.translation import gettext_lazy as _
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Page
from wagtail.search.backends import get_search_backend

from organisation.models import Department, Person
from projects.models import (
    Membership,
    ProjectPage,
    RetroPhase,
    Retrospective,
    StatusUpdate,
    Win,
    WinCredit,
    win_links_visible_to,
)

MAX_QUERY_LENGTH = 200
RESULTS_PER_PAGE = 10
# How many hits of each type the "All" view shows before its "See all" link.
TOP_HITS_PER_TYPE = 3
SNIPPET_WORDS = 30
# Words shown before the first searched word, when the snippet does not start at the top.
SNIPPET_LEAD_WORDS = 8
# Search engines other than the database return hits, not a query to nest: the department
# facet then counts over this many best hits of each type.
FACET_SAMPLE_SIZE = 1000


class ResultType(TextChoices):
    ALL = "all", _("All")
    PROJECTS = "projects", _("Projects")
    WINS = "wins", _("Wins")
    UPDATES = "updates", _("Status updates")
    RETROSPECTIVES = "retros", _("Retrospectives")
    PEOPLE = "people", _("People")
    PAGES = "pages", _("Pages")

    @classmethod
    def from_param(cls, value):
        """The type a `type` GET parameter names; anything else means all types."""
        return cls(value) if value in cls.values else cls.ALL


# The order of the facet and of the sections in the "All" view.
SEARCHED_TYPES = [
    ResultType.PROJECTS,
    ResultType.WINS,
    ResultType.UPDATES,
    ResultType.RETROSPECTIVES,
    ResultType.PEOPLE,
    ResultType.PAGES,
]

# The badge on each hit.
BADGES = {
    ResultType.PROJECTS: _("Project"),
    ResultType.WINS: _("Win"),
    ResultType.UPDATES: _("Status update"),
    ResultType.RETROSPECTIVES: _("Retrospective"),
    ResultType.PEOPLE: _("Person"),
    ResultType.PAGES: _("Page"),
}


def clean_query(raw):
    """The query as searched: trimmed, and cut at MAX_QUERY_LENGTH characters."""
    # Control characters (a NUL byte) are dropped: PostgreSQL refuses them in any query.
    printable = "".join(char if char.isprintable() else " " for char in raw or "")
    return " ".join(printable.split())[:MAX_QUERY_LENGTH].strip()


def content_language():
    """The language pages are searched in when Wagtail's page translation is on, else None."""
    if not getattr(settings, "WAGTAIL_I18N_ENABLED", False):
        return None
    try:
        return get_supported_content_language_variant(get_language())
    except LookupError:
        return None


def default_content_language():
    return get_supported_content_language_variant(settings.LANGUAGE_CODE)


def _search(queryset, visible, query):
    """`query` searched among the rows of `visible`, through the search backend."""
    return _search_ids(queryset, visible.order_by().values("pk"), query)


def _search_ids(queryset, visible_ids, query):
    """`query` searched among the rows whose ids `visible_ids` (a values() query) holds.

    The visibility condition reaches the backend as one filter on the `id` FilterField.
    """
    return _backend_search(queryset.filter(id__in=visible_ids), query)


def search_terms(query):
    """The words of `query` as the search backend receives them.

    Punctuation is dropped: SQLite's full-text syntax gives quotes, brackets and stars a
    meaning, and an unbalanced quote would be an error rather than a search.
    """
    return " ".join(re.findall(r"\w+", query))


def _backend_search(queryset, query):
    # Through the backend rather than `queryset.search()`: not every model's queryset has
    # Wagtail's SearchableQuerySetMixin. Every word must match, like the people search.
    terms = search_terms(query)
    if not terms:
        return queryset.none()
    return get_search_backend().search(terms, queryset, operator="and")


# One function per type: the visible, matching results for `user`, optionally only those
# involving `department`. Each returns something with .count() and slicing, ordered best
# first, with what its hits show prefetched.


def search_projects(user, query, *, department=None, language=None):
    # Projects are never translated (see intranet.models.HomePage.route): no language filter.
    visible = ProjectPage.objects.live().visible_to(user)
    if department is not None:
        visible = visible.filter(
            Exists(Membership.objects.filter(project=OuterRef("pk"), department=department))
        )
    projects = ProjectPage.objects.prefetch_related(
        Prefetch("memberships", queryset=Membership.objects.select_related("department"))
    )
    return _search(projects, visible, query)


def search_wins(user, query, *, department=None, language=None):
    # Ids from the win-project links: a subquery over wins made PostgreSQL look up each of
    # 45,000 visible wins by its key, half the time of a search on the large organisation.
    links = win_links_visible_to(user)
    if department is not None:
        links = links.filter(
            Exists(WinCredit.objects.filter(win=OuterRef("win_id"), department=department))
        )
    wins = Win.objects.prefetch_related(
        Prefetch("credits", queryset=WinCredit.objects.select_related("department"))
    )
    return _search_ids(wins, links.values("win_id"), query)


def visible_status_updates(user):
    return StatusUpdate.objects.filter(
        project__in=ProjectPage.objects.visible_to(user).order_by().values("pk")
    )


def search_status_updates(user, query, *, department=None, language=None):
    visible = visible_status_updates(user)
    if department is not None:
        visible = visible.filter(
            Exists(Membership.objects.filter(project=OuterRef("project_id"), department=department))
        )
    updates = StatusUpdate.objects.select_related("project").prefetch_related(
        Prefetch("project__memberships", queryset=Membership.objects.select_related("department"))
    )
    return _search(updates, visible, query)


def search_retrospectives(user, query, *, department=None, language=None):
    """Closed retrospectives (their published summary) of projects the user may see.

    Boards still running are for their participants, not for search.
    """
    visible = Retrospective.objects.visible_to(user).filter(phase=RetroPhase.CLOSED)
    if department is not None:
        visible = visible.filter(
            Exists(
                Membership.objects.filter(
                    project__retrospectives=OuterRef("pk"), department=department
                )
            )
        )
    # A retrospective may span a members-only project too: only the projects the user may
    # see are shown with it.
    visible_projects = ProjectPage.objects.visible_to(user).prefetch_related(
        Prefetch("memberships", queryset=Membership.objects.select_related("department"))
    )
    retros = Retrospective.objects.prefetch_related(Prefetch("projects", queryset=visible_projects))
    return _search(retros, visible, query)


def search_people(user, query, *, department=None, language=None):
    """Active people matching every word (see the module's note on why not the index)."""
    people = Person.objects.active().matching(query)
    if department is not None:
        people = people.filter(department=department)
    return people.select_related("user", "department").alphabetical()


def search_pages(user, query, *, department=None, language=None):
    """Live intranet pages other than projects, which have their own type. Pages belong to
    no department: a department filter leaves none.

    With page translation on, a reader finds the pages in their language, and the English
    (default language) page where it has no live translation, as the pages are served.
    """
    if department is not None:
        return Page.objects.none()
    visible = Page.objects.live().filter(depth__gt=1).not_type(ProjectPage)
    if language is not None:
        default = default_content_language()
        in_language = Q(locale__language_code=language)
        if language != default:
            translated = Page.objects.live().filter(
                locale__language_code=language, translation_key=OuterRef("translation_key")
            )
            in_language |= Q(locale__language_code=default) & ~Exists(translated)
        visible = visible.filter(in_language)
    return _search(Page.objects.specific(), visible, query)


SEARCHES = {
    ResultType.PROJECTS: search_projects,
    ResultType.WINS: search_wins,
    ResultType.UPDATES: search_status_updates,
    ResultType.RETROSPECTIVES: search_retrospectives,
    ResultType.PEOPLE: search_people,
    ResultType.PAGES: search_pages,
}


def _matched_ids(results):
    """The ids of every result, as a subquery where the backend searches in the database."""
    if hasattr(results, "get_queryset"):  # Wagtail's database backends
        return results.get_queryset().order_by().values("pk")
    if hasattr(results, "query"):  # a plain queryset (people)
        return results.order_by().values("pk")
    return [result.pk for result in results[:FACET_SAMPLE_SIZE]]


def _department_counts(result_type, matched):
    """(department id, how many of the `matched` ids of a type involve it) rows: projects with
    members from it, wins credited to it, updates of such projects, retrospectives of such
    projects, people in it. None for types that belong to no department (pages)."""
    departments_of = {
        ResultType.PROJECTS: (ProjectPage, "memberships__department"),
        ResultType.WINS: (Win, "credits__department"),
        ResultType.UPDATES: (StatusUpdate, "project__memberships__department"),
        ResultType.RETROSPECTIVES: (Retrospective, "projects__memberships__department"),
        ResultType.PEOPLE: (Person, "department"),
    }
    if result_type not in departments_of:
        return None
    model, department = departments_of[result_type]
    return (
        model.objects.filter(pk__in=matched)
        .exclude(**{f"{department}__isnull": True})
        .order_by()
        .values(facet_department=F(department))
        .annotate(matches=Count("pk", distinct=True))
    )


def department_facet(results_by_type):
    """Departments involved in the results, each with how many results involve it, most
    first. Two queries whatever the number of departments or results: the matches of every
    type grouped by department in one UNION ALL (each search runs once, not once per
    department), then the departments themselves."""
    grouped = [
        counts
        for result_type, results in results_by_type.items()
        if (counts := _department_counts(result_type, _matched_ids(results))) is not None
    ]
    if not grouped:
        return []
    totals = {}
    for row in grouped[0].union(*grouped[1:], all=True):
        totals[row["facet_department"]] = totals.get(row["facet_department"], 0) + row["matches"]
    departments = list(Department.objects.filter(pk__in=totals))
    for department in departments:
        department.result_count = totals[department.pk]
    departments.sort(key=lambda department: (-department.result_count, department.name))
    return departments


@dataclass(frozen=True)
class Hit:
    """One result, whatever its type, as the results page shows it."""

    kind: ResultType
    title: str
    url: str
    snippet: str = ""
    day: date | datetime | None = None
    departments: list = field(default_factory=list)
    # A short line of context: the project of an update, the projects of a retrospective.
    context: str = ""

    @property
    def badge(self):
        return BADGES[self.kind]


def _snippet(text):
    """Plain text of a field that may hold rich text (a win's story)."""
    return " ".join(html.unescape(strip_tags(text or "")).split())


def snippet_around(text, words, length=SNIPPET_WORDS):
    """About `length` words of `text`, starting a little before the first searched word
    when it comes late, so the reader sees why the result matched."""
    tokens = text.split(" ")
    lowered = [word.lower() for word in words]
    first = next(
        (n for n, token in enumerate(tokens) if any(word in token.lower() for word in lowered)),
        0,
    )
    start = first - SNIPPET_LEAD_WORDS if first > length - SNIPPET_LEAD_WORDS else 0
    shown = " ".join(tokens[start : start + length])
    if start > 0:
        shown = "… " + shown
    if start + length < len(tokens):
        shown += " …"
    return shown


def _departments_of(memberships):
    """Each department once, in the order its members joined."""
    seen = {}
    for membership in memberships:
        seen.setdefault(membership.department_id, membership.department)
    return list(seen.values())


def _project_hit(project, request):
    return Hit(
        ResultType.PROJECTS,
        project.title,
        project.get_url(request),
        _snippet(project.purpose),
        project.last_published_at,
        _departments_of(project.memberships.all()),
        project.get_status_display(),
    )


def _win_hit(win, request):
    return Hit(
        ResultType.WINS,
        win.title,
        reverse("projects:win", kwargs={"win_id": win.pk}),
        _snippet(win.story),
        win.day,
        win.credited_departments,
    )


def _update_hit(update, request):
    project = update.project
    url = project.get_url(request)
    if url:
        url = f"{url.rstrip('/')}/{project.reverse_subpage('updates')}#update-{update.pk}"
    return Hit(
        ResultType.UPDATES,
        project.title,
        url or "",
        _snippet(update.what_happened),
        update.created_at,
        _departments_of(project.memberships.all()),
        update.get_health_display(),
    )


def _retro_hit(retro, request):
    projects = list(retro.projects.all())
    return Hit(
        ResultType.RETROSPECTIVES,
        retro.title,
        reverse("projects:retro_summary", kwargs={"retro_id": retro.pk}),
        _snippet(retro.summary),
        retro.held_on,
        _departments_of(m for project in projects for m in project.memberships.all()),
        ", ".join(project.title for project in projects),
    )


def _person_hit(person, request):
    return Hit(
        ResultType.PEOPLE,
        person.full_name,
        person.get_absolute_url(),
        person.job_title,
        None,
        [person.department],
    )


def _page_hit(page, request):
    text = getattr(page, "introduction", "") or page.search_description
    return Hit(
        ResultType.PAGES,
        page.title,
        page.get_url(request) or "",
        _snippet(text),
        page.last_published_at,
    )


HIT_BUILDERS = {
    ResultType.PROJECTS: _project_hit,
    ResultType.WINS: _win_hit,
    ResultType.UPDATES: _update_hit,
    ResultType.RETROSPECTIVES: _retro_hit,
    ResultType.PEOPLE: _person_hit,
    ResultType.PAGES: _page_hit,
}


def to_hits(result_type, objects, request=None, query=""):
    build = HIT_BUILDERS[result_type]
    words = search_terms(query).split()
    hits = [build(obj, request) for obj in objects]
    return [replace(hit, snippet=snippet_around(hit.snippet, words)) for hit in hits]


@dataclass
class TypeFacet:
    kind: ResultType
    count: int


SEE_ALL_LABELS = {
    ResultType.PROJECTS: ngettext_lazy(
        "See %(count)d project", "See all %(count)d projects", "count"
    ),
    ResultType.WINS: ngettext_lazy("See %(count)d win", "See all %(count)d wins", "count"),
    ResultType.UPDATES: ngettext_lazy(
        "See %(count)d status update", "See all %(count)d status updates", "count"
    ),
    ResultType.RETROSPECTIVES: ngettext_lazy(
        "See %(count)d retrospective", "See all %(count)d retrospectives", "count"
    ),
    ResultType.PEOPLE: ngettext_lazy("See %(count)d person", "See all %(count)d people", "count"),
    ResultType.PAGES: ngettext_lazy("See %(count)d page", "See all %(count)d pages", "count"),
}


@dataclass
class TypeSection:
    """The top hits of one type in the "All" view, and the link to all of them."""

    kind: ResultType
    count: int
    hits: list
    url: str = ""

    @property
    def has_more(self):
        return self.count > len(self.hits)

    @property
    def see_all_label(self):
        return SEE_ALL_LABELS[self.kind] % {"count": self.count}


@dataclass
class SearchOutcome:
    query: str
    result_type: ResultType
    department: Department | None
    type_facets: list  # TypeFacet, "All" first
    department_facets: list  # Department with result_count
    total: int
    sections: list = field(default_factory=list)  # "All" view: TypeSection per type found
    page: object = None  # one type: the Paginator page of the hits
    was_truncated: bool = False


def find_department(slug):
    """The department a `department` GET parameter names, or None for unknown values."""
    if not slug or len(slug) > 100 or not re.fullmatch(r"[-\w]+", slug):
        return None
    return Department.objects.filter(slug=slug).first()


def search_site(
    *, user, query, result_type=ResultType.ALL, department=None, page_number=1, request=None
):
    """Everything the results page shows for `query`, as `user` may see it.

    Type counts respect the department filter; department counts respect the type filter
    but not the department filter, so another department is one click away. The query count
    is fixed: a count per type, one query for the department facet, and the listed hits.
    """
    language = content_language()
    in_department = {}
    for kind, search in SEARCHES.items():
        in_department[kind] = search(user, query, department=department, language=language)
    if department is None:
        everywhere = in_department
    else:
        everywhere = {
            kind: search(user, query, language=language) for kind, search in SEARCHES.items()
        }

    counts = {kind: results.count() for kind, results in in_department.items()}
    total = sum(counts.values())
    type_facets = [TypeFacet(ResultType.ALL, total)]
    type_facets += [TypeFacet(kind, counts[kind]) for kind in SEARCHED_TYPES]

    if result_type == ResultType.ALL:
        facet_source = everywhere
    else:
        facet_source = {result_type: everywhere[result_type]}
    outcome = SearchOutcome(
        query=query,
        result_type=result_type,
        department=department,
        type_facets=type_facets,
        department_facets=department_facet(facet_source),
        total=total,
    )
    if result_type == ResultType.ALL:
        for kind in SEARCHED_TYPES:
            if counts[kind]:
                top = in_department[kind][:TOP_HITS_PER_TYPE]
                outcome.sections.append(
                    TypeSection(kind, counts[kind], to_hits(kind, top, request, query))
                )
    else:
        page = Paginator(in_department[result_type], RESULTS_PER_PAGE).get_page(page_number)
        page.object_list = to_hits(result_type, page.object_list, request, query)
        outcome.page = page
    return outcome
