"""Forms of a retrospective's discussion and closing: a note, an action item, the decisions.

The action form's choices (members, metrics, items) come from lists the board already read,
so showing it costs a fixed number of queries, and a posted value outside them is refused
next to its field.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django import forms
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import Membership, Metric, ProjectPage

# An action item is due in two weeks unless the facilitator says otherwise.
DEFAULT_DUE_IN = datetime.timedelta(days=14)


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Note"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Write something first.")},
    )


class CloseForm(forms.Form):
    decisions = forms.CharField(
        label=_("Decisions"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "What the team decided, in a few lines. It opens the published summary; the "
            "action items are listed under it, with their owners and dates."
        ),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "close-%s")  # unique on the board, beside other forms
        super().__init__(*args, **kwargs)


@dataclass
class ActionChoices:
    """What an action item may point at, read once for the whole board."""

    projects: list
    team: list  # [(department, [person, ...]), ...], the retrospective's projects' members
    metrics: list
    items: list  # the board's groups, by votes


def action_choices(retro, items):
    """Three queries: the projects, their members, their metrics."""
    projects = list(ProjectPage.objects.filter(retrospectives=retro).order_by("title"))
    memberships = (
        Membership.objects.filter(project__in=projects)
        .select_related("person__user", "department")
        .order_by("department__name", "person__user__first_name", "person__user__last_name")
    )
    team, seen = defaultdict(list), set()
    departments = {}
    for membership in memberships:
        if membership.person_id in seen:  # a member of two of the projects appears once
            continue
        seen.add(membership.person_id)
        departments[membership.department_id] = membership.department
        team[membership.department_id].append(membership.person)
    metrics = list(
        Metric.objects.filter(project__in=projects).select_related("project").order_by("name")
    )
    return ActionChoices(
        projects=projects,
        team=[(departments[pk], people) for pk, people in team.items()],
        metrics=metrics,
        items=items,
    )


def _pick(field, objects):
    """A select whose value is the pk of one of `objects`; cleaned to the object itself."""
    field.lookup = {obj.pk: obj for obj in objects}


class ActionForm(forms.Form):
    title = forms.CharField(
        label=_("What will be done"),
        max_length=200,
        error_messages={"required": _("Say what will be done.")},
    )
    owner = forms.TypedChoiceField(
        label=_("Owner"),
        coerce=int,
        error_messages={
            "required": _("Choose who owns it."),
            "invalid_choice": _("Choose a member of the retrospective's projects."),
        },
    )
    due_date = forms.DateField(
        label=_("Due date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _("Choose a date.")},
    )
    project = forms.TypedChoiceField(
        label=_("Project"),
        coerce=int,
        error_messages={"invalid_choice": _("Choose one of the retrospective's projects.")},
    )
    item = forms.TypedChoiceField(
        label=_("The item it answers"),
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": _("Choose an item of this board.")},
    )
    metric = forms.TypedChoiceField(
        label=_("The shared metric it should move"),
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": _("Choose a metric of the retrospective's projects.")},
    )

    def __init__(self, *args, choices: ActionChoices, **kwargs):
        today = timezone.localdate()
        kwargs.setdefault("auto_id", "action-%s")  # unique on the board, beside other forms
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("due_date", today + DEFAULT_DUE_IN)
        if choices.projects:
            kwargs["initial"].setdefault("project", choices.projects[0].pk)
        super().__init__(*args, **kwargs)
        self.choices = choices
        self.fields["due_date"].widget.attrs["min"] = today.isoformat()

        owner = self.fields["owner"]
        owner.choices = [("", _("Choose a member"))] + [
            (department.name, [(person.pk, person.full_name) for person in people])
            for department, people in choices.team
        ]
        _pick(owner, (person for _department, people in choices.team for person in people))

        project = self.fields["project"]
        project.choices = [(p.pk, p.title) for p in choices.projects]
        _pick(project, choices.projects)
        if len(choices.projects) < 2:
            # One project: nothing to choose (clean() fills it in).
            del self.fields["project"]

        several = len(choices.projects) > 1
        metric = self.fields["metric"]
        metric.choices = [("", _("None"))] + [
            (m.pk, f"{m.name} · {m.project.title}" if several else m.name) for m in choices.metrics
        ]
        _pick(metric, choices.metrics)

        item = self.fields["item"]
        item.choices = [("", _("None"))] + [(i.pk, _item_label(i)) for i in choices.items]
        _pick(item, choices.items)

    def clean(self):
        data = super().clean()
        for name in ("owner", "project", "item", "metric"):
            if name in self.fields and data.get(name) is not None:
                data[name] = self.fields[name].lookup[data[name]]
        if "project" not in self.fields:
            data["project"] = self.choices.projects[0] if self.choices.projects else None
        return data


def _item_label(item):
    votes = ngettext("%(count)d vote", "%(count)d votes", item.vote_count) % {
        "count": item.vote_count
    }
    return f"{Truncator(item.text).chars(70)} ({votes})"
