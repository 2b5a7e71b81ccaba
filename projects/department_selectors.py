"""What a department page tells about the department's joint work (department pages package).

Everything is read through the projects the viewer may see: a members-only project is never
listed, counted, nor lets its wins, metrics or members' statements through to anyone else.
Each part is a fixed number of queries however many projects, wins or metrics there are.
"""

from collections import Counter

from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, Value, When
from django.db.models.functions import Trim

from organisation.models import Department

from .metric_selectors import metric_statuses, summaries_of, with_agreement, with_recent_sparklines
from .models import Membership, Metric, ProjectPage, ProjectStatus, Win, WinCredit, joint_minimum
from .progress import Status
from .selectors import departments_by_project
from .win_selectors import decorate, wins_for_cards

LATEST_WINS = 6
LATEST_STATEMENTS = 8
PROJECTS_SHOWN = 12
# The neediest co-owned metrics shown; the metrics overview, filtered by department, has all.
METRICS_SHOWN = 8

# Running work first: what a visitor can join or help with today.
PROJECT_ORDER = Case(
    When(status=ProjectStatus.ACTIVE, then=Value(0)),
    When(status=ProjectStatus.PROPOSED, then=Value(1)),
    When(status=ProjectStatus.PAUSED, then=Value(2)),
    default=Value(3),
    output_field=IntegerField(),
)
# Metrics that need help first.
STATUS_ORDER = {Status.OFF_TRACK: 0, Status.AT_RISK: 1, Status.ON_TRACK: 2, Status.NO_DATA: 3}


def department_story(department, user):
    """The department's joint work as `user` may see it, for templates/organisation/department.html.

    Returns a dict: `projects` (up to PROJECTS_SHOWN, active first, each with
    `listed_departments`) and `project_count`; `partners` (departments with `shared_projects`,
    `shared_active_projects`, `shared_wins` and `share`, a percentage of the top partner for
    the bar) and `has_active_partner`; `suggested_partner` (only when no partner shares an
    active project, see suggested_partner);
    `wins` (decorated for win cards), `win_count` and `can_cheer`; `metrics` (up to
    METRICS_SHOWN MetricSummary, the neediest first), `metric_count` and
    `metric_status_counts`; `statements` (memberships with a "what's in it for my team").
    """
    visible = ProjectPage.objects.live().visible_to(user)
    # Exists, not a join: a join on memberships would also narrow the department counts.
    ours = visible.filter(
        Exists(Membership.objects.filter(project=OuterRef("pk"), department=department))
    )
    wins = Win.objects.visible_to(user).crediting_department(department)
    partners = partner_departments(department, ours.values("pk"), wins.values("pk"))
    has_active_partner = any(partner.shared_active_projects for partner in partners)
    metrics = co_owned_metrics(department, visible.values("pk"))
    return {
        "projects": joint_projects(ours),
        "project_count": ours.count(),
        "partners": partners,
        "has_active_partner": has_active_partner,
        "suggested_partner": None
        if has_active_partner
        else suggested_partner(department, projects=visible),
        "wins": latest_wins(wins, user),
        "can_cheer": getattr(user, "person", None) is not None,
        "win_count": wins.count(),
        "metrics": neediest_metrics(metrics),
        "metric_count": len(metrics),
        "metric_status_counts": status_counts(metrics),
        "statements": statements(department, visible.values("pk")),
    }


def joint_projects(projects):
    """Up to PROJECTS_SHOWN projects, active first, each with its departments (three queries)."""
    shown = list(
        projects.with_department_count().order_by(PROJECT_ORDER, "title", "pk")[:PROJECTS_SHOWN]
    )
    departments = departments_by_project([project.pk for project in shown])
    for project in shown:
        project.listed_departments = departments.get(project.pk, [])
    return shown


def _counts_by_department(queryset, counted, label):
    """(department, label, distinct `counted` rows) for each department in `queryset`."""
    return (
        queryset.order_by()
        .values("department")
        .annotate(kind=Value(label), total=Count(counted, distinct=True))
        .values_list("department", "kind", "total")
    )


