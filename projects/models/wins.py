"""Wins: what a joint project achieved, credited to the people (and so departments) behind it.

A win belongs to one or more projects (one win shared by several joint projects is shown in
each), credits one or more people, and gathers cheers and comments from anyone who can see it.
"""

from django.db import models
from django.db.models import Count, Exists, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.fields import RichTextField
from wagtail.images import get_image_model
from wagtail.search import index

from organisation.models import AVATAR_SMALL, Department, Person

from .metrics import CheckIn
from .projects import ProjectPage

# A win's story is a few paragraphs, not a page: emphasis, links and lists.
WIN_STORY_FEATURES = ["bold", "italic", "link", "ol", "ul"]


class Reaction(models.Model):
    """One kind of cheer (🎉 Celebrate). Administrators edit the set as a Wagtail snippet."""

    name = models.CharField(_("name"), max_length=40, unique=True)
    symbol = models.CharField(_("symbol"), max_length=8, help_text=_("An emoji, e.g. 🎉"))
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    # Retired reactions keep the cheers already given but are no longer offered.
    is_offered = models.BooleanField(_("offered"), default=True)

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = _("cheer reaction")
        verbose_name_plural = _("cheer reactions")

    def __str__(self):
        return f"{self.symbol} {self.name}"


def win_links_visible_to(user):
    """The win-project links of the projects `user` may see: visible_to()'s rule as rows of
    win ids, for filters that need only the ids. A search filtered this way skips looking up
    each visible win by its key (45,000 on the large organisation)."""
    visible_projects = ProjectPage.objects.visible_to(user).order_by().values("pk")
    return Win.projects.through.objects.filter(projectpage__in=visible_projects)


class WinQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Wins in at least one project this user may see (see also win_links_visible_to)."""
        if user.is_superuser:
            return self
        visible = ProjectPage.objects.visible_to(user).filter(pk=OuterRef("projectpage_id"))
        shared = Win.projects.through.objects.filter(win=OuterRef("pk")).filter(Exists(visible))
        return self.filter(Exists(shared))

    def in_project(self, project):
        return self.filter(projects=project)

    def crediting(self, person):
        return self.filter(credits__person=person).distinct()

    def crediting_department(self, department):
        """Wins where at least one credited person represented this department."""
        return self.filter(
            Exists(WinCredit.objects.filter(win=OuterRef("pk"), department=department))
        )

    def newest_first(self):
        return self.order_by("-day", "-created_at", "-pk")

    def for_cards(self):
        """Everything a win card shows, in a fixed number of queries however many wins."""
        images = get_image_model().objects.prefetch_renditions(AVATAR_SMALL)
        credits = WinCredit.objects.select_related("person__user", "department").prefetch_related(
            Prefetch("person__photo", queryset=images)
        )
        return (
            self.select_related("posted_by__user", "check_in__metric", "image")
            .prefetch_related(
                Prefetch("credits", queryset=credits),
                Prefetch(
                    "projects",
                    queryset=ProjectPage.objects.only(
                        "id", "title", "url_path", "slug", "path", "depth", "visibility"
                    ),
                ),
            )
            .annotate(comment_count=_comment_count())
        )


def _comment_count():
    # A subquery per win shown, not COUNT over a join with GROUP BY: grouping made the
    # database count the comments of every visible win before it could keep a page of them,
    # and kept the join in the paginator's COUNT too.
    counted = (
        WinComment.objects.filter(win=OuterRef("pk"))
        .order_by()
        .values("win")
        .annotate(total=Count("pk"))
        .values("total")
    )
    return Coalesce(Subquery(counted), 0)


class Win(index.Indexed, models.Model):
    title = models.CharField(_("title"), max_length=140)
    story = RichTextField(_("story"), features=WIN_STORY_FEATURES, blank=True)
    day = models.DateField(_("date"), default=timezone.localdate)
    projects = models.ManyToManyField(ProjectPage, verbose_name=_("projects"), related_name="wins")
    posted_by = models.ForeignKey(
        Person, verbose_name=_("posted by"), on_delete=models.PROTECT, related_name="wins_posted"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    check_in = models.ForeignKey(
        CheckIn,
        verbose_name=_("metric check-in"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="wins",
        help_text=_("The measurement that shows the win, e.g. a jump in a shared metric."),
    )
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = WinQuerySet.as_manager()

    search_fields = [
        index.SearchField("title", boost=2),
        index.SearchField("story"),
        index.AutocompleteField("title"),
        index.FilterField("day"),
        # Site search narrows results to the wins a user may see by id (sitesearch.search).
        index.FilterField("id"),
    ]

    class Meta:
        ordering = ["-day", "-created_at", "-pk"]
        verbose_name = _("win")
        verbose_name_plural = _("wins")
        indexes = [models.Index(fields=["-day", "-created_at"], name="win_newest_first")]

    def __str__(self):
        return self.title

    @property
    def credited_departments(self):
        """Departments the credited people represented, in credit order, each once.

        Reads the prefetched credits when `for_cards()` loaded them.
        """
        seen = {}
        for credit in self.credits.all():
            seen.setdefault(credit.department_id, credit.department)
        return list(seen.values())

    @property
    def spans_departments(self):
        return len(self.credited_departments) > 1


class WinCredit(models.Model):
    """A person credited for a win, with the department they represented at the time."""

    win = models.ForeignKey(Win, on_delete=models.CASCADE, related_name="credits")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="win_credits")
    # Kept as it was when the win was posted, like a membership's department.
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="win_credits")

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["win", "person"], name="one_credit_per_person")
        ]

    def __str__(self):
        return f"{self.person} credited in {self.win}"


class Cheer(models.Model):
    """One reaction by one person on one win; the constraint keeps counts exact under races."""

    win = models.ForeignKey(Win, on_delete=models.CASCADE, related_name="cheers")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="cheers")
    reaction = models.ForeignKey(Reaction, on_delete=models.PROTECT, related_name="cheers")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["win", "person", "reaction"], name="one_cheer_per_reaction"
            )
        ]

    def __str__(self):
        return f"{self.reaction} from {self.person} on {self.win}"


class WinComment(models.Model):
    """Plain text; @first.last mentions a person, @project everyone in the win's projects."""

    win = models.ForeignKey(Win, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="win_comments")
    text = models.TextField(_("comment"), max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.author} on {self.win}"
