"""Live blocks for intranet pages: project cards, wins, metrics, the collaboration map and more.

Each block renders live data through the viewer's permissions (the request in the block's
parent context): a members-only project never shows to someone outside it. What they show is
read in projects.block_selectors, in a fixed number of queries per block. This module is
imported while the models load (intranet pages use it), so it imports models only lazily.
"""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.snippets.blocks import SnippetChooserBlock

from intranet.blocks import IntranetStreamBlock

from .choosers import metric_chooser_viewset

MetricChooserBlock = metric_chooser_viewset.get_block_class(
    name="MetricChooserBlock", module_path="projects.blocks"
)

PREVIEW_TEMPLATE = "projects/blocks/preview.html"


def project_status_choices():
    from .models import ProjectStatus

    return [("", _("Any status")), *ProjectStatus.choices]


def collaboration_period_choices():
    return [
        ("90d", _("The last 90 days")),
        ("12m", _("The last 12 months")),
        ("all", _("Since the beginning")),
    ]


def heading_block(default):
    return blocks.CharBlock(
        label=_("Heading"),
        required=False,
        max_length=120,
        default=default,
        help_text=_("Leave empty to show the block without a heading."),
    )


def department_block(help_text):
    return SnippetChooserBlock(
        "organisation.Department", label=_("Department"), required=False, help_text=help_text
    )


def count_block(label, default, max_value=12):
    return blocks.IntegerBlock(label=label, default=default, min_value=1, max_value=max_value)


class LiveBlock(blocks.StructBlock):
    """A block showing live data: the viewer comes from the request it is rendered with."""

    # The name of the block's data in its template; filled by `live_data`.
    data_name = "items"

    class Meta:
        preview_template = PREVIEW_TEMPLATE

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        request = (parent_context or {}).get("request")
        user = getattr(request, "user", None)
        context[self.data_name] = self.live_data(value, user)
        context["heading_id"] = f"{self.name or 'live'}-{id(value):x}"
        return context

    def live_data(self, value, user):
        raise NotImplementedError

    def get_preview_value(self):
        # preview_value names only what the preview needs; the rest takes the defaults.
        defaults = {name: child.get_default() for name, child in self.child_blocks.items()}
        return self.normalize({**defaults, **getattr(self.meta, "preview_value", {})})


class ProjectCardsBlock(LiveBlock):
    heading = heading_block(_("Joint projects"))
    projects = blocks.ListBlock(
        blocks.PageChooserBlock(page_type="projects.ProjectPage", label=_("Project")),
        label=_("Chosen projects"),
        required=False,
        max_num=12,
        help_text=_("Pick projects to show in this order, or leave empty and filter below."),
    )
    department = department_block(_("Only projects with members from this department."))
    status = blocks.ChoiceBlock(
        label=_("Status"), choices=project_status_choices, required=False, default=""
    )
    count = count_block(_("How many at most"), 3)

    data_name = "projects"

    class Meta:
        icon = "folder-open-inverse"
        label = _("Project cards")
        template = "projects/blocks/project_cards.html"
        description = _(
            "Cards of chosen projects, or of the newest ones of a department or status. "
            "Members-only projects show only to their members."
        )
        preview_value = {"heading": _("Joint projects"), "status": "active", "count": 2}

    def clean(self, value):
        result = super().clean(value)
        if result.get("projects") and (result.get("department") or result.get("status")):
            raise blocks.StructBlockValidationError(
                block_errors={
                    "department": _(
                        "Either choose projects or filter by department and status, not both."
                    )
                }
            )
        return result

    def live_data(self, value, user):
        from .block_selectors import project_cards

        return project_cards(
            user,
            chosen_ids=[page.pk for page in value["projects"] if page is not None],
            department=value["department"],
            status=value["status"],
            limit=value["count"] or 3,
        )


class WinsWallBlock(LiveBlock):
    heading = heading_block(_("Latest wins"))
    department = department_block(_("Only wins crediting someone from this department."))
    count = count_block(_("How many"), 6)

    data_name = "wins"

    class Meta:
        icon = "success"
        label = _("Wins wall")
        template = "projects/blocks/wins_wall.html"
        description = _("The newest wins as cards, with cheers; optionally of one department.")
        preview_value = {"heading": _("Latest wins"), "count": 2}

    def live_data(self, value, user):
        from .block_selectors import latest_wins

        return latest_wins(user, department=value["department"], limit=value["count"] or 6)

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        user = getattr((parent_context or {}).get("request"), "user", None)
        context["can_cheer"] = getattr(user, "person", None) is not None
        return context


