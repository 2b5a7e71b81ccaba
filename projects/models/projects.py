"""Joint projects: pages where people from several departments meet, ideate and execute."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Avg, Count, Exists, ExpressionWrapper, F, OuterRef, Prefetch, Q
from django.http import Http404
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.fields import StreamField
from wagtail.images import get_image_model
from wagtail.models import Orderable, Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index

from intranet.blocks import IntranetStreamBlock
from organisation.models import AVATAR_SMALL, Department, Person


def joint_minimum():
    return settings.JOINT_PROJECT_MIN_DEPARTMENTS


class ProjectIndexPage(RoutablePageMixin, Page):
    introduction = models.TextField(_("introduction"), max_length=400, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("introduction")]
    parent_page_types = ["intranet.HomePage"]
    subpage_types = ["projects.ProjectPage"]
    max_count = 1
    template = "projects/project_index_page.html"

    class Meta:
        verbose_name = _("project index")

    @classmethod
    def get_subpage_urls(cls):
        from ..routes import index_urlpatterns

        return index_urlpatterns


class ProjectStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    COMPLETED = "completed", _("Completed")


class Visibility(models.TextChoices):
    ORGANISATION = "organisation", _("Whole organisation")
    MEMBERS = "members", _("Members only")


class UpdateCadence(models.TextChoices):
    """How often a project promises a status update. Without one, nobody is nagged."""

    NONE = "none", _("No regular updates")
    WEEKLY = "weekly", _("Weekly")
    FORTNIGHTLY = "fortnightly", _("Every two weeks")
    MONTHLY = "monthly", _("Monthly")

    @property
    def days(self):
        return {"none": None, "weekly": 7, "fortnightly": 14, "monthly": 30}[self.value]


class ProjectQuerySet(PageQuerySet):
    def visible_to(self, user):
        """Projects this user may see: open to the organisation, or ones they belong to."""
        if user.is_superuser:
            return self
        is_member = Membership.objects.filter(project=OuterRef("pk"), person__user=user)
        return self.filter(Q(visibility=Visibility.ORGANISATION) | Q(Exists(is_member)))

    def hidden_from(self, user):
        """Members-only projects this user may not see: kept out of search and listings."""
        return self.filter(visibility=Visibility.MEMBERS).exclude(
            pk__in=self.visible_to(user).values("pk")
        )

    def with_department_count(self):
        return self.annotate(
            department_count=Count("memberships__department", distinct=True),
            member_count=Count("memberships", distinct=True),
        )

    def involving_department(self, department):
        return self.filter(memberships__department=department).distinct()

    def with_member(self, person):
        return self.filter(memberships__person=person)

    def update_overdue(self, today=None):
        """Projects whose promised next status update date has passed."""
        return self.exclude(update_cadence=UpdateCadence.NONE).filter(
            next_update_due__lt=today or timezone.localdate()
        )


ProjectManager = PageManager.from_queryset(ProjectQuerySet)


class ProjectPage(RoutablePageMixin, Page):
    purpose = models.CharField(
        _("purpose"), max_length=200, help_text=_("One line: what the project will achieve.")
    )
    charter = StreamField(IntranetStreamBlock(), verbose_name=_("charter"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ProjectStatus, default=ProjectStatus.PROPOSED
    )
    visibility = models.CharField(
        _("visibility"), max_length=20, choices=Visibility, default=Visibility.ORGANISATION
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    target_date = models.DateField(_("target date"), null=True, blank=True)
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("cover image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    update_cadence = models.CharField(
        _("status update cadence"),
        max_length=20,
        choices=UpdateCadence,
        default=UpdateCadence.NONE,
        help_text=_("How often the leads promise a status update."),
    )
    # The date the latest status update promised the next one. Kept on the page, not read
    # from the updates, so the index, dashboards and reminders find overdue projects by filter.
    next_update_due = models.DateField(_("next update due"), null=True, blank=True)

    objects = ProjectManager()

    content_panels = [
        *Page.content_panels,
        FieldPanel("purpose"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("status"), FieldPanel("visibility")]),
                FieldRowPanel([FieldPanel("start_date"), FieldPanel("target_date")]),
                FieldRowPanel([FieldPanel("update_cadence"), FieldPanel("next_update_due")]),
            ],
            heading=_("Status and dates"),
        ),
        FieldPanel("cover_image"),
        InlinePanel("stakes", label=_("Why it matters, per department")),
        FieldPanel("charter"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("purpose"),
        index.SearchField("charter"),
        index.FilterField("status"),
        index.FilterField("visibility"),
    ]
    parent_page_types = ["projects.ProjectIndexPage"]
    subpage_types = []
    template = "projects/project_page.html"

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")

    @cached_property
    def departments(self):
        """Departments represented by the members, largest first."""
        return list(
            Department.objects.filter(memberships__project=self)
            .annotate(members_here=Count("memberships"))
            .order_by("-members_here", "name")
        )

    @property
    def is_joint(self):
        return self.pk is not None and len(self.departments) >= joint_minimum()

    @property
    def is_update_overdue(self):
        return (
            self.update_cadence != UpdateCadence.NONE
            and self.next_update_due is not None
            and self.next_update_due < timezone.localdate()
        )

    @property
    def departments_missing(self):
        return max(joint_minimum() - len(self.departments), 0)

    def clean(self):
        super().clean()
        # Only the move to active is refused: an active project that loses a partner
        # department shows the warning, but can still be edited.
        if self.status == ProjectStatus.ACTIVE and not self.is_joint:
            stored = ProjectPage.objects.filter(pk=self.pk).values_list("status", flat=True)
            if self.pk is None or stored.first() != ProjectStatus.ACTIVE:
                raise ValidationError({"status": not_joint_message()})

    def serve(self, request, view=None, args=None, kwargs=None):
        """Every view of a project passes here: members-only projects are a 404 to others."""
        from ..permissions import ProjectAccess

        access = ProjectAccess(request.user, self)
        if not access.can("view"):
            raise Http404
        request.project_access = access
        return super().serve(request, view, args, kwargs)

    @classmethod
    def get_subpage_urls(cls):
        # Day-to-day actions live under the project's own address, e.g. /projects/<slug>/ideas/.
        from ..routes import project_urlpatterns

        return project_urlpatterns


def not_joint_message():
    return _(
        "A project can become active only when its members come from at least %(count)d "
        "departments. Invite someone from a partner department first."
    ) % {"count": joint_minimum()}


class DepartmentStake(Orderable):
    """Why the project matters to one of the departments involved."""

    project = ParentalKey(ProjectPage, on_delete=models.CASCADE, related_name="stakes")
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.CASCADE, related_name="+"
    )
    why_it_matters = models.TextField(_("why it matters"), max_length=600)

    panels = [FieldPanel("department"), FieldPanel("why_it_matters")]

    class Meta(Orderable.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["project", "department"], name="one_stake_per_department"
            )
        ]


class Role(models.TextChoices):
    SPONSOR = "sponsor", _("Sponsor")
    LEAD = "lead", _("Lead")
    MEMBER = "member", _("Member")


class MembershipQuerySet(models.QuerySet):
    def leads(self):
        return self.filter(role=Role.LEAD)

    def for_team(self):
        """Everything "meet the team" shows, in a fixed number of queries."""
        images = get_image_model().objects.prefetch_renditions(AVATAR_SMALL)
        return self.select_related(
            "person__user", "person__department", "department"
        ).prefetch_related(Prefetch("person__photo", queryset=images))


class Membership(models.Model):
    project = models.ForeignKey(ProjectPage, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role, default=Role.MEMBER)
    # Kept as it was on joining: the department the person represents here, even if they move.
    department = models.ForeignKey(
        Department,
        verbose_name=_("department represented"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    what_i_bring = models.TextField(_("what I bring"), max_length=500, blank=True)
    whats_in_it_for_my_team = models.TextField(
        _("what's in it for my team"), max_length=500, blank=True
    )
    joined_at = models.DateTimeField(_("joined"), default=timezone.now)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["joined_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["project", "person"], name="one_membership_per_person")
        ]

    def __str__(self):
        return f"{self.person} in {self.project}"


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class Decision(models.Model):
    """Something waiting for one person's yes or no: a request to join, an invitation."""

    status = models.CharField(max_length=20, choices=RequestStatus, default=RequestStatus.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["created_at", "pk"]
        constraints = [
            # At most one open question per person and project.
            models.UniqueConstraint(
                fields=["project", "person"],
                condition=Q(status="pending"),
                name="%(app_label)s_%(class)s_one_pending",
            )
        ]

    def decide(self, *, accept):
        self.status = RequestStatus.ACCEPTED if accept else RequestStatus.DECLINED
        self.decided_at = timezone.now()


class JoinRequest(Decision):
    """A person asks to join; a lead accepts or declines."""

    project = models.ForeignKey(ProjectPage, on_delete=models.CASCADE, related_name="join_requests")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="join_requests")
    note = models.TextField(_("note"), max_length=500, blank=True)
    decided_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self):
        return f"{self.person} asks to join {self.project}"


