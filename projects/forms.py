from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organisation.forms import DepartmentFilterField, person_with_department
from organisation.models import Department, Person

from .models import (
    Confidence,
    Direction,
    Idea,
    MetricUnit,
    ProjectPage,
    ProjectStatus,
    Role,
)
from .numbers import LocalizedDecimalField
from .selectors import invitable_people


class ProjectFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    department = DepartmentFilterField()
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any status")), *ProjectStatus.choices], required=False
    )
    mine = forms.BooleanField(label=_("Only my projects"), required=False)


class StartProjectForm(forms.Form):
    title = forms.CharField(label=_("Project name"), max_length=100)
    purpose = forms.CharField(
        label=_("Purpose"),
        max_length=200,
        help_text=_("One line: what will be better when this project succeeds?"),
    )
    why_it_matters = forms.CharField(
        label=_("Why it matters to your department"),
        max_length=600,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ProjectBasicsForm(forms.ModelForm):
    class Meta:
        model = ProjectPage
        fields = [
            "title",
            "purpose",
            "status",
            "visibility",
            "start_date",
            "target_date",
            "update_cadence",
        ]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "target_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "visibility": forms.RadioSelect,
            "update_cadence": forms.RadioSelect,
        }
        labels = {"title": _("Project name"), "update_cadence": _("Status updates")}
        help_texts = {
            "title": "",
            "update_cadence": _(
                "How often the leads promise a status update. They are reminded before each "
                "one is due; without a cadence nobody is reminded."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A form posted without it (an older page, a script) keeps the current cadence.
        self.fields["update_cadence"].required = False

    def clean_update_cadence(self):
        return self.cleaned_data["update_cadence"] or self.instance.update_cadence


class JoinRequestForm(forms.Form):
    note = forms.CharField(
        label=_("What would you bring?"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MyPartForm(forms.Form):
    what_i_bring = forms.CharField(
        label=_("What I bring"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    whats_in_it_for_my_team = forms.CharField(
        label=_("What's in it for my team"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    why_it_matters = forms.CharField(
        max_length=600,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Shared by everyone here from your department."),
    )

    def __init__(self, *args, department, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["why_it_matters"].label = _("Why it matters to %(department)s") % {
            "department": department.name
        }


class InvitationForm(forms.Form):
    """Whom to invite and as what. The page lists a few people found by a search (see
    invitation_candidates), not the whole organisation: a choice list of five thousand
    colleagues helps nobody and weighs down every page that carries it."""

    person = forms.ModelChoiceField(
        label=_("Person"),
        queryset=Person.objects.none(),
        error_messages={
            "required": _("Choose the colleague to invite."),
            "invalid_choice": _("This person is already a member, or no longer works here."),
        },
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.MEMBER)
    message = forms.CharField(
        label=_("Message"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = invitable_people(project)
        self.fields["person"].label_from_instance = person_with_department


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", _("Accept")), ("decline", _("Decline"))])

    @property
    def accepted(self):
        return self.cleaned_data["decision"] == "accept"


class IdeaForm(forms.ModelForm):
    class Meta:
        model = Idea
        fields = ["title", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}


class CommitmentForm(forms.Form):
    title = forms.CharField(label=_("What will be done"), max_length=200)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=Person.objects.none())
    due_date = forms.DateField(
        label=_("Due date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = Person.objects.filter(
            memberships__project=project
        ).select_related("user", "department")
        self.fields["owner"].label_from_instance = person_with_department

    def clean_due_date(self):
        due_date = self.cleaned_data["due_date"]
        if due_date < timezone.localdate():
            raise forms.ValidationError(_("A promise needs a date today or later."))
        return due_date


DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MetricForm(forms.Form):
    """Define (or change) a shared success metric; numbers are typed the local way."""

    name = forms.CharField(label=_("Name"), max_length=120)
    definition = forms.CharField(
        label=_("Definition"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("How it is measured, and from which source, so nobody argues later."),
    )
    unit = forms.ChoiceField(label=_("Unit"), choices=MetricUnit.choices)
    unit_detail = forms.CharField(
        label=_("Currency or time unit"),
        max_length=12,
        required=False,
        help_text=_("EUR for money; minutes, hours or days for durations."),
    )
    direction = forms.ChoiceField(label=_("Direction"), choices=Direction.choices)
    baseline_value = LocalizedDecimalField(label=_("Baseline"))
    baseline_date = forms.DateField(label=_("Baseline date"), widget=DATE_INPUT)
    target_value = LocalizedDecimalField(label=_("Target"))
    target_date = forms.DateField(label=_("Target date"), widget=DATE_INPUT)
    stretch_value = LocalizedDecimalField(label=_("Stretch target"), required=False)
    lower_bound = LocalizedDecimalField(label=_("Lowest acceptable"), required=False)
    upper_bound = LocalizedDecimalField(label=_("Highest acceptable"), required=False)
    owning_departments = forms.ModelMultipleChoiceField(
        label=_("Owned by"),
        queryset=Department.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("At least two departments: each of them signs off before it counts."),
    )

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owning_departments"].queryset = Department.objects.filter(
            pk__in=[department.pk for department in project.departments]
        )


class MetricChangeForm(MetricForm):
    reason = forms.CharField(
        label=_("Why it changes"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed once any department has agreed: it is kept in the metric's history."),
    )


class CheckInForm(forms.Form):
    value = LocalizedDecimalField(label=_("Value"))
    day = forms.DateField(label=_("Date"), widget=DATE_INPUT, initial=timezone.localdate)
    confidence = forms.ChoiceField(
        label=_("Confidence"),
        choices=Confidence.choices,
        initial=Confidence.MEDIUM,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
