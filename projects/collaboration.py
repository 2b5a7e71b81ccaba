"""The collaboration map: which departments work together, and where silos remain.

`collaboration_map(period)` answers, for every pair of departments over a period, how many
shared active projects, shared wins and co-owned metrics they have, and sums that up in a
silo index for the organisation and for each department.

Decisions, so the numbers can be explained on the page ("How we compute this"):

Visibility
    Only projects open to the whole organisation (Visibility.ORGANISATION, live) count, and
    only wins shown in at least one of them (what `Win.objects.visible_to` shows any
    logged-in person who belongs to no project). So one cached result serves everyone and
    no members-only collaboration leaks into a picture everyone sees.

Periods
    "90d" (last 90 days), "12m" (last 365 days, the default) and "all" (all time). An unknown
    value falls back to the default (see `clean_period`).

A shared active project in a period [start, end]
    A counted project with members representing both departments that was running then:
    it is not proposed, it had started by the end (start date, or the first publication
    when no start date is set), and it is either active now, or paused / completed no
    earlier than the start (its page was last published, which is when it was paused or
    completed, on or after the start). "All time" has no start.

A shared win
    A counted win dated in the period crediting people of both departments (each credit
    keeps the department the person represented).

A co-owned metric
    A metric owned by both departments, in a project running in the period, defined before
    the period ended.

Score of a pair (the heat map's colour)
    projects x 3 + co-owned metrics x 2 + wins. Two departments collaborate when it is above 0.

Silo index
    Weighted by n, the active people in each department (departments with nobody are left
    out). Organisation: the sum of n_i x n_j over pairs that do not collaborate, divided by
    the sum of n_i x n_j over all pairs: 0% when everyone works with everyone, 100% when no
    two departments do. Department d: the people in departments d does not collaborate with,
    divided by the people in all other departments.

Trend
    The organisation's index for the last TREND_POINTS periods of the chosen length, newest
    last; for "all time", the cumulative index at the end of each of the last TREND_POINTS
    quarters (QUARTER_DAYS days).

Suggested partner (departments with people and no partner in the period)
    As `department_selectors.suggested_partner`, from the same aggregates: the department
    most of its partners (over all counted projects, any status, any time) work with;
    otherwise the department in the most joint projects.

Cost and cache
    Four aggregate queries whatever the number of departments, projects, wins or metrics
    (departments with their people; one pair query each for projects, wins and metrics,
    every period of the trend counted at once by conditional sums). A pair query first
    reduces its links to distinct (item, department) rows, once, in a common table
    expression, and pairs those with themselves; counted wins and joint projects are
    uncorrelated subqueries the database works out once, not once per row. The raw
    aggregates are cached for CACHE_SECONDS under a key holding the period, the day and a
    version token that signals on memberships, projects, wins, credits, metrics, people and
    departments replace; the time limit catches writes that send no signal (bulk inserts,
    updates).
"""

from __future__ import annotations

import copy
import datetime
import math
import uuid
from dataclasses import dataclass, field
from functools import cached_property

from django.core.cache import cache
from django.db import connection
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, ngettext

from organisation.models import Department, Person

from .charts import month_label
from .models import (
    Membership,
    Metric,
    ProjectPage,
    ProjectStatus,
    Visibility,
    Win,
    WinCredit,
    joint_minimum,
)

PERIOD_90_DAYS = "90d"
PERIOD_12_MONTHS = "12m"
PERIOD_ALL_TIME = "all"
DEFAULT_PERIOD = PERIOD_12_MONTHS
# value -> (label, length in days; None: all time)
PERIODS = {
    PERIOD_90_DAYS: (gettext_lazy("Last 90 days"), 90),
    PERIOD_12_MONTHS: (gettext_lazy("Last 12 months"), 365),
    PERIOD_ALL_TIME: (gettext_lazy("All time"), None),
}
TREND_POINTS = 6
QUARTER_DAYS = 91

PROJECT_WEIGHT = 3
METRIC_WEIGHT = 2
WIN_WEIGHT = 1

CACHE_SECONDS = 10 * 60
CACHE_PREFIX = "collaboration-map"
VERSION_KEY = f"{CACHE_PREFIX}:version"


