"""Metrics as the pages show them: status, progress, sign-off state, pictures."""

from dataclasses import dataclass, field

from django.db.models import Prefetch

from .charts import ChartPoint, metric_chart, sparkline
from .models import CheckIn, Metric, MetricUnit
from .numbers import format_decimal
from .progress import Progress, metric_progress


@dataclass
class MetricSummary:
    metric: Metric
    progress: Progress
    latest: CheckIn | None
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


def summarise(metric):
    """Everything about one metric, from data already fetched (see metrics_with_history)."""
    check_ins = list(metric.check_ins.all())
    latest = check_ins[-1] if check_ins else None
    owners = list(metric.owning_departments.all())
    signed = {s.department_id for s in metric.sign_offs.all() if s.version == metric.version}
    progress = metric_progress(
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
    return MetricSummary(
        metric=metric,
        progress=progress,
        latest=latest,
        check_ins=check_ins,
        owners=owners,
        waiting_for=[department for department in owners if department.pk not in signed],
    )


def metrics_with_history(queryset):
    """Metrics with owners, sign-offs and check-ins in four queries, whatever their number."""
    return queryset.prefetch_related(
        "owning_departments",
        "sign_offs",
        Prefetch("check_ins", queryset=CheckIn.objects.order_by("day", "pk")),
    )


def project_metrics(project):
    summaries = [
        summarise(metric) for metric in metrics_with_history(Metric.objects.filter(project=project))
    ]
    for summary in summaries:
        with_sparkline(summary)
    return summaries


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
