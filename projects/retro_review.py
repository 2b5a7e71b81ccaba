"""Reading retrospectives: the opening review, carried-over actions, the project page's panel.

The opening review looks back to "since": the previous retrospective (any phase, held earlier)
of any of the retrospective's projects, else the projects' start, at most REVIEW_DAYS back.
Every function here reads in a fixed number of queries, however many actions, wins and
metrics there are: values before and after come from subqueries, not from a loop.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from .metric_selectors import unit_label
from .models import (
    CheckIn,
    Commitment,
    Direction,
    Metric,
    ProjectPage,
    RetroPhase,
    Retrospective,
    Win,
)
from .win_selectors import decorate, wins_for_cards

# Without an earlier retrospective, the review looks back to the projects' start, but no
# further than this: a first retrospective is about the recent past, not the whole project.
REVIEW_DAYS = 90
REVIEW_WINS_SHOWN = 6


@dataclass
class MetricMovement:
    """ "First-contact resolution 61 % → 72 %" between two moments, and whether it helped.

    Shaped like win_selectors.CheckInChange (metric_name, before, after, unit), so the wins'
    check-in include renders it too.
    """

    metric: Metric
    before: Decimal
    after: Decimal | None
    unit: str
    # False when no check-in came after the "before" moment: the value has not been measured.
    measured_since: bool = True

    @property
    def metric_name(self):
        return self.metric.name

    @property
    def trend(self):
        """ "better", "worse", "same", or "changed" (a range metric has no better side)."""
        if self.after is None or self.after == self.before:
            return "same"
        if self.metric.direction == Direction.RANGE:
            return "changed"
        went_up = self.after > self.before
        return "better" if went_up == (self.metric.direction == Direction.INCREASE) else "worse"


def _value_on_or_before(day):
    """The metric's value on `day` (a date or an expression): the latest check-in on or
    before it, else the baseline. For Metric querysets (OuterRef "pk")."""
    return _value_subquery("pk", day, baseline="baseline_value")


def _value_subquery(metric_ref, day, *, baseline):
    latest_then = CheckIn.objects.filter(metric=OuterRef(metric_ref), day__lte=day).order_by(
        "-day", "-pk"
    )
    return Coalesce(Subquery(latest_then.values("value")[:1]), F(baseline))


def _latest(metric_ref, field):
    latest = CheckIn.objects.filter(metric=OuterRef(metric_ref)).order_by("-day", "-pk")
    return Subquery(latest.values(field)[:1])


def _visible_projects(retro, user):
    projects = ProjectPage.objects.filter(retrospectives=retro)
    return projects if user is None else projects.visible_to(user)


def earlier_retrospectives(retro, project_ids):
    """Retrospectives of any of these projects held before this one (same day: created
    before it), in any phase."""
    return (
        Retrospective.objects.filter(projects__in=project_ids)
        .exclude(pk=retro.pk)
        .filter(Q(held_on__lt=retro.held_on) | Q(held_on=retro.held_on, pk__lt=retro.pk))
    )


def review_since(retro, projects):
    """(the date the review looks back to, the previous retrospective or None).

    `projects`: [(pk, start_date), ...] of the retrospective's projects.
    """
    previous = (
        earlier_retrospectives(retro, [pk for pk, _start in projects])
        .order_by("-held_on", "-pk")
        .only("pk", "title", "held_on", "phase")
        .first()
    )
    if previous is not None:
        return previous.held_on, previous
    earliest = retro.held_on - datetime.timedelta(days=REVIEW_DAYS)
    starts = [start for _pk, start in projects if start is not None]
    return max([earliest, min(starts)] if starts else [earliest]), None


def _actions_with_movement(actions):
    """Actions with everything the review shows, and `.movement` of the metric they were
    linked to: its value when the action was agreed → its latest check-in."""
    actions = list(
        actions.select_related(
            "owner__user", "owner__department", "retrospective", "metric", "project"
        )
        .annotate(created_day=TruncDate("created_at"))
        .annotate(
            metric_then=_value_subquery(
                "metric_id", OuterRef("created_day"), baseline="metric__baseline_value"
            ),
            metric_now=_latest("metric_id", "value"),
            metric_now_day=_latest("metric_id", "day"),
        )
        .order_by("due_date", "pk")
    )
    for action in actions:
        action.movement = None
        if action.metric is not None:
            action.movement = MetricMovement(
                metric=action.metric,
                before=action.metric_then,
                after=action.metric_now,
                unit=unit_label(action.metric),
                measured_since=(
                    action.metric_now_day is not None and action.metric_now_day > action.created_day
                ),
            )
    return actions


def _earlier_actions(retro, project_ids):
    """Action items of these projects decided in earlier retrospectives."""
    earlier = earlier_retrospectives(retro, project_ids).values("pk")
    return Commitment.objects.filter(project__in=project_ids, retrospective__in=earlier)


def carried_over_actions(retro, *, user=None):
    """The open action items from earlier retrospectives of this one's projects, with the
    movement of the metric each should move. The board shows them in every phase, so teams
    that skip the opening review still see what they promised last time.

    `user`: keep only actions of projects this user may see (None: all of them).
    """
    project_ids = _visible_projects(retro, user).values("pk")
    return _actions_with_movement(_earlier_actions(retro, project_ids).open())


def _metric_movements(project_ids, since):
    """Each agreed metric of these projects: its value on `since` → its latest check-in."""
    metrics = (
        Metric.objects.filter(project__in=project_ids, agreed_at__isnull=False)
        .select_related("project")
        .annotate(
            value_then=_value_on_or_before(since),
            value_now=_latest("pk", "value"),
            value_now_day=_latest("pk", "day"),
        )
        .order_by("project__title", "created_at", "pk")
    )
    return [
        MetricMovement(
            metric=metric,
            before=metric.value_then,
            after=metric.value_now,
            unit=unit_label(metric),
            measured_since=metric.value_now_day is not None and metric.value_now_day > since,
        )
        for metric in metrics
    ]


def _wins_since(project_ids, since, user):
    in_projects = Win.projects.through.objects.filter(projectpage_id__in=project_ids)
    wins = Win.objects.visible_to(user).filter(pk__in=in_projects.values("win_id"), day__gt=since)
    shown = wins_for_cards(wins).newest_first()[:REVIEW_WINS_SHOWN]
    viewer = getattr(user, "person", None)
    return decorate(shown, user=user, viewer=viewer), wins.count()


def review_context(retro, access):
    """The opening review: open actions from earlier retrospectives with the movement of the
    metrics they were linked to, actions delivered since, and wins and metric movement since
    the last retrospective. Only what the viewer may see of the retrospective's projects."""
    user = access.user
    projects = list(_visible_projects(retro, user).values_list("pk", "start_date"))
    project_ids = [pk for pk, _start in projects]
    since, previous = review_since(retro, projects)
    earlier_actions = _earlier_actions(retro, project_ids)
    wins, win_count = _wins_since(project_ids, since, user)
    return {
        "review_since": since,
        "previous_retro": previous,
        "carried_over": _actions_with_movement(earlier_actions.open()),
        "delivered_since": _actions_with_movement(earlier_actions.filter(delivered_on__gt=since)),
        "review_wins": wins,
        "review_win_count": win_count,
        "metric_movements": _metric_movements(project_ids, since),
        "today": timezone.localdate(),
    }


def project_retros_context(project, access):
    """Context for templates/projects/includes/retros_panel.html on the project page: the
    retrospective under way or next (else the latest), open actions from retrospectives,
    and whether the viewer may start one."""
    retros = Retrospective.objects.for_project(project).select_related("facilitator__user")
    current = retros.open().order_by("held_on", "pk").first()
    latest_closed = (
        None if current else retros.filter(phase=RetroPhase.CLOSED).order_by("-held_on").first()
    )
    actions = Commitment.objects.filter(project=project, retrospective__isnull=False).aggregate(
        open=Count("pk", filter=Q(delivered_on__isnull=True)),
        overdue=Count("pk", filter=Q(delivered_on__isnull=True, due_date__lt=timezone.localdate())),
    )
    return {
        "current_retro": current,
        "latest_closed_retro": latest_closed,
        "retro_count": retros.count(),
        "open_retro_actions": actions["open"],
        "overdue_retro_actions": actions["overdue"],
        "can_start_retro": access.can("start_retro"),
    }