def period_choices():
    """[(value, label), ...] for the period selector."""
    return [(value, label) for value, (label, _days) in PERIODS.items()]


def clean_period(value):
    """The period asked for, or the default for anything unknown (a bad link is no error)."""
    return value if value in PERIODS else DEFAULT_PERIOD


# ---------------------------------------------------------------------------------------
# Periods
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    """The days [start, end], both included; start None means from the beginning."""

    start: datetime.date | None
    end: datetime.date


def trend_windows(period, today):
    """The periods of the trend, the chosen one (ending today) first, then older ones."""
    days = PERIODS[period][1]
    if days is None:
        return [
            Window(None, today - datetime.timedelta(days=QUARTER_DAYS * back))
            for back in range(TREND_POINTS)
        ]
    windows = []
    for back in range(TREND_POINTS):
        end = today - datetime.timedelta(days=days * back)
        windows.append(Window(end - datetime.timedelta(days=days - 1), end))
    return windows


def _start_of(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _end_of(day):
    return _start_of(day + datetime.timedelta(days=1))


def project_running(window, prefix=""):
    """Q: the project (reached through `prefix`) was running at some time in `window`."""
    started = Q(**{f"{prefix}start_date__lte": window.end}) | Q(
        **{
            f"{prefix}start_date__isnull": True,
            f"{prefix}first_published_at__lt": _end_of(window.end),
        }
    )
    running = Q(**{f"{prefix}status": ProjectStatus.ACTIVE})
    if window.start is not None:
        running |= Q(
            **{
                f"{prefix}status__in": [ProjectStatus.PAUSED, ProjectStatus.COMPLETED],
                f"{prefix}last_published_at__gte": _start_of(window.start),
            }
        )
    else:
        running |= Q(**{f"{prefix}status__in": [ProjectStatus.PAUSED, ProjectStatus.COMPLETED]})
    return started & running


def _flag(condition):
    return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())


# ---------------------------------------------------------------------------------------
# Aggregate queries
# ---------------------------------------------------------------------------------------


def counted_projects():
    """Projects the map counts: live and open to the whole organisation."""
    return ProjectPage.objects.live().filter(visibility=Visibility.ORGANISATION)


def _counted_win_ids():
    """The ids of wins shown in at least one counted project (uncorrelated: run once)."""
    return Win.projects.through.objects.filter(
        projectpage__in=counted_projects().values("pk")
    ).values("win_id")


def counted_wins():
    """Wins shown in at least one counted project: what everyone logged in may see."""
    return Win.objects.filter(pk__in=_counted_win_ids())


def _pair_sums(links, flagged, columns):
    """{(department_a, department_b): [sum per column]} for pairs with a < b, one query.

    `links` gives (item, dept) rows, e.g. a project and a department its members represent;
    `flagged` gives one row per item with an integer per column. Each item is counted once
    per pair of its departments: the links are made distinct first, in a common table
    expression read twice, so five members from one department do not count five times and
    the self-join pairs a few narrow rows per item, never every member with every other.
    """
    qn = connection.ops.quote_name
    links_sql, links_params = links.order_by().distinct().query.sql_with_params()
    flagged_sql, flagged_params = flagged.order_by().query.sql_with_params()
    table, item, department = qn("collaboration_links"), qn("item"), qn("dept")
    sums = ", ".join(f"SUM(f.{qn(column)})" for column in columns)
    # Only quoted names and SQL compiled by Django go in; every value travels as a parameter.
    sql = " ".join(
        [
            f"WITH {table} AS ({links_sql})",
            f"SELECT a.{department}, b.{department}, {sums}",
            f"FROM {table} a INNER JOIN {table} b",
            f"ON a.{item} = b.{item} AND a.{department} < b.{department}",
            f"INNER JOIN ({flagged_sql}) f ON f.{item} = a.{item}",
            f"GROUP BY a.{department}, b.{department}",
        ]
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, (*links_params, *flagged_params))
        rows = cursor.fetchall()
    return {(row[0], row[1]): [int(value or 0) for value in row[2:]] for row in rows}


def _window_columns(windows):
    return [f"w{index}" for index in range(len(windows))]


