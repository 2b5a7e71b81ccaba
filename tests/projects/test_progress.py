"""The status rule, on hand-computed examples (see projects/progress.py)."""

import datetime
from decimal import Decimal

import pytest

from projects.progress import Status, metric_progress

START = datetime.date(2026, 1, 1)
END = datetime.date(2026, 12, 31)  # 364 days later
HALFWAY = START + datetime.timedelta(days=182)


def progress(value, *, day=HALFWAY, direction="increase", baseline=60, target=80, **bounds):
    return metric_progress(
        direction=direction,
        baseline_value=Decimal(baseline),
        baseline_date=START,
        target_value=Decimal(target),
        target_date=END,
        latest_value=None if value is None else Decimal(value),
        latest_day=day,
        **bounds,
    )


@pytest.mark.parametrize(
    ("value", "status", "percent"),
    [
        (70, Status.ON_TRACK, 50),  # exactly on the path
        (68, Status.ON_TRACK, 40),  # 10 points behind: still on track
        (67, Status.AT_RISK, 35),  # 15 points behind
        (65, Status.AT_RISK, 25),  # 25 points behind
        (64, Status.OFF_TRACK, 20),  # 30 points behind
        (55, Status.OFF_TRACK, -25),  # worse than the baseline
        (85, Status.ON_TRACK, 125),  # over-delivery shows above 100
    ],
)
def test_increasing_metric_halfway(value, status, percent):
    result = progress(value)
    assert result.status == status
    assert result.percent_to_target == percent
    assert result.expected_percent == 50


@pytest.mark.parametrize(
    ("value", "status", "percent"),
    [(30, Status.ON_TRACK, 50), (33, Status.AT_RISK, 35), (38, Status.OFF_TRACK, 10)],
)
def test_decreasing_metric_counts_falling_values_as_progress(value, status, percent):
    # Average handling time from 40 down to 20 minutes.
    result = progress(value, direction="decrease", baseline=40, target=20)
    assert (result.status, result.percent_to_target) == (status, percent)


def test_at_the_start_anything_not_worse_than_baseline_is_on_track():
    assert progress(60, day=START).status == Status.ON_TRACK


def test_after_the_target_date_the_full_distance_is_expected():
    late = END + datetime.timedelta(days=30)
    assert progress(75, day=late).status == Status.AT_RISK  # 75% of the way, 100% expected
    assert progress(80, day=late).status == Status.ON_TRACK


@pytest.mark.parametrize(
    ("value", "status"),
    [(95, Status.ON_TRACK), (90, Status.ON_TRACK), (89, Status.AT_RISK), (87, Status.OFF_TRACK)],
)
def test_range_metric(value, status):
    # Stay between 90 and 110: a tenth of the width (2) outside is at risk.
    result = progress(
        value, direction="range", lower=Decimal(90), upper=Decimal(110), baseline=95, target=100
    )
    assert result.status == status


def test_no_check_in_means_no_data():
    assert progress(None).status == Status.NO_DATA
    assert progress(None).label == "No check-ins yet"
