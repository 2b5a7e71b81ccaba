from urllib.parse import urlencode

from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

from .search import (
    MAX_QUERY_LENGTH,
    ResultType,
    clean_query,
    find_department,
    search_site,
)


def search_url(query, result_type=ResultType.ALL, department=None):
    """The address of a results page; facets are plain links, so no JavaScript is needed."""
    params = {"q": query}
    if result_type != ResultType.ALL:
        params["type"] = result_type.value
    if department is not None:
        params["department"] = department.slug
    return f"{reverse('search')}?{urlencode(params)}"


def facet_links(outcome):
    """Links for the type facet (keeping the department) and the department facet
    (keeping the type), each marked when it is the current choice."""
    query, department = outcome.query, outcome.department
    types = [
        {
            "kind": facet.kind,
            "count": facet.count,
            "url": search_url(query, facet.kind, department),
            "is_current": facet.kind == outcome.result_type,
        }
        for facet in outcome.type_facets
    ]
    departments = [
        {
            "department": item,
            "count": item.result_count,
            "url": search_url(query, outcome.result_type, item),
            "is_current": department is not None and item.pk == department.pk,
        }
        for item in outcome.department_facets
    ]
    return types, departments


@require_safe
def search(request):
    """One results page for everything, with facets by type and department."""
    raw_query = " ".join(request.GET.get("q", "").split())
    query = clean_query(raw_query)
    result_type = ResultType.from_param(request.GET.get("type"))
    department = find_department(request.GET.get("department"))
    context = {
        "query": query,
        "result_type": result_type,
        "department": department,
        "was_truncated": len(raw_query) > MAX_QUERY_LENGTH,
        "max_query_length": MAX_QUERY_LENGTH,
        "outcome": None,
    }
    if query:
        outcome = search_site(
            user=request.user,
            query=query,
            result_type=result_type,
            department=department,
            page_number=request.GET.get("page"),
            request=request,
        )
        type_links, department_links = facet_links(outcome)
        for section in outcome.sections:
            section.url = search_url(query, section.kind, department)
        context.update(
            outcome=outcome,
            type_links=type_links,
            department_links=department_links,
            any_department_url=search_url(query, result_type),
            all_types_url=search_url(query, ResultType.ALL),
            # Page links keep the query and the facets; the pagination include adds `page`.
            querystring=search_url(query, result_type, department).split("?", 1)[1],
        )
    return TemplateResponse(request, "sitesearch/search.html", context)