def _project_pairs(windows):
    """Shared running projects per pair and window, plus "ever": any status, any time."""
    projects = counted_projects()
    columns = _window_columns(windows)
    flagged = projects.values(
        item=F("pk"),
        **{
            column: _flag(project_running(window))
            for column, window in zip(columns, windows, strict=True)
        },
        ever=Value(1, output_field=IntegerField()),
    )
    links = Membership.objects.filter(project__in=projects.values("pk")).values(
        item=F("project_id"), dept=F("department_id")
    )
    return _pair_sums(links, flagged, [*columns, "ever"])


def _win_pairs(windows):
    wins = counted_wins()
    columns = _window_columns(windows)
    flags = {}
    for column, window in zip(columns, windows, strict=True):
        in_window = Q(day__lte=window.end)
        if window.start is not None:
            in_window &= Q(day__gte=window.start)
        flags[column] = _flag(in_window)
    flagged = wins.values(item=F("pk"), **flags)
    links = WinCredit.objects.filter(win__in=_counted_win_ids()).values(
        item=F("win_id"), dept=F("department_id")
    )
    return _pair_sums(links, flagged, columns)


def _metric_pairs(windows):
    metrics = Metric.objects.filter(project__in=counted_projects().values("pk"))
    columns = _window_columns(windows)
    flagged = metrics.values(
        item=F("pk"),
        **{
            column: _flag(
                project_running(window, prefix="project__") & Q(created_at__lt=_end_of(window.end))
            )
            for column, window in zip(columns, windows, strict=True)
        },
    )
    links = Metric.owning_departments.through.objects.filter(
        metric__in=metrics.values("pk")
    ).values(item=F("metric_id"), dept=F("department_id"))
    return _pair_sums(links, flagged, columns)


def _departments():
    """Departments by name with `people_count` (active people) and `joint_projects` (counted
    projects with at least the joint minimum of departments that it takes part in)."""
    # Grouped by project alone (not by every column of the page) and uncorrelated, so the
    # database works it out once for all departments.
    joint = (
        Membership.objects.filter(project__in=counted_projects().values("pk"))
        .order_by()
        .values("project")
        .annotate(department_total=Count("department", distinct=True))
        .filter(department_total__gte=joint_minimum())
        .values("project")
    )
    joint_per_department = (
        Membership.objects.filter(department=OuterRef("pk"), project__in=joint)
        .order_by()
        .values("department")
        .annotate(total=Count("project", distinct=True))
        .values("total")
    )
    people_per_department = (
        Person.objects.active()
        .filter(department=OuterRef("pk"))
        .order_by()
        .values("department")
        .annotate(total=Count("pk"))
        .values("total")
    )
    return list(
        Department.objects.annotate(
            people_count=Coalesce(Subquery(people_per_department, output_field=IntegerField()), 0),
            joint_projects=Coalesce(Subquery(joint_per_department, output_field=IntegerField()), 0),
        ).order_by("name", "pk")
    )


def _aggregates(period, today):
    """Everything the map is computed from: plain data, cheap to cache."""
    windows = trend_windows(period, today)
    return {
        "windows": windows,
        "departments": _departments(),
        "projects": _project_pairs(windows),
        "wins": _win_pairs(windows),
        "metrics": _metric_pairs(windows),
    }


# ---------------------------------------------------------------------------------------
# Cache
# ---------------------------------------------------------------------------------------


def _version():
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, None)
        version = cache.get(VERSION_KEY)
    return version


def forget_collaboration_map(**kwargs):
    """Make every cached map stale (a new version token; old entries simply expire)."""
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)


def map_cache_key(period, today):
    """The key of everything cached for one map: stale once the version token changes."""
    return f"{CACHE_PREFIX}:{_version()}:{period}:{today.isoformat()}"


def cached_aggregates(period, today, key=None):
    key = key or map_cache_key(period, today)
    aggregates = cache.get(key)
    if aggregates is None:
        aggregates = _aggregates(period, today)
        cache.set(key, aggregates, CACHE_SECONDS)
    return aggregates


for _model in (Membership, Win, WinCredit, Metric, ProjectPage, Person, Department):
    post_save.connect(
        forget_collaboration_map, sender=_model, dispatch_uid=f"collab-save-{_model.__name__}"
    )
    post_delete.connect(
        forget_collaboration_map, sender=_model, dispatch_uid=f"collab-delete-{_model.__name__}"
    )


