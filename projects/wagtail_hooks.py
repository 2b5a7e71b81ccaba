"""Admin for the projects app: the set of cheer reactions, under Settings."""

from django.contrib import messages
from django.db.models import Count, ProtectedError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import DeleteView, SnippetViewSet

from .models import Reaction


class ReactionDeleteView(DeleteView):
    """Cheers keep their reaction (PROTECT): say so, and point at retiring instead."""

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ProtectedError:
            messages.error(
                self.request,
                _(
                    "“%(reaction)s” has been given as a cheer, so it cannot be deleted. "
                    "Untick “offered” to retire it: its cheers stay, nobody can add new ones."
                )
                % {"reaction": self.object},
            )
            return HttpResponseRedirect(reverse(self.edit_url_name, args=(self.object.pk,)))


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
