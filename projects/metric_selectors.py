"""Metrics as the pages show them: status, progress, sign-off state, pictures."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

from django.db.models import OuterRef, Prefetch, Subquery, prefetch_related_objects

from .charts import ChartPoint, metric_chart, sparkline
from .models import CheckIn, Metric, MetricUnit
from .numbers import format_decimal
from .progress import Progress, metric_progress


@dataclass
class MetricSummary:
    metric: Metric
    progress: Progress
    latest: CheckIn | None  # a LatestCheckIn from summarise_statuses
    check_ins: list = field(default_factory=list)
    owners: list = field(default_factory=list)
    waiting_for: list = field(default_factory=list)

    @property
    def is_agreed(self):
        return self.metric.is_agreed


def unit_label(metric):
    if metric.unit == MetricUnit.PERCENT:
        return "%"
    return metric.unit_detail


# Listing pages draw a sparkline of the latest check-ins only: a metric checked in daily for
# years would otherwise load its whole history for a picture a few hundred pixels wide.
SPARKLINE_CHECK_INS = 60


def summarise(metric, check_ins=None):
    """Everything about one metric, from data already fetched: `check_ins` oldest first,
    by default its whole prefetched history (see metrics_with_history)."""
    check_ins = list(metric.check_ins.all()) if check_ins is None else check_ins
    latest = check_ins[-1] if check_ins else None
    summary = MetricSummary(
        metric=metric, progress=_progress(metric, latest), latest=latest, check_ins=check_ins
    )
    return _with_agreement(summary)


def _progress(metric, latest):
    return metric_progress(
        direction=metric.direction,
        baseline_value=metric.baseline_value,
        baseline_date=metric.baseline_date,
        target_value=metric.target_value,
        target_date=metric.target_date,
        latest_value=latest.value if latest else None,
        latest_day=latest.day if latest else None,
        lower=metric.lower_bound,
        upper=metric.upper_bound,
    )


def _with_agreement(summary):
    """The owning departments and those whose sign-off of this version is missing, from the
    metric's prefetched owners and sign-offs."""
    metric = summary.metric
    summary.owners = list(metric.owning_departments.all())
    signed = {s.department_id for s in metric.sign_offs.all() if s.version == metric.version}
    summary.waiting_for = [owner for owner in summary.owners if owner.pk not in signed]
    return summary


def metrics_with_history(queryset):
    """Metrics with owners, sign-offs and check-ins in four queries, whatever their number."""
    return queryset.prefetch_related(
        "owning_departments",
        "sign_offs",
        Prefetch("check_ins", queryset=CheckIn.objects.order_by("day", "pk")),
    )


@dataclass(frozen=True)
class LatestCheckIn:
    """A metric's latest check-in as far as its status needs it. Lighter than a CheckIn:
    the metrics overview summarises every metric in the organisation."""

    pk: int
    day: date
    value: Decimal


def _latest_check_in():
    """A metric's latest check-in, for a subquery on metrics."""
    return CheckIn.objects.filter(metric=OuterRef("pk")).order_by("-day", "-pk")


# The metric's columns a status is computed from: those _progress reads.
STATUS_FIELDS = (
    "direction",
    "baseline_value",
    "baseline_date",
    "target_value",
    "target_date",
    "lower_bound",
    "upper_bound",
)


def metric_statuses(queryset):
    """[(metric pk, status)] for every metric in `queryset`, in its order, from each one's
    latest check-in. One query reading only the columns a status needs, no model objects: the
    overviews count and filter thousands of metrics, and load only the few they show
    (summaries_of)."""
    newest = _latest_check_in()
    rows = queryset.annotate(
        latest_day=Subquery(newest.values("day")[:1]),
        latest_value=Subquery(newest.values("value")[:1]),
    ).values("pk", *STATUS_FIELDS, "latest_day", "latest_value")
    statuses = []
    for row in rows:
        # The row stands in for the metric and its latest check-in: _progress reads only these.
        latest = None
        if row["latest_day"] is not None:
            latest = SimpleNamespace(day=row["latest_day"], value=row["latest_value"])
        statuses.append((row["pk"], _progress(SimpleNamespace(**row), latest).status))
    return statuses