@receiver(m2m_changed, sender=Metric.owning_departments.through, dispatch_uid="collab-owners")
@receiver(m2m_changed, sender=Win.projects.through, dispatch_uid="collab-win-projects")
def _forget_on_m2m_change(sender, action, **kwargs):
    if action in {"post_add", "post_remove", "post_clear"}:
        forget_collaboration_map()


# ---------------------------------------------------------------------------------------
# The result
# ---------------------------------------------------------------------------------------


@dataclass
class PairCounts:
    """What two departments share in the period."""

    first: Department
    second: Department
    projects: int = 0
    wins: int = 0
    metrics: int = 0

    @property
    def score(self):
        return (
            self.projects * PROJECT_WEIGHT + self.metrics * METRIC_WEIGHT + self.wins * WIN_WEIGHT
        )

    @property
    def collaborates(self):
        return self.score > 0

    def summary(self):
        """ "2 shared active projects, 1 shared win, 0 co-owned metrics", translated."""
        return ", ".join(
            [
                ngettext(
                    "%(count)s shared active project",
                    "%(count)s shared active projects",
                    self.projects,
                )
                % {"count": self.projects},
                ngettext("%(count)s shared win", "%(count)s shared wins", self.wins)
                % {"count": self.wins},
                ngettext("%(count)s co-owned metric", "%(count)s co-owned metrics", self.metrics)
                % {"count": self.metrics},
            ]
        )


@dataclass
class Cell:
    """One square of the matrix: `pair` is None on the diagonal."""

    row: Department
    column: Department
    pair: PairCounts | None

    @property
    def is_self(self):
        return self.pair is None

    @property
    def score(self):
        return 0 if self.pair is None else self.pair.score


@dataclass
class DepartmentSilo:
    department: Department
    people: int
    partners: list
    silo_index: float | None
    suggested_partner: Department | None = None

    @property
    def partner_count(self):
        return len(self.partners)

    @property
    def is_isolated(self):
        return self.people > 0 and not self.partners

    @property
    def silo_percent(self):
        return percent(self.silo_index)


class TrendPoint(tuple):
    """(label, index) with names; `window` tells the days it covers."""

    def __new__(cls, label, index, window):
        point = super().__new__(cls, (label, index))
        point.window = window
        return point

    @property
    def label(self):
        return self[0]

    @property
    def index(self):
        return self[1]

    @property
    def percent(self):
        return percent(self[1])


def percent(index):
    """A 0..1 index as a whole percentage, None staying None."""
    return None if index is None else round(index * 100)


@dataclass
class CollaborationMap:
    period: str
    period_label: str
    period_choices: list
    window: Window
    departments: list
    cells: list  # rows: (department, [Cell, ...]) in department order
    pairs: list  # PairCounts with a score above 0, the closest first
    silo_index: float | None
    per_department: list  # DepartmentSilo in department order
    isolated: list  # Department with `suggested_partner` and `people_count`
    trend: list  # TrendPoint, oldest first
    max_score: int = 0
    counted_departments: int = 0
    # The drawn map is the same for everyone, so templates cache it under this key (with the
    # language and layout): 2,500 cells for 50 departments took a quarter of a second a page.
    cache_key: str = ""
    cache_seconds: int = CACHE_SECONDS
    _extra: dict = field(default_factory=dict, repr=False)

    @property
    def silo_percent(self):
        return percent(self.silo_index)

    @property
    def collaborating_pairs(self):
        return len(self.pairs)

    @property
    def possible_pairs(self):
        return self.counted_departments * (self.counted_departments - 1) // 2

    @cached_property
    def heat_map(self):
        return heat_map_svg_data(self)

    @cached_property
    def trend_chart(self):
        return trend_svg_data(self)


def organisation_silo_index(people, collaborates):
    """sum(n_i n_j over non-collaborating pairs) / sum(n_i n_j over all pairs), or None.

    `people` maps department id -> active people (those with 0 are ignored); `collaborates`
    is a set of frozensets of two department ids.
    """
    counted = [(pk, n) for pk, n in people.items() if n > 0]
    total = apart = 0
    for index, (first, n_first) in enumerate(counted):
        for second, n_second in counted[index + 1 :]:
            weight = n_first * n_second
            total += weight
            if frozenset((first, second)) not in collaborates:
                apart += weight
    return apart / total if total else None


