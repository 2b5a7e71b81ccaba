from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page, Site
from wagtail.search import index

from organisation.models import Department, Person
from projects.blocks import IntranetPageStreamBlock

from .page_languages import reads_default_language


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

    def serve(self, request, *args, **kwargs):
        # Routing always walks the default-language tree (see HomePage.route), so this is the
        # English page. Readers get its live translation in their language when one exists,
        # at the same address; a draft or missing translation falls back to this page.
        shown = self if reads_default_language() else self.localized
        if shown.pk != self.pk:
            return super(IntranetPage, shown).serve(request, *args, **kwargs)
        return super().serve(request, *args, **kwargs)


class HomePage(IntranetPage):
    NEW_FACES_COUNT = 6

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["intranet.StandardPage", "projects.ProjectIndexPage"]
    template = "intranet/home_page.html"

    class Meta:
        verbose_name = _("home page")

    def route(self, request, path_components):
        # Wagtail starts routing at the home page in the reader's language. Only the site's
        # own (English) home leads to every page: projects are never translated, because
        # memberships, wins and more point at their ids. A translated home hands routing back.
        site = Site.find_for_request(request)
        if (
            site is not None
            and site.root_page_id != self.pk
            and site.root_page.translation_key == self.translation_key
        ):
            return site.root_page.specific.route(request, path_components)
        return super().route(request, path_components)

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
