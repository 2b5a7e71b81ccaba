"""What the retrospective board reads, in a fixed number of queries however big the board.

`board_context(retro, access)` builds the context every phase shares (the columns with the
items the viewer may see, the viewer's dots, who took part per department) and merges in the
phase's own part from `projects.retro_phases.phase_context`.

What the viewer may see is decided here, not in templates: while the board is collecting,
other people's items are never loaded at all (only counted per column), so their text cannot
end up in a page or a fragment by mistake.
"""

from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from organisation.models import Department

from .models import (
    PHASE_ORDER,
    RETRO_ANONYMITY_THRESHOLD,
    Membership,
    RetroItem,
    RetroParticipant,
    RetroPhase,
    RetroVote,
)
from .retro_phases import phase_context

# Phases in which everybody sees every item (the reveal happens when grouping starts).
REVEALED_PHASES = {
    RetroPhase.GROUP,
    RetroPhase.VOTE,
    RetroPhase.DISCUSS,
    RetroPhase.ACTIONS,
    RetroPhase.CLOSED,
}
# Totals appear only once voting is over: seeing them while voting anchors people.
TOTALS_PHASES = {RetroPhase.DISCUSS, RetroPhase.ACTIONS, RetroPhase.CLOSED}


@dataclass(frozen=True)
class Step:
    phase: str
    label: str
    state: str  # "done", "current" or "next"

    @property
    def is_current(self):
        return self.state == "current"


def phase_steps(retro):
    """The stepper: every phase in order, the current one marked."""
    current = PHASE_ORDER.index(retro.phase)
    return [
        Step(
            phase=phase.value,
            label=phase.label,
            state="done" if index < current else "current" if index == current else "next",
        )
        for index, phase in enumerate(PHASE_ORDER)
    ]


def neighbour_phases(retro):
    """(previous, next) phases the facilitator may move to with the board's buttons; closing
    has its own form (it publishes the summary), so "next" stops before it."""
    index = PHASE_ORDER.index(retro.phase)
    previous = PHASE_ORDER[index - 1] if 0 < index < len(PHASE_ORDER) - 1 else None
    following = PHASE_ORDER[index + 1] if index + 1 < len(PHASE_ORDER) - 1 else None
    return previous, following


def _items(retro, viewer):
    """The items the viewer may see, with their author and department, in board order."""
    items = RetroItem.objects.filter(retrospective=retro).select_related(
        "author__user", "department"
    )
    if retro.phase == RetroPhase.COLLECT:
        # Before the reveal: only the viewer's own (signed) items.
        return items.filter(author=viewer) if viewer is not None else items.none()
    if retro.phase not in REVEALED_PHASES:
        return items.none()
    if retro.phase in TOTALS_PHASES:
        items = items.annotate(own_vote_count=Count("votes"))
    return items


def _hidden_counts(retro, viewer):
    """Per column, how many items the viewer cannot see yet (collect only)."""
    if retro.phase != RetroPhase.COLLECT:
        return {}
    others = RetroItem.objects.filter(retrospective=retro)
    if viewer is not None:
        # exclude() keeps anonymous items (author NULL): nobody sees those before the reveal.
        others = others.exclude(author=viewer)
    return dict(others.values_list("column").annotate(count=Count("pk")).order_by())


def _my_votes(retro, viewer):
    """item id -> how many of the viewer's dots are on it (vote phase only)."""
    if retro.phase != RetroPhase.VOTE or viewer is None:
        return Counter()
    return Counter(
        RetroVote.objects.filter(retrospective=retro, person=viewer).values_list(
            "item_id", flat=True
        )
    )


def _group(items, *, viewer, my_votes, with_totals):
    """Top-level items with their merged children, each decorated for the templates."""
    by_pk = {item.pk: item for item in items}
    for item in items:
        item.is_mine = viewer is not None and item.author_id == viewer.pk
        item.merged_children = []
        item.my_votes = my_votes.get(item.pk, 0)
        item.vote_count = getattr(item, "own_vote_count", 0) if with_totals else None
    top_level = []
    for item in items:
        root = item
        seen = set()
        while root.merged_into_id in by_pk and root.pk not in seen:
            seen.add(root.pk)
            root = by_pk[root.merged_into_id]
        if root is item:
            top_level.append(item)
        else:
            root.merged_children.append(item)
            # A group counts the dots its duplicates got before they were merged.
            root.my_votes += item.my_votes
            if with_totals:
                root.vote_count += item.vote_count
    return top_level


