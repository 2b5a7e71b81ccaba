"""How a shared metric is doing: the rule behind "on track", "at risk" and "off track".

The rule (shown to people in the README):

* **Increase / decrease metrics** are judged against the straight path from the baseline
  (value and date) to the target (value and date). On the day of the latest check-in the path
  says how far along the team should be (`expected`, the share of the time elapsed); the latest
  value says how far along it is (`achieved`, the share of the distance from baseline to target
  covered — the same formula for both directions, so falling values count as progress when
  lower is better). The metric is **on track** when it is no more than 10 percentage points
  behind the path, **at risk** up to 25 points behind, and **off track** beyond that.
* **Range metrics** are on track inside [lower, upper], at risk when outside by at most a
  tenth of the range's width, and off track beyond.
* With no check-in yet the status is **no data**.

`percent_to_target` is `achieved` as a percentage, not capped above 100 (over-delivery shows).
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

ON_TRACK_SLACK = Decimal("0.10")
AT_RISK_SLACK = Decimal("0.25")
RANGE_SLACK = Decimal("0.10")


class Status(models.TextChoices):
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    OFF_TRACK = "off_track", _("Off track")
    NO_DATA = "no_data", _("No check-ins yet")


@dataclass(frozen=True)
class Progress:
    status: str
    percent_to_target: Decimal | None
    expected_percent: Decimal | None

    @property
    def label(self):
        return Status(self.status).label


def _share(part, whole):
    return Decimal(part) / Decimal(whole) if whole else Decimal(1)


def metric_progress(
    *,
    direction,
    baseline_value,
    baseline_date,
    target_value,
    target_date,
    latest_value=None,
    latest_day=None,
    lower=None,
    upper=None,
):
    if latest_value is None:
        return Progress(Status.NO_DATA, None, None)
    if direction == "range":
        return _range_progress(latest_value, lower, upper)

    distance = target_value - baseline_value
    achieved = _share(latest_value - baseline_value, distance)
    span_days = (target_date - baseline_date).days
    elapsed_days = min(max((latest_day - baseline_date).days, 0), max(span_days, 0))
    expected = _share(elapsed_days, span_days)
    behind = expected - achieved
    if behind <= ON_TRACK_SLACK:
        status = Status.ON_TRACK
    elif behind <= AT_RISK_SLACK:
        status = Status.AT_RISK
    else:
        status = Status.OFF_TRACK
    return Progress(
        status, (achieved * 100).quantize(Decimal("1")), (expected * 100).quantize(Decimal("1"))
    )


def _range_progress(value, lower, upper):
    if lower is None or upper is None:
        return Progress(Status.NO_DATA, None, None)
    if lower <= value <= upper:
        return Progress(Status.ON_TRACK, None, None)
    slack = (upper - lower) * RANGE_SLACK
    outside_by = lower - value if value < lower else value - upper
    return Progress(Status.AT_RISK if outside_by <= slack else Status.OFF_TRACK, None, None)