def department_silo_index(department_id, people, collaborates):
    """People in departments this one does not collaborate with / people in all others."""
    if people.get(department_id, 0) <= 0:
        return None
    others = [(pk, n) for pk, n in people.items() if pk != department_id and n > 0]
    total = sum(n for _pk, n in others)
    if not total:
        return None
    apart = sum(n for pk, n in others if frozenset((department_id, pk)) not in collaborates)
    return apart / total


def _collaborating(aggregates, column):
    """The pairs with anything shared in window `column` (an index)."""
    pairs = set()
    for measure in ("projects", "wins", "metrics"):
        for key, sums in aggregates[measure].items():
            if sums[column] > 0:
                pairs.add(frozenset(key))
    return pairs


def _suggester(departments, ever_partners):
    """A function: department id -> suggested partner, from all-time project partnerships.

    Like department_selectors.suggested_partner: the non-partner most of its partners work
    with (ties by name; it gets `partners_in_common`), else the department in the most joint
    projects (it has `joint_projects`), else None.
    """

    def suggest(pk):
        partners = ever_partners.get(pk, set())
        candidates = [d for d in departments if d.pk != pk and d.pk not in partners]
        best, best_common = None, 0
        for candidate in candidates:  # departments come in name order: ties go by name
            common = len(ever_partners.get(candidate.pk, set()) & partners)
            if common > best_common:
                best, best_common = candidate, common
        if best is not None:
            # A copy: the same department may be suggested to others with another count.
            best = copy.copy(best)
            best.partners_in_common = best_common
            return best
        joint = sorted(
            (d for d in candidates if d.joint_projects > 0),
            key=lambda d: (-d.joint_projects, d.name),
        )
        return joint[0] if joint else None

    return suggest


def _trend_label(period, window):
    if period == PERIOD_ALL_TIME:
        return gettext("to %(day)s") % {"day": month_label(window.end)}
    return month_label(window.end)


def collaboration_map(period=DEFAULT_PERIOD, *, today=None):
    """The collaboration map for `period` ("90d", "12m", "all"; anything else: the default)."""
    period = clean_period(period)
    today = today or timezone.localdate()
    cache_key = map_cache_key(period, today)
    aggregates = cached_aggregates(period, today, cache_key)
    departments = aggregates["departments"]
    windows = aggregates["windows"]
    people = {department.pk: department.people_count for department in departments}

    pairs = {}
    for measure in ("projects", "wins", "metrics"):
        for key, sums in aggregates[measure].items():
            if sums[0] > 0:
                pairs.setdefault(key, {})[measure] = sums[0]
    by_pk = {department.pk: department for department in departments}
    pair_counts = {}
    for (first, second), counts in pairs.items():
        if first in by_pk and second in by_pk:
            # Named in alphabetical order, as the table reads them ("Finance and Sales").
            named = sorted((by_pk[first], by_pk[second]), key=lambda d: (d.name, d.pk))
            pair_counts[frozenset((first, second))] = PairCounts(*named, **counts)
    collaborates = set(pair_counts)

    cells = []
    for row in departments:
        row_cells = []
        for column in departments:
            if row.pk == column.pk:
                row_cells.append(Cell(row, column, None))
            else:
                pair = pair_counts.get(frozenset((row.pk, column.pk)))
                row_cells.append(Cell(row, column, pair or PairCounts(row, column)))
        cells.append((row, row_cells))

    ever_partners = {}
    for (first, second), sums in aggregates["projects"].items():
        if sums[-1] > 0:
            ever_partners.setdefault(first, set()).add(second)
            ever_partners.setdefault(second, set()).add(first)
    suggest = _suggester(departments, ever_partners)

    per_department, isolated = [], []
    for department in departments:
        partners = [
            by_pk[other]
            for other in by_pk
            if other != department.pk and frozenset((department.pk, other)) in collaborates
        ]
        row = DepartmentSilo(
            department=department,
            people=department.people_count,
            partners=partners,
            silo_index=department_silo_index(department.pk, people, collaborates),
        )
        if row.is_isolated:
            row.suggested_partner = suggest(department.pk)
            department.suggested_partner = row.suggested_partner
            isolated.append(department)
        per_department.append(row)

    trend = [
        TrendPoint(
            _trend_label(period, window),
            organisation_silo_index(people, _collaborating(aggregates, column)),
            window,
        )
        for column, window in enumerate(windows)
    ]
    trend.reverse()

    ordered_pairs = sorted(
        pair_counts.values(),
        key=lambda pair: (-pair.score, pair.first.name, pair.second.name),
    )
    return CollaborationMap(
        period=period,
        period_label=str(PERIODS[period][0]),
        period_choices=period_choices(),
        window=windows[0],
        departments=departments,
        cells=cells,
        pairs=ordered_pairs,
        silo_index=organisation_silo_index(people, collaborates),
        per_department=per_department,
        isolated=isolated,
        trend=trend,
        max_score=max((pair.score for pair in ordered_pairs), default=0),
        counted_departments=sum(1 for n in people.values() if n > 0),
        cache_key=cache_key,
    )


