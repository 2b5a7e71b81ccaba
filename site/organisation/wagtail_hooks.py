from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Department, Person


class DepartmentViewSet(SnippetViewSet):
    model = Department
    icon = "group"
    menu_label = _("Departments")
    list_display = ["name", "parent", Column("people_count", label=_("People"))]
    list_filter = ["parent"]
    search_fields = ["name", "description"]
    search_backend_name = None  # plain database lookups: partial names match
    ordering = ["name"]

    def get_queryset(self, request):
        return Department.objects.with_people_count().select_related("parent")


class PersonViewSet(SnippetViewSet):
    model = Person
    icon = "user"
    menu_label = _("People")
    list_display = ["__str__", "department", "job_title"]
    list_filter = {"department": ["exact"], "user__is_active": ["exact"]}
    search_fields = ["user__first_name", "user__last_name", "user__email", "job_title"]
    search_backend_name = None
    list_per_page = 50

    def get_queryset(self, request):
        return Person.objects.select_related("user", "department")


class OrganisationViewSetGroup(SnippetViewSetGroup):
    items = (DepartmentViewSet, PersonViewSet)
    menu_label = _("Organisation")
    menu_icon = "group"
    menu_order = 150


register_snippet(OrganisationViewSetGroup)
