from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.template.response import TemplateResponse
from django.views.decorators.http import require_safe
from wagtail.models import Page

from organisation.models import Person
from projects.models import ProjectPage
from projects.retro_search import matching_retrospectives

RESULTS_PER_PAGE = 10
PEOPLE_SHOWN = 6
RETROS_SHOWN = 5


@require_safe
def search(request):
    query = request.GET.get("q", "").strip()[:200]
    pages = people = retros = None
    people_count = retro_count = 0
    if query:
        hidden = list(ProjectPage.objects.hidden_from(request.user).values_list("pk", flat=True))
        page_results = Page.objects.live().exclude(pk__in=hidden).specific().search(query)
        pages = Paginator(page_results, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
        matching_people = Person.objects.active().matching(query)
        people_count = matching_people.count()
        people = matching_people.for_listing().alphabetical()[:PEOPLE_SHOWN]
        matching_retros = matching_retrospectives(request.user, query)
        retro_count = matching_retros.count()
        retros = matching_retros[:RETROS_SHOWN]
    return TemplateResponse(
        request,
        "sitesearch/search.html",
        {
            "query": query,
            "pages": pages,
            "people": people,
            "people_count": people_count,
            "retros": retros,
            "retro_count": retro_count,
            "querystring": urlencode({"q": query}),
        },
    )
