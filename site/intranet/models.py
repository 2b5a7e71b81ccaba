from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from organisation.models import Department, Person
from projects.blocks import IntranetPageStreamBlock


class IntranetPage(Page):
    """Fields every editorial page has: a short introduction and a block body."""

    introduction = models.TextField(_("introduction"), max_length=400, blank=True)
    body = StreamField(IntranetPageStreamBlock(), verbose_name=_("body"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("introduction"), FieldPanel("body")]
    search_fields = [
        *Page.search_fields,
        index.SearchField("introduction"),
        index.SearchField("body"),
    ]

    class Meta:
        abstract = True


class HomePage(IntranetPage):
    NEW_FACES_COUNT = 6

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["intranet.StandardPage", "projects.ProjectIndexPage"]
    template = "intranet/home_page.html"

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["departments"] = Department.objects.with_people_count()
        context["new_faces"] = (
            Person.objects.active().for_listing().order_by("-user__date_joined", "-pk")
        )[: self.NEW_FACES_COUNT]
        return context


class StandardPage(IntranetPage):
    parent_page_types = ["intranet.HomePage", "intranet.StandardPage"]
    subpage_types = ["intranet.StandardPage"]
    template = "intranet/standard_page.html"

    class Meta:
        verbose_name = _("standard page")
