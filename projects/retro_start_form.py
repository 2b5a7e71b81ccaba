"""The form that starts a retrospective. Its rules live in projects.retro_services.retro_create;
the form prefills what the system knows (title, date, the project's usual format and votes)."""

from django import forms
from django.utils import formats
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from organisation.forms import person_with_department
from organisation.models import Person

from .models import ProjectPage, RetroFormat, Retrospective

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class StartRetroForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=140,
        error_messages={"required": _("Give the retrospective a title.")},
    )
    held_on = forms.DateField(label=_("Date"), widget=DATE_INPUT)
    format = forms.ModelChoiceField(
        label=_("Format"),
        queryset=RetroFormat.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": _("Choose how the board's columns are laid out.")},
    )
    facilitator = forms.ModelChoiceField(
        label=_("Facilitator"),
        queryset=Person.objects.none(),
        help_text=_("Moves the board through the phases and closes the retrospective."),
    )
    votes_per_person = forms.IntegerField(
        label=_("Dot votes per person"),
        min_value=1,
        max_value=20,
        help_text=_("Each person spreads these over the items that matter most to them."),
    )
    also_projects = forms.ModelMultipleChoiceField(
        label=_("Also include"),
        queryset=ProjectPage.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("A joint retrospective: your other projects whose teams take part too."),
    )
    start_with_review = forms.BooleanField(
        label=_("Start with the opening review"),
        required=False,
        help_text=_(
            "Look at open action items, wins and metrics since the last retrospective before "
            "collecting. Open action items are shown on the board either way."
        ),
    )

    def __init__(self, *args, project, person, today, **kwargs):
        previous = (
            Retrospective.objects.for_project(project)
            .only("format_id", "votes_per_person")
            .order_by("-held_on", "-pk")
            .first()
        )
        formats_offered = RetroFormat.objects.prefetch_related("columns")
        kwargs.setdefault(
            "initial",
            {
                "title": gettext("%(project)s retrospective, %(month)s")
                % {
                    "project": project.title,
                    "month": formats.date_format(today, "YEAR_MONTH_FORMAT"),
                },
                "held_on": today,
                # Teams tend to keep their format and vote count: offer last time's.
                "format": (
                    previous.format_id
                    if previous
                    else formats_offered.values_list("pk", flat=True).first()
                ),
                "votes_per_person": previous.votes_per_person if previous else 3,
                "facilitator": person.pk if person else None,
                "start_with_review": True,
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["format"].queryset = formats_offered
        self.fields["facilitator"].queryset = (
            Person.objects.filter(memberships__project=project)
            .select_related("user", "department")
            .order_by("user__first_name", "user__last_name", "pk")
        )
        self.fields["facilitator"].label_from_instance = person_with_department
        self.fields["also_projects"].queryset = (
            ProjectPage.objects.live().with_member(person).exclude(pk=project.pk).order_by("title")
        )
