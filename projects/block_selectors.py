"""What the live blocks of intranet pages show (projects.blocks), read for one viewer.

Every function takes the viewer's user and returns only what that user may see: a
members-only project, its wins, metrics, retrospectives and promises stay out for anyone
outside it. Each runs a fixed number of queries, however much data there is.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Prefetch
from django.utils import timezone

from organisation.models import Person

from .metric_selectors import metric_picture, metrics_with_history, summarise
from .models import Commitment, Membership, Metric, ProjectPage, Retrospective, Win, WinCredit
from .selectors import departments_by_project
from .update_selectors import commitment_promises
from .win_selectors import decorate, wins_for_cards

# Retrospectives still open this long after their date count as "going on"; older ones are
# forgotten boards nobody will come back to, so they do not clutter the block.
RETRO_STILL_GOING_DAYS = 14
SPOTLIGHT_WINDOW_DAYS = 90


def can_see_anything(user):
    """Blocks render for logged-in people; without one (e.g. an indexing run) they show nothing."""
    return user is not None and user.is_authenticated


def visible_projects(user):
    return ProjectPage.objects.live().visible_to(user)


def involving(department):
    """Project ids with a member from the department (a subquery, not a join: no duplicates)."""
    return Membership.objects.filter(department=department).values("project")


def project_cards(user, *, chosen_ids=(), department=None, status="", limit=6):
    """Project cards: the chosen projects in the editor's order, or the newest matching the
    filters. Each card's departments are attached as `listed_departments`. Three queries."""
    if not can_see_anything(user):
        return []
    projects = visible_projects(user).with_department_count().select_related("cover_image")
    if chosen_ids:
        found = projects.in_bulk(list(chosen_ids))
        cards = [found[pk] for pk in dict.fromkeys(chosen_ids) if pk in found][:limit]
    else:
        if department is not None:
            projects = projects.filter(pk__in=involving(department))
        if status:
            projects = projects.filter(status=status)
        cards = list(projects.order_by("-latest_revision_created_at", "-pk")[:limit])
    departments = departments_by_project([project.pk for project in cards])
    for project in cards:
        project.listed_departments = departments.get(project.pk, [])
    return cards


def latest_wins(user, *, department=None, limit=6):
    """The newest wins the viewer may see, decorated for win cards."""
    if not can_see_anything(user):
        return []
    wins = Win.objects.visible_to(user)
    if department is not None:
        wins = wins.crediting_department(department)
    newest = wins_for_cards(wins).newest_first()[:limit]
    return decorate(newest, user=user, viewer=getattr(user, "person", None))


@dataclass
class MetricPicture:
    metric: Metric
    project: ProjectPage
    summary: object
    chart: dict


def metric_picture_for(user, metric_id, *, chart_id=None):
    """The metric's chart as its detail page draws it, or None when the viewer may not see its
    project (or it is gone): the caller then shows nothing about it, not even its name."""
    if not can_see_anything(user) or metric_id is None:
        return None
    metric = (
        metrics_with_history(Metric.objects.filter(project__in=visible_projects(user)))
        .select_related("project")
        .filter(pk=metric_id)
        .first()
    )
    if metric is None:
        return None
    summary = summarise(metric)
    chart = metric_picture(summary)
    if chart_id:
        chart = {**chart, **_chart_ids(chart_id)}
    return MetricPicture(metric=metric, project=metric.project, summary=summary, chart=chart)


def _chart_ids(chart_id):
    # The detail page's ids are "metric-<pk>"; a block gets its own so it never clashes.
    return {"chart_id": chart_id, "title_id": f"{chart_id}-title", "desc_id": f"{chart_id}-desc"}


def upcoming_retrospectives(user, *, department=None, limit=5, today=None):
    """Open retrospectives held from two weeks ago onwards, soonest first, with the projects
    the viewer may see (`shown_projects`). Two queries."""
    if not can_see_anything(user):
        return []
    today = today or timezone.localdate()
    retros = (
        Retrospective.objects.visible_to(user)
        .open()
        .filter(held_on__gte=today - datetime.timedelta(days=RETRO_STILL_GOING_DAYS))
    )
    if department is not None:
        retros = retros.filter(projects__in=involving(department)).distinct()
    shown = visible_projects(user).only("id", "title", "slug", "url_path", "path", "depth")
    retros = retros.prefetch_related(
        Prefetch("projects", queryset=shown.order_by("title"), to_attr="shown_projects")
    ).order_by("held_on", "pk")[:limit]
    return list(retros)


def promise_record(user, *, department=None):
    """How well promises were kept in the projects the viewer may see; for a department, the
    promises its people own. One query."""
    commitments = Commitment.objects.none()
    if can_see_anything(user):
        commitments = Commitment.objects.filter(project__in=visible_projects(user).values("pk"))
        if department is not None:
            commitments = commitments.filter(owner__department=department)
    return commitment_promises(commitments)


@dataclass
class Spotlight:
    person: Person
    why: str = ""
    win_count: int = 0


def chosen_spotlight(user, choices):
    """[(person id, why), ...] the editor chose, as Spotlights in that order; people who left
    (inactive) are skipped. Two queries (people, their photos)."""
    if not can_see_anything(user) or not choices:
        return []
    people = Person.objects.active().for_listing().in_bulk([pk for pk, _why in choices])
    return [Spotlight(person=people[pk], why=why) for pk, why in choices if pk in people]


def most_credited(user, *, limit=4, today=None, days=SPOTLIGHT_WINDOW_DAYS):
    """The people most credited in visible wins of the last `days`, one per department so the
    spotlight spans the organisation, most credited first. Three queries."""
    if not can_see_anything(user):
        return []
    since = (today or timezone.localdate()) - datetime.timedelta(days=days)
    recent = Win.objects.visible_to(user).filter(day__gte=since)
    counts = (
        WinCredit.objects.filter(win__in=recent.values("pk"), person__user__is_active=True)
        .values("person_id", "person__department_id")
        .annotate(wins=Count("win", distinct=True))
        .order_by("-wins", "person_id")
    )
    best_per_department = {}
    for row in counts:
        best_per_department.setdefault(row["person__department_id"], row)
    top = list(best_per_department.values())[:limit]
    people = Person.objects.for_listing().in_bulk([row["person_id"] for row in top])
    return [Spotlight(person=people[row["person_id"]], win_count=row["wins"]) for row in top]
