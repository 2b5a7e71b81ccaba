from collections import Counter

from django import forms
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from intranet.pagination import paginate
from organisation.forms import DepartmentFilterField

from ..metric_selectors import (
    metric_statuses,
    summaries_of,
    with_agreement,
    with_recent_sparklines,
)
from ..models import Metric, ProjectPage
from ..progress import Status

METRICS_PER_PAGE = 20


class MetricOverviewForm(forms.Form):
    department = DepartmentFilterField(label=_("Owned by"))
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any status")), *Status.choices], required=False
    )


@require_safe
def metrics_overview(request):
    """Every shared metric the viewer may see, across projects: where success stands."""
    form = MetricOverviewForm(request.GET or None)
    visible = ProjectPage.objects.live().visible_to(request.user).values("pk")
    metrics = Metric.objects.filter(project__in=visible).select_related("project")
    status = ""
    if form.is_valid():
        if form.cleaned_data["department"]:
            metrics = metrics.filter(owning_departments=form.cleaned_data["department"])
        status = form.cleaned_data["status"]
    elif form.is_bound:
        metrics = metrics.none()
    # The status is computed from check-ins, so it is counted and filtered in Python; only the
    # page shown is loaded as metrics.
    statuses = metric_statuses(metrics)
    counts = Counter(metric_status for _pk, metric_status in statuses)
    shown = [pk for pk, metric_status in statuses if not status or metric_status == status]
    page, querystring = paginate(request, shown, METRICS_PER_PAGE)
    page.object_list = with_recent_sparklines(
        with_agreement(summaries_of(metrics, page.object_list))
    )
    return TemplateResponse(
        request,
        "projects/metrics_overview.html",
        {
            "form": form,
            "page": page,
            "status_counts": [(Status(key), counts[key]) for key, _label in Status.choices],
            "querystring": querystring,
        },
    )
