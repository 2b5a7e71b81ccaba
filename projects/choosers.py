"""Admin choosers for projects' own models, for StreamField blocks (registered in wagtail_hooks).

Defined apart from wagtail_hooks and with the model as a string so projects.blocks can build
its chooser block while the models are still loading (intranet pages import the blocks).
"""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.chooser import ChooseResultsView, ChooseView, ChosenView
from wagtail.admin.viewsets.chooser import ChooserViewSet


def metric_label(metric):
    """ "First-contact resolution (Faster answers)": metric names repeat across projects."""
    return f"{metric.name} ({metric.project.title})"


class MetricColumnsMixin:
    @property
    def columns(self):
        return [*super().columns, Column("project", label=_("Project"), accessor="project.title")]


class MetricChooseView(MetricColumnsMixin, ChooseView):
    pass


class MetricChooseResultsView(MetricColumnsMixin, ChooseResultsView):
    pass


class MetricChosenView(ChosenView):
    def get_display_title(self, instance):
        return metric_label(instance)


class MetricChooserViewSet(ChooserViewSet):
    """Editors pick any metric; the block itself shows it only to viewers of its project."""

    model = "projects.Metric"
    icon = "crosshairs"
    choose_one_text = _("Choose a shared metric")
    choose_another_text = _("Choose another metric")
    edit_item_text = _("Edit")
    choose_view_class = MetricChooseView
    choose_results_view_class = MetricChooseResultsView
    chosen_view_class = MetricChosenView
    per_page = 20

    def get_object_list(self):
        from .models import Metric

        return Metric.objects.select_related("project").order_by("project__title", "name", "pk")


metric_chooser_viewset = MetricChooserViewSet("metric_chooser")
