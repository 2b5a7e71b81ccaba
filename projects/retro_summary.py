"""What a retrospective concluded: items by votes with their notes, the decisions, the action
items and who took part by department; and the same as Markdown and CSV.

Everything is read in a fixed number of queries however many items, votes and notes the board
has; the exports only format what was read. Votes are read as counts per item and participants
as counts per department: who voted for what is never read, so no page or file can show it.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import Count, Prefetch
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .export import csv_text, fact_list, heading, nothing, table, text_block
from .models import Commitment, ProjectPage, RetroItem, RetroNote, RetroParticipant, RetroVote

# The published summary leads with this many items; the exports have them all.
TOP_ITEMS = 5


class ActionState:
    OPEN = "open"
    DELIVERED = "delivered"
    OVERDUE = "overdue"

    @staticmethod
    def label(state):
        return {
            ActionState.OPEN: _("Open"),
            ActionState.DELIVERED: _("Delivered"),
            ActionState.OVERDUE: _("Overdue"),
        }[state]


def author_label(entry):
    """Who wrote an item or a note, as everyone may see it."""
    if getattr(entry, "is_anonymous", False):
        return _("Anonymous")
    return entry.author.full_name if entry.author else _("(removed)")


def ranked_items(retro):
    """The board's items (groups, with their merged duplicates as `.children`) from most to
    fewest votes, ties in column order; each with `.vote_count`, `.note_list`, `.by`.

    Three queries: items, their notes, vote counts per item. A merged duplicate's votes count
    for its group (grouping may happen again after a vote, going one phase back).
    """
    items = list(
        RetroItem.objects.filter(retrospective=retro)
        .select_related("author__user", "column")
        .prefetch_related(
            Prefetch("notes", queryset=RetroNote.objects.select_related("author__user"))
        )
    )
    votes = dict(
        RetroVote.objects.filter(retrospective=retro)
        .values("item_id")
        .annotate(count=Count("pk"))
        .values_list("item_id", "count")
    )
    children = defaultdict(list)
    for item in items:
        item.by = author_label(item)
        item.note_list = list(item.notes.all())
        if item.merged_into_id:
            children[item.merged_into_id].append(item)
    groups = [item for item in items if not item.merged_into_id]
    for group in groups:
        group.children = children[group.pk]
        group.vote_count = votes.get(group.pk, 0) + sum(
            votes.get(child.pk, 0) for child in group.children
        )
    groups.sort(key=lambda group: (-group.vote_count, group.column.position, group.pk))
    return groups


def action_state(commitment):
    if commitment.delivered_on:
        return ActionState.DELIVERED
    return ActionState.OVERDUE if commitment.is_overdue else ActionState.OPEN


def retro_actions(retro):
    """The action items decided in this retrospective, by due date, each with `.state` and
    `.state_label`. One query."""
    actions = list(
        Commitment.objects.filter(retrospective=retro)
        .select_related("owner__user", "owner__department", "metric", "project", "retro_item")
        .order_by("due_date", "pk")
    )
    for action in actions:
        action.state = action_state(action)
        action.state_label = ActionState.label(action.state)
    return actions


@dataclass
class DepartmentTurnout:
    department: object
    people: int

    @property
    def label(self):
        return ngettext(
            "%(department)s: %(count)d person", "%(department)s: %(count)d people", self.people
        ) % {"department": self.department.name, "count": self.people}


def participation(retro):
    """How many people of each department took part, most first. One query; only the counts
    leave this function."""
    participants = RetroParticipant.objects.filter(retrospective=retro).select_related("department")
    departments, counts = {}, Counter()
    for participant in participants:
        departments[participant.department_id] = participant.department
        counts[participant.department_id] += 1
    turnout = [DepartmentTurnout(departments[pk], people) for pk, people in counts.items()]
    return sorted(turnout, key=lambda entry: (-entry.people, entry.department.name))


@dataclass
class RetroSummary:
    retro: object
    projects: list  # the retrospective's projects the reader may see
    items: list  # every group, by votes (see ranked_items)
    actions: list
    participation: list  # DepartmentTurnout, most people first

    @property
    def top_items(self):
        return self.items[:TOP_ITEMS]

    @property
    def people(self):
        return sum(entry.people for entry in self.participation)

    @property
    def participation_text(self):
        """ "Customer Support: 3 people, Engineering: 2 people"."""
        return ", ".join(entry.label for entry in self.participation)


def retro_summary(retro, user):
    """The summary as `user` may read it. `retro` should come with its facilitator's user and
    its format selected. Six queries."""
    return RetroSummary(
        retro=retro,
        projects=list(ProjectPage.objects.visible_to(user).filter(retrospectives=retro)),
        items=ranked_items(retro),
        actions=retro_actions(retro),
        participation=participation(retro),
    )


def export_filename(retro, extension):
    return f"{slugify(retro.title) or 'retrospective'}-{retro.held_on.isoformat()}.{extension}"


def _day(value):
    return value.isoformat() if value else ""


# Markdown -----------------------------------------------------------------------------------


def markdown(summary: RetroSummary):
    retro = summary.retro
    facts = [
        (_("Date"), _day(retro.held_on)),
        (_("Facilitator"), retro.facilitator.full_name),
        (_("Format"), retro.format.name),
        (_("Projects"), ", ".join(project.title for project in summary.projects) or "—"),
        (_("Closed"), _day(timezone.localdate(retro.closed_at)) if retro.closed_at else "—"),
        (_("Who took part"), summary.participation_text or "—"),
    ]
    parts = [heading(1, retro.title), fact_list(facts), heading(2, _("Decisions"))]
    parts.append(text_block(retro.summary) if retro.summary.strip() else nothing(_("None.")))
    parts += [heading(2, _("Items by votes")), _md_items(summary.items)]
    parts += [heading(2, _("Action items")), _md_actions(summary.actions)]
    parts += [heading(2, _("Who took part, by department")), _md_participation(summary)]
    return "".join(parts).rstrip("\n") + "\n"


def _md_items(items):
    if not items:
        return nothing(_("No items."))
    headers = (_("Column"), _("Item"), _("By"), _("Votes"), _("Notes"))
    rows = []
    for item in items:
        text = "\n".join(
            [item.text]
            + [
                _("Merged: %(text)s (%(by)s)") % {"text": child.text, "by": child.by}
                for child in item.children
            ]
        )
        notes = "\n".join(f"{note.text} ({author_label(note)})" for note in item.note_list)
        rows.append((item.column.title, text, item.by, item.vote_count, notes))
    return table(headers, rows)


def _md_actions(actions):
    if not actions:
        return nothing(_("No action items."))
    headers = (
        _("Action"),
        _("Owner"),
        _("Due"),
        _("Shared metric"),
        _("Answers"),
        _("Project"),
        _("State"),
    )
    rows = [
        (
            action.title,
            action.owner.full_name,
            _day(action.due_date),
            action.metric.name if action.metric else "",
            action.retro_item.text if action.retro_item else "",
            action.project.title,
            action.state_label,
        )
        for action in actions
    ]
    return table(headers, rows)


def _md_participation(summary):
    if not summary.participation:
        return nothing(_("Nobody added an item or a vote."))
    rows = [(entry.department.name, entry.people) for entry in summary.participation]
    return table((_("Department"), _("People")), rows)


# CSV ----------------------------------------------------------------------------------------

# One sheet for spreadsheet users: the `section` column says what a row is (item, merged,
# note, decisions, action, participation) and only the columns that make sense for it are
# filled. Documented in the README ("After the meeting: summary and export").
CSV_HEADER = [
    "section",
    "column",
    "item",
    "author",
    "votes",
    "note_or_owner",
    "due",
    "metric",
    "state",
    "department",
    "people",
]


def _csv_row(section, **cells):
    return [section, *(cells.get(name, "") for name in CSV_HEADER[1:])]


def csv_rows(summary: RetroSummary):
    rows = []
    for item in summary.items:
        column = item.column.title
        rows.append(
            _csv_row("item", column=column, item=item.text, author=item.by, votes=item.vote_count)
        )
        for child in item.children:
            rows.append(
                _csv_row(
                    "merged",
                    column=column,
                    item=child.text,
                    author=child.by,
                    note_or_owner=_("merged into: %(text)s") % {"text": item.text},
                )
            )
        for note in item.note_list:
            rows.append(
                _csv_row(
                    "note",
                    column=column,
                    item=item.text,
                    author=author_label(note),
                    note_or_owner=note.text,
                )
            )
    if summary.retro.summary.strip():
        rows.append(_csv_row("decisions", item=summary.retro.summary.strip()))
    for action in summary.actions:
        rows.append(
            _csv_row(
                "action",
                item=action.title,
                note_or_owner=action.owner.full_name,
                due=_day(action.due_date),
                metric=action.metric.name if action.metric else "",
                state=action.state,
                department=action.owner.department.name,
            )
        )
    for entry in summary.participation:
        rows.append(
            _csv_row("participation", department=entry.department.name, people=entry.people)
        )
    return rows


def csv_content(summary: RetroSummary):
    """UTF-8 CSV with a byte order mark; cells a spreadsheet would run are defused."""
    return csv_text(CSV_HEADER, csv_rows(summary))