# ---------------------------------------------------------------------------------------
# SVG geometry (drawn by templates/projects/includes/collaboration_map.html)
# ---------------------------------------------------------------------------------------

# Teal steps from light to dark (the brand colour), each with a readable contrast to the next.
HEAT_STEPS = ("#d3ebe6", "#9bd0c5", "#56a89b", "#1f7a6f", "#0a4542")
NO_COLLABORATION_FILL = "#f3f1ec"
ISOLATED_FILL = "#fbe9c6"
LABEL_FONT = 13
COMPACT_LABEL_FONT = 12


def _label_width(text, size):
    """A generous estimate of the label's width in SVG units (system sans-serif)."""
    return sum(0.34 if char in " .,:;'|!iIjlft()[]&" else 0.62 for char in text) * size


def heat_step(score, max_score):
    """0 for no collaboration, else 1..len(HEAT_STEPS), by the share of the top score."""
    if score <= 0 or max_score <= 0:
        return 0
    return max(1, math.ceil(len(HEAT_STEPS) * score / max_score))


def _legend(max_score):
    """[(fill, label)]: "none", then the score range each colour stands for."""
    entries = [(NO_COLLABORATION_FILL, gettext("none"))]
    if max_score <= 0:
        return entries
    steps = len(HEAT_STEPS)
    previous = 0
    for step in range(1, steps + 1):
        upper = math.floor(max_score * step / steps)
        if upper <= previous:
            continue
        low = previous + 1
        label = str(upper) if low == upper else f"{low}\N{EN DASH}{upper}"
        entries.append((HEAT_STEPS[step - 1], label))
        previous = upper
    return entries