def summaries_of(queryset, pks):
    """summarise_statuses() of the metrics of `queryset` with these pks, in the pks' order."""
    position = {pk: index for index, pk in enumerate(pks)}
    summaries = summarise_statuses(queryset.filter(pk__in=pks))
    summaries.sort(key=lambda summary: position[summary.metric.pk])
    return summaries


def summarise_statuses(queryset):
    """Summaries of every metric in `queryset` from its latest check-in only, which is all a
    status needs: one query however long the histories (the latest check-in is one probe of
    the (metric, day) index per metric). `check_ins` holds just that latest one; owners and
    sign-offs are left to with_agreement(), for the summaries a page shows."""
    latest = _latest_check_in()
    metrics = queryset.annotate(
        latest_pk=Subquery(latest.values("pk")[:1]),
        latest_day=Subquery(latest.values("day")[:1]),
        latest_value=Subquery(latest.values("value")[:1]),
    )
    summaries = []
    for metric in metrics:
        check_in = None
        if metric.latest_pk is not None:
            check_in = LatestCheckIn(metric.latest_pk, metric.latest_day, metric.latest_value)
        summaries.append(
            MetricSummary(
                metric=metric,
                progress=_progress(metric, check_in),
                latest=check_in,
                check_ins=[check_in] if check_in else [],
            )
        )
    return summaries


def with_agreement(summaries):
    """The summaries with their owners and missing sign-offs, in two queries for all."""
    prefetch_related_objects(
        [summary.metric for summary in summaries], "owning_departments", "sign_offs"
    )
    for summary in summaries:
        _with_agreement(summary)
    return summaries


def with_recent_sparklines(summaries):
    """The summaries with sparklines of their latest SPARKLINE_CHECK_INS check-ins, in one
    query for all of them."""
    prefetch_related_objects([summary.metric for summary in summaries], _recent_check_ins())
    for summary in summaries:
        summary.check_ins = summary.metric.recent_check_ins[::-1]
        with_sparkline(summary)
    return summaries


def _recent_check_ins():
    """Each metric's latest SPARKLINE_CHECK_INS check-ins, newest first, as `recent_check_ins`."""
    recent = CheckIn.objects.order_by("-day", "-pk")[:SPARKLINE_CHECK_INS]
    return Prefetch("check_ins", queryset=recent, to_attr="recent_check_ins")


def project_metrics(project):
    """The project's metrics with status and sparkline, in four queries."""
    metrics = Metric.objects.filter(project=project).prefetch_related(
        "owning_departments", "sign_offs", _recent_check_ins()
    )
    return [with_sparkline(summarise(metric, metric.recent_check_ins[::-1])) for metric in metrics]


def with_sparkline(summary):
    metric = summary.metric
    summary.sparkline = sparkline(
        points=chart_points(summary),
        baseline=ChartPoint(metric.baseline_date, metric.baseline_value),
        target=ChartPoint(metric.target_date, metric.target_value),
        unit_label=unit_label(metric),
        value_format=format_decimal,
    )
    return summary


def chart_points(summary):
    return [ChartPoint(c.day, c.value, c.confidence) for c in summary.check_ins]


def metric_picture(summary):
    metric = summary.metric
    return metric_chart(
        title=metric.name,
        unit_label=unit_label(metric),
        baseline=ChartPoint(metric.baseline_date, metric.baseline_value),
        target=ChartPoint(metric.target_date, metric.target_value),
        points=chart_points(summary),
        stretch=metric.stretch_value,
        lower=metric.lower_bound,
        upper=metric.upper_bound,
        value_format=format_decimal,
        chart_id=f"metric-{metric.pk}",
    )