class MetricChartBlock(LiveBlock):
    heading = blocks.CharBlock(
        label=_("Heading"),
        required=False,
        max_length=120,
        help_text=_("Optional; the chart carries the metric's name."),
    )
    metric = MetricChooserBlock(label=_("Shared metric"))

    data_name = "picture"

    class Meta:
        icon = "crosshairs"
        label = _("Metric chart")
        template = "projects/blocks/metric_chart.html"
        description = _(
            "One shared success metric as its chart, with the data as a table. People who "
            "cannot see its project see a short note instead."
        )

    def get_preview_value(self):
        # A real metric makes a real preview: the first one of a project open to everyone.
        from .models import Metric, Visibility

        metric = Metric.objects.filter(project__visibility=Visibility.ORGANISATION).first()
        return self.normalize({"heading": "", "metric": metric})

    def live_data(self, value, user):
        from .block_selectors import metric_picture_for

        metric = value["metric"]
        metric_id = metric.pk if metric is not None else None
        return metric_picture_for(user, metric_id, chart_id=f"metric-block-{metric_id}")


class CollaborationMapBlock(LiveBlock):
    heading = heading_block(_("Who works with whom"))
    period = blocks.ChoiceBlock(
        label=_("Period"), choices=collaboration_period_choices, default="12m"
    )

    data_name = "collaboration"

    class Meta:
        icon = "site"
        label = _("Collaboration map")
        template = "projects/blocks/collaboration_map.html"
        description = _("Which departments work together in joint projects, over a period.")
        preview_value = {"heading": _("Who works with whom"), "period": "12m"}

    def live_data(self, value, user):
        from .block_selectors import can_see_anything
        from .collaboration import collaboration_map

        if not can_see_anything(user):
            return None
        # One cached map for everyone: it counts only projects open to the whole organisation.
        return collaboration_map(period=value["period"] or "12m")


class UpcomingRetrospectivesBlock(LiveBlock):
    heading = heading_block(_("Retrospectives coming up"))
    department = department_block(_("Only retrospectives of projects with this department."))
    count = count_block(_("How many at most"), 5)

    data_name = "retrospectives"

    class Meta:
        icon = "calendar-check"
        label = _("Upcoming retrospectives")
        template = "projects/blocks/upcoming_retrospectives.html"
        description = _("Retrospectives going on now or planned, with their phase and projects.")
        preview_value = {"heading": _("Retrospectives coming up"), "count": 3}

    def live_data(self, value, user):
        from .block_selectors import upcoming_retrospectives

        return upcoming_retrospectives(
            user, department=value["department"], limit=value["count"] or 5
        )


class PromisesKeptBlock(LiveBlock):
    heading = heading_block(_("Promises kept"))
    department = department_block(
        _("Only the promises of this department's people; empty for the whole organisation.")
    )

    data_name = "promises"

    class Meta:
        icon = "circle-check"
        label = _("Promises kept")
        template = "projects/blocks/promises_kept.html"
        description = _(
            "The share of delivered commitments that were delivered by their promised date."
        )
        preview_value = {"heading": _("Promises kept")}

    def live_data(self, value, user):
        from .block_selectors import promise_record

        return promise_record(user, department=value["department"])


class SpotlightChoiceBlock(blocks.StructBlock):
    person = SnippetChooserBlock("organisation.Person", label=_("Person"))
    why = blocks.CharBlock(
        label=_("Why"),
        required=False,
        max_length=200,
        help_text=_("One sentence, e.g. “Built the shared ticket view with Sales.”"),
    )

    class Meta:
        icon = "user"
        label = _("Person")


class PeopleSpotlightBlock(LiveBlock):
    heading = heading_block(_("People to thank"))
    people = blocks.ListBlock(
        SpotlightChoiceBlock(),
        label=_("Chosen people"),
        required=False,
        max_num=8,
        help_text=_(
            "Leave empty to show, from each department, the person credited in the most wins "
            "of the last 90 days."
        ),
    )
    count = count_block(_("How many when nobody is chosen"), 4, max_value=8)

    data_name = "spotlights"

    class Meta:
        icon = "group"
        label = _("People spotlight")
        template = "projects/blocks/people_spotlight.html"
        description = _("Chosen colleagues and why, or the people behind the most recent wins.")
        preview_value = {"heading": _("People to thank"), "count": 3}

    def live_data(self, value, user):
        from .block_selectors import chosen_spotlight, most_credited

        choices = [
            (choice["person"].pk, choice["why"])
            for choice in value["people"]
            if choice["person"] is not None
        ]
        if choices:
            return chosen_spotlight(user, choices)
        return most_credited(user, limit=value["count"] or 4)

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        context["chosen"] = any(choice["person"] is not None for choice in value["people"])
        return context


class IntranetPageStreamBlock(IntranetStreamBlock):
    """The body of home and standard pages: the shared content blocks plus the live blocks."""

    project_cards = ProjectCardsBlock()
    wins_wall = WinsWallBlock()
    metric_chart = MetricChartBlock()
    collaboration_map = CollaborationMapBlock()
    upcoming_retrospectives = UpcomingRetrospectivesBlock()
    promises_kept = PromisesKeptBlock()
    people_spotlight = PeopleSpotlightBlock()