def _count_per_department(queryset):
    """A subquery: how many rows of `queryset` belong to the outer department."""
    counted = (
        queryset.filter(department=OuterRef("pk"))
        .order_by()
        .values("department")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _departments(retro):
    """Departments of the retrospective's projects and of its participants, each with
    .participant_count, .anonymous_count (None below the anonymity threshold), .is_silent."""
    participants = RetroParticipant.objects.filter(retrospective=retro)
    in_projects = Membership.objects.filter(
        project__retrospectives=retro, department=OuterRef("pk")
    )
    departments = list(
        Department.objects.filter(Exists(in_projects) | Q(pk__in=participants.values("department")))
        .annotate(
            participant_count=_count_per_department(participants),
            anonymous_items=_count_per_department(
                RetroItem.objects.filter(retrospective=retro, is_anonymous=True)
            ),
            in_projects=Exists(in_projects),
        )
        .order_by("name")
    )
    for department in departments:
        department.is_silent = department.in_projects and department.participant_count == 0
        # Below the threshold a count could point at one person: it is never computed into
        # the page, not merely hidden by the template.
        department.anonymous_count = (
            department.anonymous_items
            if department.participant_count >= RETRO_ANONYMITY_THRESHOLD
            else None
        )
        del department.anonymous_items
    return departments


def board_context(retro, access):
    """Everything the board's phases share, plus the current phase's own part."""
    viewer = access.person
    columns = list(retro.columns.all())
    my_votes = _my_votes(retro, viewer)
    with_totals = retro.phase in TOTALS_PHASES
    top_level = _group(
        list(_items(retro, viewer)), viewer=viewer, my_votes=my_votes, with_totals=with_totals
    )
    if retro.phase == RetroPhase.COLLECT:
        # No grouping before the reveal: the viewer's items, flat, wherever they were merged.
        top_level = [item for group in top_level for item in (group, *group.merged_children)]
        for item in top_level:
            item.merged_children = []
    hidden_counts = _hidden_counts(retro, viewer)
    for column in columns:
        column.visible_items = [item for item in top_level if item.column_id == column.pk]
        column.hidden_count = hidden_counts.get(column.pk, 0)
    departments = _departments(retro)
    previous_phase, next_phase = neighbour_phases(retro)
    my_votes_left = None
    if retro.phase == RetroPhase.VOTE and access.can_vote:
        my_votes_left = max(retro.votes_per_person - sum(my_votes.values()), 0)
        for item in top_level:
            item.my_dots = range(item.my_votes)
    context = {
        "retro": retro,
        "access": access,
        "columns": columns,
        "hidden_counts": hidden_counts,
        "voices": departments,
        "participants_by_department": [
            (d, d.participant_count) for d in departments if d.participant_count
        ],
        "silent_departments": [d for d in departments if d.is_silent],
        "anonymous_by_department": [
            (d, d.anonymous_count) for d in departments if d.anonymous_count is not None
        ],
        "participant_count": sum(d.participant_count for d in departments),
        "my_votes_left": my_votes_left,
        # The viewer's dots drawn as circles: used ones filled, free ones hollow.
        "my_dots_used": range(retro.votes_per_person - (my_votes_left or 0))
        if my_votes_left is not None
        else range(0),
        "my_dots_free": range(my_votes_left or 0),
        "projects": list(retro.projects.visible_to(access.user).order_by("title")),
        "steps": phase_steps(retro),
        "previous_phase": previous_phase,
        "next_phase": next_phase,
        "anonymity_threshold": RETRO_ANONYMITY_THRESHOLD,
    }
    context.update(phase_context(retro, access))
    return context
