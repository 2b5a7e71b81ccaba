from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Department, Topic


class DepartmentFilterField(forms.ModelChoiceField):
    """Pick a department by its slug in the address, e.g. ?department=sales."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Department"))
        kwargs.setdefault("required", False)
        kwargs.setdefault("empty_label", _("All departments"))
        super().__init__(queryset=Department.objects.all(), to_field_name="slug", **kwargs)


def person_with_department(person):
    """How a person is named in a choice list: the department tells namesakes apart."""
    return f"{person.full_name} — {person.department.name}"


class DirectoryFilterForm(forms.Form):
    """The people directory's filters; all optional, read from the query string."""

    q = forms.CharField(
        label=_("Name, title or topic"),
        required=False,
        max_length=100,
        widget=forms.SearchInput(attrs={"placeholder": _("e.g. Anna, accountant, pricing")}),
    )
    department = DepartmentFilterField()
    topic = forms.ModelChoiceField(
        label=_("Ask me about"),
        queryset=Topic.objects.all(),
        required=False,
        to_field_name="slug",
        empty_label=_("Any topic"),
    )

    def filter(self, people):
        if not self.is_valid():
            return people.none()
        data = self.cleaned_data
        if data["q"]:
            people = people.matching(data["q"])
        if data["department"]:
            people = people.filter(department=data["department"])
        if data["topic"]:
            people = people.filter(ask_me_about=data["topic"])
        return people

    @property
    def is_filtered(self):
        return self.is_bound and any(self.data.get(name) for name in self.fields)
