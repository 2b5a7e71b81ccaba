from django.core.paginator import Paginator


def paginate(request, items, per_page):
    """The requested page of `items`, and the query string its page links keep (no `page`)."""
    query = request.GET.copy()
    query.pop("page", None)
    return Paginator(items, per_page).get_page(request.GET.get("page")), query.urlencode()
