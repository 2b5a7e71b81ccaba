"""Listing pages summarise metrics from their latest check-in and draw recent sparklines."""

import datetime
from decimal import Decimal

import pytest

from projects.metric_selectors import (
    SPARKLINE_CHECK_INS,
    metric_statuses,
    metrics_with_history,
    project_metrics,
    summaries_of,
    summarise,
    summarise_statuses,
    with_agreement,
    with_recent_sparklines,
)
from projects.models import CheckIn, Metric

pytestmark = pytest.mark.django_db


def check_in_daily(metric, author, values, *, last_day):
    first_day = last_day - datetime.timedelta(days=len(values) - 1)
    CheckIn.objects.bulk_create(
        CheckIn(
            metric=metric,
            day=first_day + datetime.timedelta(days=n),
            value=Decimal(value),
            author=author,
        )
        for n, value in enumerate(values)
    )


@pytest.fixture
def histories(metric, lead):
    """The metric with a long history ending at risk, a second one on track, a third
    with no check-in."""
    today = metric.target_date - datetime.timedelta(days=45)
    check_in_daily(
        metric, lead, [60 + n % 7 for n in range(SPARKLINE_CHECK_INS + 40)], last_day=today
    )
    second = Metric.objects.get(pk=metric.pk)
    second.pk = None
    second.name = "Second"
    second.save()
    second.owning_departments.set(metric.owning_departments.all())
    check_in_daily(second, lead, [95, 99], last_day=today)
    empty = Metric.objects.get(pk=metric.pk)
    empty.pk = None
    empty.name = "Empty"
    empty.save()
    return Metric.objects.filter(pk__in=[metric.pk, second.pk, empty.pk])


def test_statuses_from_the_latest_check_in_equal_those_from_the_whole_history(histories):
    by_history = {m.name: summarise(m) for m in metrics_with_history(histories)}
    by_latest = {s.metric.name: s for s in with_agreement(summarise_statuses(histories))}
    assert by_latest.keys() == by_history.keys()
    for name, full in by_history.items():
        quick = by_latest[name]
        assert quick.progress == full.progress, name
        assert [o.pk for o in quick.owners] == [o.pk for o in full.owners]
        assert quick.waiting_for == full.waiting_for
        if full.latest is None:
            assert quick.latest is None
        else:
            assert (quick.latest.pk, quick.latest.day, quick.latest.value) == (
                full.latest.pk,
                full.latest.day,
                full.latest.value,
            )


def test_statuses_without_loading_metrics_equal_the_summaries(histories, django_assert_num_queries):
    with django_assert_num_queries(1):
        statuses = metric_statuses(histories.order_by("name"))
    summaries = summarise_statuses(histories.order_by("name"))

    assert statuses == [(s.metric.pk, s.progress.status) for s in summaries]
    assert {status for _pk, status in statuses} == {"at_risk", "on_track", "no_data"}


def test_summaries_of_some_metrics_keep_the_order_asked_for(histories):
    wanted = list(histories.order_by("-name").values_list("pk", flat=True))[:2]

    assert [s.metric.pk for s in summaries_of(histories, wanted)] == wanted
    assert summaries_of(histories, []) == []


def test_statuses_take_one_query_and_agreement_two_however_many_metrics(
    histories, django_assert_num_queries
):
    with django_assert_num_queries(1):
        summaries = summarise_statuses(histories)
    with django_assert_num_queries(2):
        with_agreement(summaries)


def test_sparklines_draw_the_latest_check_ins_oldest_first(histories, django_assert_num_queries):
    summaries = summarise_statuses(histories)
    with django_assert_num_queries(1):
        with_recent_sparklines(summaries)
    longest = next(s for s in summaries if len(s.check_ins) > 2)
    everything = list(CheckIn.objects.filter(metric=longest.metric).order_by("day"))
    assert [c.pk for c in longest.check_ins] == [c.pk for c in everything[-SPARKLINE_CHECK_INS:]]
    assert all(s.sparkline for s in summaries)


def test_project_metrics_bound_each_sparkline(histories, joint_project):
    summaries = {s.metric.name: s for s in project_metrics(joint_project)}
    assert len(summaries["Second"].check_ins) == 2
    assert max(len(s.check_ins) for s in summaries.values()) == SPARKLINE_CHECK_INS
    full = {m.name: summarise(m) for m in metrics_with_history(histories)}
    assert {name: s.progress for name, s in summaries.items()} == {
        name: s.progress for name, s in full.items()
    }