class Invitation(Decision):
    """A lead invites a person; the person accepts or declines."""

    project = models.ForeignKey(ProjectPage, on_delete=models.CASCADE, related_name="invitations")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="invitations")
    invited_by = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=20, choices=Role, default=Role.MEMBER)
    message = models.TextField(_("message"), max_length=500, blank=True)

    def __str__(self):
        return f"{self.person} invited to {self.project}"


class IdeaQuerySet(models.QuerySet):
    def for_board(self, viewer):
        """Ideas with their +1 count and whether the viewer gave one, most supported first."""
        voted = IdeaVote.objects.filter(idea=OuterRef("pk"), person=viewer) if viewer else None
        queryset = self.select_related(
            "author__user", "author__department", "commitment__owner__user"
        )
        queryset = queryset.annotate(vote_count=Count("votes"))
        if voted is not None:
            queryset = queryset.annotate(viewer_voted=Exists(voted))
        return queryset.order_by("-vote_count", "-created_at", "-pk")


class Idea(models.Model):
    project = models.ForeignKey(ProjectPage, on_delete=models.CASCADE, related_name="ideas")
    author = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="ideas")
    title = models.CharField(_("title"), max_length=120)
    text = models.TextField(_("details"), max_length=1000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    commitment = models.OneToOneField(
        "projects.Commitment",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="idea",
    )

    objects = IdeaQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.title


class IdeaVote(models.Model):
    """A +1. The unique constraint keeps counts exact when people click at the same moment."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="votes")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["idea", "person"], name="one_vote_per_idea")]

    def __str__(self):
        return f"+1 from {self.person} on {self.idea}"


class Timeliness(models.TextChoices):
    EARLY = "early", _("Delivered early")
    ON_TIME = "on_time", _("Delivered on time")
    LATE = "late", _("Delivered late")


@dataclass(frozen=True)
class PromiseRecord:
    """How well promises were kept: the share delivered by their date, and by how much."""

    delivered: int
    kept: int
    # Positive: delivered late on average; negative: early. None when nothing was delivered.
    average_days_late: float | None

    @property
    def kept_share(self):
        return self.kept / self.delivered if self.delivered else None

    @property
    def kept_percent(self):
        return None if self.kept_share is None else round(self.kept_share * 100)

    @property
    def average_days_early(self):
        return None if self.average_days_late is None else -self.average_days_late


class CommitmentQuerySet(models.QuerySet):
    def open(self):
        return self.filter(delivered_on__isnull=True)

    def delivered(self):
        return self.filter(delivered_on__isnull=False)

    def overdue(self, today=None):
        return self.open().filter(due_date__lt=today or timezone.localdate())

    def due_within(self, days, today=None):
        """Open commitments falling due from today to `days` ahead (reminder candidates)."""
        today = today or timezone.localdate()
        return self.open().filter(due_date__gte=today, due_date__lte=today + timedelta(days=days))

    def promise_record(self):
        """Promises kept over this queryset, computed by the database in one query."""
        lateness = ExpressionWrapper(
            F("delivered_on") - F("due_date"), output_field=models.DurationField()
        )
        totals = self.delivered().aggregate(
            delivered=Count("pk"),
            kept=Count("pk", filter=Q(delivered_on__lte=F("due_date"))),
            average_lateness=Avg(lateness),
        )
        average = totals["average_lateness"]
        return PromiseRecord(
            delivered=totals["delivered"],
            kept=totals["kept"],
            average_days_late=None if average is None else average.total_seconds() / 86400,
        )


class Commitment(models.Model):
    """A promised action with an owner and a due date: nobody is left alone with a problem."""

    project = models.ForeignKey(ProjectPage, on_delete=models.CASCADE, related_name="commitments")
    title = models.CharField(_("what will be done"), max_length=200)
    owner = models.ForeignKey(
        Person, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="commitments"
    )
    due_date = models.DateField(_("due date"))
    created_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    delivered_on = models.DateField(_("delivered on"), null=True, blank=True)
    # Action items decided in a retrospective, and the shared metric they should move.
    retrospective = models.ForeignKey(
        "projects.Retrospective",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="actions",
    )
    retro_item = models.ForeignKey(
        "projects.RetroItem", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    metric = models.ForeignKey(
        "projects.Metric",
        verbose_name=_("metric it should move"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="commitments",
    )

    objects = CommitmentQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "pk"]

    def __str__(self):
        return self.title

    @property
    def is_overdue(self):
        return self.delivered_on is None and self.due_date < timezone.localdate()

    @property
    def days_late(self):
        """Days after the promised date it was delivered (negative: early); None while open."""
        if self.delivered_on is None:
            return None
        return (self.delivered_on - self.due_date).days

    @property
    def days_early(self):
        return None if self.delivered_on is None else -self.days_late

    @property
    def timeliness(self):
        if self.delivered_on is None:
            return None
        if self.days_late < 0:
            return Timeliness.EARLY
        return Timeliness.ON_TIME if self.days_late == 0 else Timeliness.LATE


class ActivityKind(models.TextChoices):
    PROJECT_STARTED = "project_started", _("started the project")
    JOINED = "joined", _("joined")
    LEFT = "left", _("left")
    ROLE_CHANGED = "role_changed", _("changed a role")
    STATUS_CHANGED = "status_changed", _("changed the status")
    IDEA_POSTED = "idea_posted", _("posted an idea")
    COMMITMENT_MADE = "commitment_made", _("made a commitment")
    COMMITMENT_DELIVERED = "commitment_delivered", _("delivered a commitment")
    METRIC_PROPOSED = "metric_proposed", _("proposed a metric")
    METRIC_AGREED = "metric_agreed", _("agreed a metric")
    METRIC_CHANGED = "metric_changed", _("changed a metric")
    CHECKED_IN = "checked_in", _("checked in")
    WIN_POSTED = "win_posted", _("posted a win")
    UPDATE_POSTED = "update_posted", _("posted a status update")
    RETRO_CLOSED = "retro_closed", _("closed a retrospective")


class Activity(models.Model):
    """One row per event on a project's timeline, whatever its kind: one query reads them all.

    `summary` holds names and titles as they were (an idea's title, who changed role) and
    `detail` a code (the new status or role), so the timeline never needs to join the table
    each kind came from, and labels are translated when shown, in the reader's language.
    """

    project = models.ForeignKey(ProjectPage, on_delete=models.CASCADE, related_name="activity")
    actor = models.ForeignKey(Person, null=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(max_length=40, choices=ActivityKind)
    summary = models.CharField(max_length=300, blank=True)
    detail = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = _("activity")

    def __str__(self):
        return f"{self.actor} {self.get_kind_display()}: {self.summary}"

    @property
    def detail_label(self):
        from .updates import Health

        choices = {**dict(ProjectStatus.choices), **dict(Role.choices), **dict(Health.choices)}
        return choices.get(self.detail, self.detail)
