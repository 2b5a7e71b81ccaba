"""Reading wins for walls, cards and the project page (wins package).

Every list of wins goes through `wins_for_cards` and then `decorate`: together they load
everything a card shows in a fixed number of queries, however many wins there are.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.text import Truncator
from wagtail.images import get_image_model

from .cheer_selectors import attach_cheers
from .metric_selectors import unit_label
from .models import CheckIn, ProjectPage, Visibility, Win, WinCredit
from .win_forms import story_to_text

RECENT_ON_PROJECT_PAGE = 3
EXCERPT_WORDS = 40
# Renditions the win pages show: a thumbnail on cards, a large picture on the win page.
WIN_THUMBNAIL = "fill-320x200"
WIN_PICTURE = "max-960x600"


@dataclass
class CheckInChange:
    """ "First-contact resolution 61 % → 72 %": the check-in a win points at, and before."""

    metric_name: str
    before: Decimal
    after: Decimal
    unit: str


def wins_for_cards(queryset):
    """`for_cards()` plus what it leaves to one query per card: the credited people's own
    departments (their avatars' colour), the win pictures' renditions and the value the
    check-in improved on (the check-in before it, or the metric's baseline)."""
    rendition_model = get_image_model().get_rendition_model()
    previous = CheckIn.objects.filter(
        metric=OuterRef("check_in__metric"), day__lt=OuterRef("check_in__day")
    ).order_by("-day", "-pk")
    return (
        queryset.for_cards()
        .prefetch_related(
            "credits__person__department",
            Prefetch(
                "image__renditions",
                queryset=rendition_model.objects.filter(
                    filter_spec__in=[WIN_THUMBNAIL, WIN_PICTURE]
                ),
            ),
        )
        .annotate(
            check_in_before=Coalesce(
                Subquery(previous.values("value")[:1]), F("check_in__metric__baseline_value")
            )
        )
    )


def visible_project_ids(wins, user):
    """Which of these wins' projects the viewer may see, in one query.

    `user` may be None (a person-less caller): then only projects open to everyone count.
    """
    ids = {project.pk for win in wins for project in win.projects.all()}
    if not ids:
        return set()
    projects = ProjectPage.objects.filter(pk__in=ids)
    if user is None:
        projects = projects.filter(visibility=Visibility.ORGANISATION)
    else:
        projects = projects.visible_to(user)
    return set(projects.values_list("pk", flat=True))


def decorate(wins, *, user, viewer, seen_project=None):
    """Set what cards show on each win: visible projects, excerpt, check-in change, cheers.

    `user` decides which projects are named (`seen_project`: one the caller already knows
    the viewer sees); `viewer` (a Person or None) is who cheers.
    """
    wins = list(wins)
    visible = visible_project_ids(wins, user)
    if seen_project is not None:
        visible.add(seen_project.pk)
    for win in wins:
        win.visible_projects = [p for p in win.projects.all() if p.pk in visible]
        win.excerpt = Truncator(" ".join(story_to_text(win.story).split())).words(EXCERPT_WORDS)
        win.check_in_change = (
            CheckInChange(
                metric_name=win.check_in.metric.name,
                before=win.check_in_before,
                after=win.check_in.value,
                unit=unit_label(win.check_in.metric),
            )
            if win.check_in is not None
            else None
        )
        win.credits_by_department = credits_by_department(win)
    attach_cheers(wins, viewer)
    return wins


def credits_by_department(win):
    """[(department, [person, ...]), ...] in credit order, from the prefetched credits."""
    groups = {}
    for credit in win.credits.all():
        groups.setdefault(credit.department, []).append(credit.person)
    return list(groups.items())


def wins_this_month(user, today=None):
    """(wins this month, departments they span) among the wins the user may see."""
    today = today or timezone.localdate()
    month = Win.objects.visible_to(user).filter(day__gte=today.replace(day=1), day__lte=today)
    totals = WinCredit.objects.filter(win__in=month.values("pk")).aggregate(
        wins=Count("win", distinct=True), departments=Count("department", distinct=True)
    )
    return totals["wins"], totals["departments"]


def project_wins_context(project, viewer):
    """Context for templates/projects/includes/wins_panel.html (viewer: a Person or None).

    The viewer already sees the project; its wins are named with their other projects only
    where the viewer may see those too.
    """
    user = viewer.user if viewer is not None else None
    wins = Win.objects.in_project(project)
    recent = wins_for_cards(wins).newest_first()[:RECENT_ON_PROJECT_PAGE]
    return {
        "recent_wins": decorate(recent, user=user, viewer=viewer, seen_project=project),
        "win_count": wins.count(),
        "can_cheer_wins": viewer is not None,
    }
