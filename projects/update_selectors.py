"""Reading status updates and promise records for the project page, the update history and
the project index, each in a fixed number of queries."""

from dataclasses import dataclass
from itertools import pairwise

from django.db.models import F, Prefetch, Window
from django.db.models.functions import Lead
from django.utils import timezone
from wagtail.images import get_image_model

from organisation.models import AVATAR_SMALL

from .models import Commitment, PromiseRecord, StatusUpdate, UpdateCadence


@dataclass(frozen=True)
class PromiseSummary:
    """A PromiseRecord as people read it: "4 of 5 (80%) · on average 1.5 days early"."""

    record: PromiseRecord

    @property
    def delivered(self):
        return self.record.delivered

    @property
    def kept(self):
        return self.record.kept

    @property
    def percent(self):
        return self.record.kept_percent

    @property
    def days(self):
        """How many days early or late on average, rounded to a tenth, without the sign."""
        average = self.record.average_days_late
        return None if average is None else round(abs(average), 1)

    @property
    def lean(self):
        """ "early", "late" or "on_time" on average; None before anything was delivered."""
        if self.days is None:
            return None
        if self.days == 0:
            return "on_time"
        return "late" if self.record.average_days_late > 0 else "early"

    @property
    def days_plural(self):
        # A number for {% blocktranslate count %}: only exactly one day is singular
        # ("1 day", "1.5 days", "0.5 days").
        return 1 if self.days == 1 else 2


def commitment_promises(commitments):
    """The promise record of a queryset of commitments, in one query."""
    return PromiseSummary(commitments.promise_record())


def organisation_promises(projects):
    """Promises kept across these projects (the index passes the ones the viewer may see)."""
    return commitment_promises(Commitment.objects.filter(project__in=projects.values("pk")))


def with_authors(updates):
    """Updates with what their byline shows: name, department, photo."""
    images = get_image_model().objects.prefetch_renditions(AVATAR_SMALL)
    return updates.select_related("author__user", "author__department").prefetch_related(
        Prefetch("author__photo", queryset=images)
    )


def project_status_context(project, access):
    """Context for templates/projects/includes/status_panel.html."""
    today = timezone.localdate()
    return {
        "latest_update": with_authors(project.status_updates.all()).first(),
        "update_overdue_days": (
            (today - project.next_update_due).days if project.is_update_overdue else None
        ),
        "commitment_promises": commitment_promises(project.commitments.all()),
        "can_post_update": access.can("post_update"),
    }


def updates_newest_first(project):
    """All the project's updates, newest first, each knowing when the following one came."""
    following = Window(Lead("created_at"), order_by=[F("created_at").asc(), F("pk").asc()])
    return with_authors(project.status_updates.annotate(next_posted_at=following)).order_by(
        "-created_at", "-pk"
    )


KEPT, LATE, WAITING, OVERDUE = "kept", "late", "waiting", "overdue"


def mark_promises(updates, project, today=None):
    """Say of each update (from updates_newest_first) whether its promised next date was kept.

    Sets `next_posted_on` (the day the following update came, or None), `promise_state`
    (kept, late, waiting, or overdue) and `promise_days` (days late or overdue).
    """
    today = today or timezone.localdate()
    for update in updates:
        promised = update.next_update_due
        if update.next_posted_at is None:
            update.next_posted_on = None
            # A project without a cadence is never nagged, not even in its history.
            overdue = promised < today and project.update_cadence != UpdateCadence.NONE
            update.promise_state = OVERDUE if overdue else WAITING
            update.promise_days = (today - promised).days if overdue else None
        else:
            update.next_posted_on = timezone.localdate(update.next_posted_at)
            late_by = (update.next_posted_on - promised).days
            update.promise_state = LATE if late_by > 0 else KEPT
            update.promise_days = late_by if late_by > 0 else None
    return updates


def update_promises(project):
    """How often the next update came by its promised date, as a PromiseRecord (one query).

    Only promises followed by an update count as delivered; their lateness is the days from
    the promised date to the following update.
    """
    rows = list(
        StatusUpdate.objects.filter(project=project)
        .order_by("created_at", "pk")
        .values_list("created_at", "next_update_due")
    )
    lateness = [
        (timezone.localdate(posted_at) - promised).days
        for (_, promised), (posted_at, _) in pairwise(rows)
    ]
    return PromiseSummary(
        PromiseRecord(
            delivered=len(lateness),
            kept=sum(1 for days in lateness if days <= 0),
            average_days_late=sum(lateness) / len(lateness) if lateness else None,
        )
    )
