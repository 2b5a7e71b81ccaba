"""Admin for the projects app, under Settings: cheer reactions and retrospective formats."""

from django.contrib import messages
from django.db.models import Count, ProtectedError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import DeleteView, SnippetViewSet

from .choosers import metric_chooser_viewset
from .models import Reaction, RetroFormat


class ProtectedDeleteView(DeleteView):
    """A snippet others still point at (PROTECT) is not deleted: the editor is told why and
    what to do instead, rather than seeing a server error."""

    def protected_message(self):
        raise NotImplementedError

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ProtectedError:
            messages.error(self.request, self.protected_message())
            return HttpResponseRedirect(reverse(self.edit_url_name, args=(self.object.pk,)))


class ReactionDeleteView(ProtectedDeleteView):
    def protected_message(self):
        return _(
            "“%(reaction)s” has been given as a cheer, so it cannot be deleted. "
            "Untick “offered” to retire it: its cheers stay, nobody can add new ones."
        ) % {"reaction": self.object}


class ReactionViewSet(SnippetViewSet):
    model = Reaction
    icon = "pick"
    menu_label = _("Cheer reactions")
    add_to_settings_menu = True
    copy_view_enabled = False
    delete_view_class = ReactionDeleteView
    list_display = [
        "symbol",
        "name",
        BooleanColumn("is_offered", label=_("Offered")),
        Column("cheer_count", label=_("Cheers given")),
    ]
    list_filter = ["is_offered"]
    ordering = ["sort_order", "pk"]
    # Drag-and-drop ordering in the listing (or the "order" number): wins show them in this order.
    sort_order_field = "sort_order"
    panels = [
        FieldRowPanel([FieldPanel("symbol"), FieldPanel("name"), FieldPanel("sort_order")]),
        FieldPanel(
            "is_offered",
            help_text=_(
                "Untick to retire a reaction: cheers already given stay on their wins, "
                "and people can still take theirs back, but nobody can add new ones."
            ),
        ),
    ]

    def get_queryset(self, request):
        return Reaction.objects.annotate(cheer_count=Count("cheers"))


register_snippet(ReactionViewSet)


# Retrospective formats --------------------------------------------------------------------


class RetroFormatDeleteView(ProtectedDeleteView):
    def protected_message(self):
        return _(
            "“%(format)s” has been used by a retrospective, so it cannot be deleted. "
            "Rename it or change its columns instead: retrospectives already held "
            "keep the columns they were run with."
        ) % {"format": self.object}


def column_titles(retro_format):
    return " · ".join(column.title for column in retro_format.columns.all())


class RetroFormatViewSet(SnippetViewSet):
    """Editors add the ways teams run retrospectives; each new retrospective copies the
    columns of the format it was started with."""

    model = RetroFormat
    icon = "list-ul"
    menu_label = _("Retrospective formats")
    add_to_settings_menu = True
    delete_view_class = RetroFormatDeleteView
    list_display = ["name", Column("columns", label=_("Columns"), accessor=column_titles)]
    panels = [
        FieldPanel("name"),
        FieldPanel("description"),
        InlinePanel(
            "columns",
            label=_("Columns"),
            heading=_("Columns, left to right"),
            min_num=2,
            max_num=6,
            panels=[FieldPanel("title"), FieldPanel("prompt")],
        ),
    ]

    def get_queryset(self, request):
        return RetroFormat.objects.prefetch_related("columns")


register_snippet(RetroFormatViewSet)


# Choosing a shared metric in the admin, for the metric chart block (projects.blocks).


@hooks.register("register_admin_viewset")
def register_metric_chooser():
    return metric_chooser_viewset