def partner_departments(department, project_ids, win_ids):
    """Departments sharing one of these projects or wins with `department`, most shared first,
    each with `shared_projects`, `shared_active_projects`, `shared_wins` and `share`.

    Two queries: the three counts grouped by department in one UNION ALL (each set of
    projects and wins is read once, not once per department), then the departments.
    """
    shared = Membership.objects.filter(project__in=project_ids).exclude(department=department)
    credits = WinCredit.objects.filter(win__in=win_ids).exclude(department=department)
    grouped = _counts_by_department(shared, "project", "shared_projects").union(
        _counts_by_department(
            shared.filter(project__status=ProjectStatus.ACTIVE),
            "project",
            "shared_active_projects",
        ),
        _counts_by_department(credits, "win", "shared_wins"),
        all=True,
    )
    counts = {}
    for department_id, kind, total in grouped:
        counts.setdefault(department_id, {})[kind] = total
    partners = list(Department.objects.filter(pk__in=counts))
    for partner in partners:
        partner.shared_projects = counts[partner.pk].get("shared_projects", 0)
        partner.shared_active_projects = counts[partner.pk].get("shared_active_projects", 0)
        partner.shared_wins = counts[partner.pk].get("shared_wins", 0)
    partners.sort(key=lambda p: (-p.shared_projects, -p.shared_wins, p.name))
    # The bar beside each partner: its share of the closest partner's projects (or wins).
    top = max((partner.shared_projects for partner in partners), default=0)
    top_wins = max((partner.shared_wins for partner in partners), default=0)
    for partner in partners:
        if top:
            partner.share = round(100 * partner.shared_projects / top)
        else:
            partner.share = round(100 * partner.shared_wins / top_wins)
    return partners


def suggested_partner(department, *, projects=None):
    """The department `department` could work with next, or None.

    The department most of its partners already work with (a colleague's colleague is the
    easiest introduction); with no partners, or none of theirs to meet, the department in
    the most joint projects. Only `projects` count (default: every live project), so a
    members-only project never shapes a suggestion shown to people who cannot see it.
    One aggregate query, two when the first finds nobody.
    """
    projects = ProjectPage.objects.live() if projects is None else projects
    project_ids = projects.values("pk")
    memberships = Membership.objects.filter(project__in=project_ids)
    own_projects = memberships.filter(department=department).values("project")
    partners = (
        memberships.filter(project__in=own_projects)
        .exclude(department=department)
        .values("department")
    )
    candidates = Department.objects.exclude(pk=department.pk).exclude(pk__in=partners)
    via_partners = (
        candidates.annotate(
            partners_in_common=Count(
                "memberships__project__memberships__department",
                distinct=True,
                filter=Q(
                    memberships__project__in=project_ids,
                    memberships__project__memberships__department__in=partners,
                ),
            )
        )
        .filter(partners_in_common__gt=0)
        .order_by("-partners_in_common", "name")
        .first()
    )
    if via_partners is not None:
        return via_partners
    joint = (
        projects.order_by()
        .annotate(department_total=Count("memberships__department", distinct=True))
        .filter(department_total__gte=joint_minimum())
        .values("pk")
    )
    return (
        candidates.annotate(
            joint_projects=Count(
                "memberships__project", distinct=True, filter=Q(memberships__project__in=joint)
            )
        )
        .filter(joint_projects__gt=0)
        .order_by("-joint_projects", "name")
        .first()
    )


def latest_wins(wins, user):
    """The newest wins, with everything a win card shows (cards and cheers)."""
    viewer = getattr(user, "person", None)
    shown = wins_for_cards(wins).newest_first()[:LATEST_WINS]
    return decorate(shown, user=user, viewer=viewer)


def co_owned_metrics(department, project_ids):
    """[(metric pk, status)] of the metrics the department co-owns in these projects, the
    neediest first (the status is computed as on the metrics overview: from the check-ins)."""
    metrics = Metric.objects.filter(owning_departments=department, project__in=project_ids)
    statuses = metric_statuses(metrics)
    statuses.sort(key=lambda row: STATUS_ORDER[row[1]])
    return statuses


def neediest_metrics(statuses):
    """Summaries of the first METRICS_SHOWN of co_owned_metrics(), for the metric cards."""
    shown = [pk for pk, _status in statuses[:METRICS_SHOWN]]
    metrics = Metric.objects.select_related("project")
    return with_recent_sparklines(with_agreement(summaries_of(metrics, shown)))


def status_counts(statuses):
    """[(Status, count), ...] for the statuses present in [(pk, status)], in STATUS_ORDER."""
    counts = Counter(Status(status) for _pk, status in statuses)
    return sorted(counts.items(), key=lambda item: STATUS_ORDER[item[0]])


def statements(department, project_ids):
    """The newest "what's in it for my team" its people wrote, with person and project."""
    return list(
        Membership.objects.for_team()
        .select_related("project")
        .filter(department=department, project__in=project_ids)
        .annotate(statement=Trim("whats_in_it_for_my_team"))
        .exclude(statement="")
        .order_by("-joined_at", "-pk")[:LATEST_STATEMENTS]
    )
