from django import forms
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from intranet.pagination import paginate
from organisation.forms import DepartmentFilterField

from ..metric_selectors import summarise_statuses, with_agreement, with_recent_sparklines
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
    # The status is computed from check-ins, so it is filtered after summarising.
    summaries = summarise_statuses(metrics)
    counts = {choice: 0 for choice, _label in Status.choices}
    for summary in summaries:
        counts[summary.progress.status] += 1
    if status:
        summaries = [s for s in summaries if s.progress.status == status]
    page, querystring = paginate(request, summaries, METRICS_PER_PAGE)
    with_recent_sparklines(with_agreement(page.object_list))
    return TemplateResponse(
        request,
        "projects/metrics_overview.html",
        {
            "form": form,
            "page": page,
            "status_counts": [(Status(key), count) for key, count in counts.items()],
            "querystring": querystring,
        },
    )
