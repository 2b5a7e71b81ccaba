import csv

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.text import slugify
from django.utils.translation import gettext

from ..export import spreadsheet_safe
from ..forms import CheckInForm, MetricChangeForm, MetricForm
from ..metric_selectors import metric_picture, metrics_with_history, summarise
from ..metric_services import check_in, metric_define, metric_sign_off, metric_update
from ..models import GOALPOST_FIELDS, Metric
from ..services import ProjectActionError
from .common import apply_errors, post_only, report_refusal, require

EDITABLE = ("name", *GOALPOST_FIELDS)


def metric_url(request, project, metric):
    return f"{project.get_url(request)}metrics/{metric.pk}/"


def new_metric(request, project):
    require(request, "define_metric")
    form = MetricForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        try:
            metric = metric_define(
                project=project, author=request.project_access.person, **form.cleaned_data
            )
        except ProjectActionError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                gettext("Metric proposed. Each owning department now signs it off to agree."),
            )
            return HttpResponseRedirect(metric_url(request, project, metric))
    return TemplateResponse(
        request,
        "projects/metric_form.html",
        {"page": project, "form": form, "metric": None},
        status=400 if form.errors else 200,
    )


def _metric(project, metric_id):
    return get_object_or_404(
        metrics_with_history(Metric.objects.filter(project=project)), pk=metric_id
    )


def metric_detail(request, project, metric_id, check_in_form=None, status=200):
    metric = _metric(project, metric_id)
    summary = summarise(metric)
    access = request.project_access
    membership = access.membership
    can_sign = bool(
        membership and any(d.pk == membership.department_id for d in summary.waiting_for)
    )
    return TemplateResponse(
        request,
        "projects/metric_detail.html",
        {
            "page": project,
            "access": access,
            "summary": summary,
            "metric": metric,
            "chart": metric_picture(summary),
            "history": metric.changes.select_related("changed_by__user")[:50],
            "signers": metric.sign_offs.filter(version=metric.version).select_related(
                "person__user", "department"
            ),
            "can_sign": can_sign,
            "check_in_form": check_in_form or (CheckInForm() if access.can("check_in") else None),
            "check_ins": list(reversed(summary.check_ins)),
        },
        status=status,
    )


def edit_metric(request, project, metric_id):
    require(request, "define_metric")
    metric = _metric(project, metric_id)
    initial = {name: getattr(metric, name) for name in EDITABLE}
    initial["owning_departments"] = list(metric.owning_departments.all())
    form = MetricChangeForm(request.POST or None, project=project, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            metric_update(
                metric=metric,
                actor=request.project_access.person,
                reason=data.pop("reason"),
                owning_departments=data.pop("owning_departments"),
                **data,
            )
        except ProjectActionError as error:
            apply_errors(form, error)
        else:
            messages.success(request, gettext("Metric saved."))
            return HttpResponseRedirect(metric_url(request, project, metric))
    return TemplateResponse(
        request,
        "projects/metric_form.html",
        {"page": project, "form": form, "metric": metric},
        status=400 if form.errors else 200,
    )


def sign_off(request, project, metric_id):
    if refused := post_only(request):
        return refused
    require(request, "check_in")
    metric = _metric(project, metric_id)
    try:
        metric_sign_off(metric=metric, person=request.project_access.person)
    except ProjectActionError as error:
        report_refusal(request, error)
    else:
        messages.success(request, gettext("Thank you: your department agrees to this metric."))
    return HttpResponseRedirect(metric_url(request, project, metric))


def add_check_in(request, project, metric_id):
    if refused := post_only(request):
        return refused
    require(request, "check_in")
    metric = _metric(project, metric_id)
    form = CheckInForm(request.POST)
    if form.is_valid():
        try:
            check_in(metric=metric, author=request.project_access.person, **form.cleaned_data)
        except ProjectActionError as error:
            apply_errors(form, error)
        else:
            messages.success(request, gettext("Check-in saved."))
            return HttpResponseRedirect(metric_url(request, project, metric))
    return metric_detail(request, project, metric_id, check_in_form=form, status=400)


def export_csv(request, project):
    """Every metric and check-in of the project, for members to take with them."""
    metrics = metrics_with_history(Metric.objects.filter(project=project))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"{slugify(project.title) or 'project'}-metrics.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(
        [
            "metric", "unit", "direction", "baseline", "baseline_date", "target",
            "target_date", "agreed", "date", "value", "confidence", "note",
        ]
    )  # fmt: skip
    for metric in metrics:
        base = [
            metric.name, metric.get_unit_display(), metric.direction, metric.baseline_value,
            metric.baseline_date, metric.target_value, metric.target_date,
            "yes" if metric.is_agreed else "no",
        ]  # fmt: skip
        rows = list(metric.check_ins.all()) or [None]
        for entry in rows:
            row = [*base, "", "", "", ""] if entry is None else [
                *base, entry.day, entry.value, entry.confidence, entry.note
            ]  # fmt: skip
            writer.writerow([spreadsheet_safe(cell) for cell in row])
    return response