def heat_map_svg_data(result, *, compact=False):
    """Geometry and labels for the department x department heat map.

    Rows and columns are the departments in name order; a cell's colour steps with its pair's
    score relative to the closest pair; the diagonal is left blank. Column labels are turned
    45 degrees so 50 departments still fit.
    """
    departments = result.departments
    count = len(departments)
    font = COMPACT_LABEL_FONT if compact else LABEL_FONT
    # Big squares for a handful of departments; 50 still fit in about 700 units.
    cell = 44 if count <= 12 else max(14, 600 // count)
    if compact:
        cell = round(cell * 0.8)
    widest = max((_label_width(d.name, font) for d in departments), default=0)
    isolated = {department.pk for department in result.isolated}
    left = round(widest + 22)  # room for the isolated marker before the name
    top = round(widest * 0.72 + 16)
    grid = cell * count
    gap = 1.5

    rows = []
    for row_index, (row_department, row_cells) in enumerate(result.cells):
        y = top + row_index * cell
        squares = []
        for column_index, square in enumerate(row_cells):
            x = left + column_index * cell
            step = heat_step(square.score, result.max_score)
            if square.is_self:
                title = row_department.name
            else:
                title = gettext("%(first)s and %(second)s: %(summary)s") % {
                    "first": row_department.name,
                    "second": square.column.name,
                    "summary": square.pair.summary(),
                }
            if square.is_self:
                fill = "none"
            elif step:
                fill = HEAT_STEPS[step - 1]
            elif row_department.pk in isolated or square.column.pk in isolated:
                fill = ISOLATED_FILL  # the silo's whole row and column stand out
            else:
                fill = NO_COLLABORATION_FILL
            squares.append(
                {
                    "x": x + gap / 2,
                    "y": y + gap / 2,
                    "size": cell - gap,
                    "fill": fill,
                    "is_self": square.is_self,
                    "step": step,
                    "title": title,
                }
            )
        rows.append(
            {
                "department": row_department,
                "label_x": left - 8,
                "label_y": y + cell / 2,
                "marker_x": round(left - 20 - 1.1 * _label_width(row_department.name, font), 1),
                "is_isolated": row_department.pk in isolated,
                "cells": squares,
            }
        )
    columns = [
        {
            "department": department,
            "x": left + index * cell + cell / 2,
            "y": top - 6,
            "is_isolated": department.pk in isolated,
        }
        for index, department in enumerate(departments)
    ]
    legend_y = top + grid + 18
    swatch = 14
    legend, x = [], left
    entries = _legend(result.max_score)
    if isolated:
        entries.append((ISOLATED_FILL, gettext("no partner")))
    for fill, label in entries:
        legend.append(
            {"x": x, "y": legend_y, "fill": fill, "label": label, "text_x": x + swatch + 4}
        )
        x += swatch + 10 + _label_width(label, font)
    width = max(left + grid, x) + 4
    height = legend_y + swatch + 6
    return {
        "width": round(width),
        "height": round(height),
        "view_box": f"0 0 {round(width)} {round(height)}",
        "cell": cell,
        "font": font,
        "swatch": swatch,
        "legend": legend,
        "legend_title_y": legend_y + swatch / 2,
        "rows": rows,
        "columns": columns,
        "grid": {"x": left, "y": top, "size": grid},
        "title": gettext("Collaboration between departments, %(period)s")
        % {"period": result.period_label.lower()},
        "description": _heat_map_description(result),
    }


def _heat_map_description(result):
    if not result.departments:
        return gettext("No departments yet.")
    parts = [
        ngettext(
            "%(count)s pair of departments works together.",
            "%(count)s pairs of departments work together.",
            len(result.pairs),
        )
        % {"count": len(result.pairs)}
    ]
    if result.pairs:
        closest = result.pairs[0]
        parts.append(
            gettext("The closest are %(first)s and %(second)s.")
            % {"first": closest.first.name, "second": closest.second.name}
        )
    if result.isolated:
        parts.append(
            gettext("Without a partner: %(names)s.")
            % {"names": ", ".join(department.name for department in result.isolated)}
        )
    parts.append(gettext("The table below lists every pair with its numbers."))
    return " ".join(parts)


def trend_svg_data(result, *, width=440, height=120):
    """Bars for the silo index trend: taller is more siloed, 100% the full height."""
    points = result.trend
    bottom, top_margin = height - 22, 18
    usable = bottom - top_margin
    slot = width / max(len(points), 1)
    bar = min(34, slot * 0.6)
    bars = []
    for index, point in enumerate(points):
        value = point.index
        bar_height = 0 if value is None else max(1.5, usable * value)
        x = index * slot + (slot - bar) / 2
        bars.append(
            {
                "x": round(x, 1),
                "y": round(bottom - bar_height, 1),
                "width": round(bar, 1),
                "height": round(bar_height, 1),
                "label": point.label,
                "label_x": round(x + bar / 2, 1),
                "value": "\N{EN DASH}" if value is None else f"{percent(value)}%",
                "value_y": round(bottom - bar_height - 5, 1),
                "is_current": index == len(points) - 1,
            }
        )
    first, last = points[0] if points else None, points[-1] if points else None
    if first is None or first.index is None or last.index is None:
        description = gettext("Not enough data for a trend yet.")
    else:
        description = gettext(
            "From %(first)s%% (%(first_label)s) to %(last)s%% (%(last_label)s)."
        ) % {
            "first": percent(first.index),
            "first_label": first.label,
            "last": percent(last.index),
            "last_label": last.label,
        }
    return {
        "width": width,
        "height": height,
        "view_box": f"0 0 {width} {height}",
        "baseline_y": bottom,
        "label_y": height - 6,
        "bars": bars,
        "title": gettext("Silo index over time"),
        "description": description,
    }
