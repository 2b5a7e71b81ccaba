"""The collaboration map page: which departments work together, and where silos remain."""

from django.template.response import TemplateResponse
from django.views.decorators.http import require_safe

from projects.collaboration import clean_period, collaboration_map


@require_safe
def collaboration_map_page(request):
    """Everyone logged in sees the same map: it counts only organisation-wide projects."""
    period = clean_period(request.GET.get("period"))
    return TemplateResponse(
        request,
        "organisation/collaboration_map.html",
        {"collaboration": collaboration_map(period)},
    )
