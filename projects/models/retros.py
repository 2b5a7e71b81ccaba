"""Team retrospectives: formats, the board's items and dot votes, notes, and the phases.

A retrospective belongs to one project or spans several. Its columns are copied from the
format when it is created, so editing a format never changes a retrospective already held.

Anonymity: an anonymous item stores no author and no creation time (a time could be matched
against who joined the board when). It keeps the department the author represented, which the
board shows only in aggregate and only for departments with at least
RETRO_ANONYMITY_THRESHOLD participants.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.models import Orderable
from wagtail.search import index

from organisation.models import Department, Person

from .projects import ProjectPage

# Per-department counts of anonymous items appear only when at least this many people of
# the department took part: below it, a count could point at one person.
RETRO_ANONYMITY_THRESHOLD = 3


class RetroFormat(ClusterableModel):
    """A way to run a retrospective (Start / Stop / Continue …); editors add their own."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    description = models.TextField(_("description"), max_length=500, blank=True)

    panels = [FieldPanel("name"), FieldPanel("description"), InlinePanel("columns", min_num=2)]

    class Meta:
        ordering = ["name"]
        verbose_name = _("retrospective format")
        verbose_name_plural = _("retrospective formats")

    def __str__(self):
        return self.name


class RetroFormatColumn(Orderable):
    format = ParentalKey(RetroFormat, on_delete=models.CASCADE, related_name="columns")
    title = models.CharField(_("title"), max_length=60)
    prompt = models.CharField(_("prompt"), max_length=200, blank=True)

    panels = [FieldPanel("title"), FieldPanel("prompt")]

    def __str__(self):
        return self.title


class RetroPhase(models.TextChoices):
    REVIEW = "review", _("Opening review")
    COLLECT = "collect", _("Collect")
    GROUP = "group", _("Group")
    VOTE = "vote", _("Vote")
    DISCUSS = "discuss", _("Discuss")
    ACTIONS = "actions", _("Actions")
    CLOSED = "closed", _("Closed")


# The order the facilitator moves through; the opening review can be skipped.
PHASE_ORDER = [
    RetroPhase.REVIEW,
    RetroPhase.COLLECT,
    RetroPhase.GROUP,
    RetroPhase.VOTE,
    RetroPhase.DISCUSS,
    RetroPhase.ACTIONS,
    RetroPhase.CLOSED,
]


class RetrospectiveQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Retrospectives of at least one project this user may see."""
        if user.is_superuser:
            return self
        visible = ProjectPage.objects.visible_to(user).values("pk")
        return self.filter(projects__in=visible).distinct()

    def for_project(self, project):
        return self.filter(projects=project)

    def open(self):
        return self.exclude(phase=RetroPhase.CLOSED)


class Retrospective(index.Indexed, models.Model):
    title = models.CharField(_("title"), max_length=140)
    projects = models.ManyToManyField(
        ProjectPage, verbose_name=_("projects"), related_name="retrospectives"
    )
    held_on = models.DateField(_("date"), default=timezone.localdate)
    facilitator = models.ForeignKey(
        Person,
        verbose_name=_("facilitator"),
        on_delete=models.PROTECT,
        related_name="retrospectives_facilitated",
    )
    format = models.ForeignKey(
        RetroFormat, verbose_name=_("format"), on_delete=models.PROTECT, related_name="+"
    )
    phase = models.CharField(
        _("phase"), max_length=20, choices=RetroPhase, default=RetroPhase.REVIEW
    )
    votes_per_person = models.PositiveSmallIntegerField(_("dot votes per person"), default=3)
    created_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    # Bumped on every change to the board, so a polling browser re-renders only when needed.
    revision = models.PositiveIntegerField(default=0)
    closed_at = models.DateTimeField(null=True, blank=True)
    # The published summary, written when the facilitator closes the retrospective.
    summary = models.TextField(_("summary"), blank=True)

    objects = RetrospectiveQuerySet.as_manager()

    search_fields = [
        index.SearchField("title", boost=2),
        index.SearchField("summary"),
        index.FilterField("phase"),
        # Site search narrows results to the retrospectives a user may see by id.
        index.FilterField("id"),
    ]

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("retrospective")
        verbose_name_plural = _("retrospectives")

    def __str__(self):
        return self.title

    @property
    def is_closed(self):
        return self.phase == RetroPhase.CLOSED


class RetroColumn(models.Model):
    """A column of one retrospective, copied from its format."""

    retrospective = models.ForeignKey(
        Retrospective, on_delete=models.CASCADE, related_name="columns"
    )
    title = models.CharField(max_length=60)
    prompt = models.CharField(max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return self.title


class RetroParticipant(models.Model):
    """Someone who took part, for the department they represent. No timestamp on purpose
    (see the module's note on anonymity)."""

    retrospective = models.ForeignKey(
        Retrospective, on_delete=models.CASCADE, related_name="participants"
    )
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["retrospective", "person"], name="one_participation_per_person"
            )
        ]

    def __str__(self):
        return f"{self.person} in {self.retrospective}"


class RetroItem(models.Model):
    retrospective = models.ForeignKey(Retrospective, on_delete=models.CASCADE, related_name="items")
    column = models.ForeignKey(RetroColumn, on_delete=models.CASCADE, related_name="items")
    text = models.TextField(_("text"), max_length=1000)
    # Null for anonymous items: the author is stored nowhere.
    author = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    is_anonymous = models.BooleanField(_("anonymous"), default=False)
    # Null for anonymous items (a time could identify the author).
    created_at = models.DateTimeField(null=True, blank=True)
    # Grouping merges duplicates: a merged item points at the item it joined.
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged"
    )

    class Meta:
        ordering = ["column__position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_anonymous=False) | Q(author__isnull=True, created_at__isnull=True),
                name="anonymous_items_keep_no_author",
            )
        ]

    def __str__(self):
        return self.text[:60]


class RetroVote(models.Model):
    """One dot. A person's dots are numbered 1..N; the unique slot keeps the limit exact when
    they click several times at once (the losing insert finds its slot taken)."""

    retrospective = models.ForeignKey(Retrospective, on_delete=models.CASCADE, related_name="votes")
    item = models.ForeignKey(RetroItem, on_delete=models.CASCADE, related_name="votes")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    slot = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["retrospective", "person", "slot"], name="one_vote_per_slot"
            )
        ]

    def __str__(self):
        return f"dot {self.slot} on {self.item_id}"


class RetroNote(models.Model):
    """A note taken while discussing an item."""

    item = models.ForeignKey(RetroItem, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("note"), max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.text[:60]
