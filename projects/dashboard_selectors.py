"""What "My work" shows one person. Each section is one or two queries however much there is."""

from dataclasses import dataclass

from django.db.models import F, Prefetch

from notifications.models import Notification

from .models import (
    Commitment,
    Membership,
    ProjectPage,
    ProjectStatus,
    Role,
    UpdateCadence,
    Win,
)

LATEST_WINS = 5
LATEST_NOTIFICATIONS = 5


def updates_owed(person):
    """Live projects this person leads that promise regular status updates and are not
    finished: never-posted and overdue first (the earliest promised date), then by date."""
    return list(
        ProjectPage.objects.live()
        .filter(memberships__person=person, memberships__role=Role.LEAD)
        .exclude(update_cadence=UpdateCadence.NONE)
        .exclude(status=ProjectStatus.COMPLETED)
        .order_by(F("next_update_due").asc(nulls_first=True), "title")
    )


def open_commitments(person, user):
    """This person's open promises, soonest due first, in projects they may still see."""
    visible = ProjectPage.objects.live().visible_to(user).values("pk")
    return list(
        Commitment.objects.open()
        .filter(owner=person, project__in=visible)
        .select_related("project")
        .order_by("due_date", "pk")
    )


def memberships(person):
    """The person's live projects with their role and the department they represent."""
    return list(
        Membership.objects.filter(person=person, project__live=True)
        .select_related("project", "department")
        .order_by("project__title", "pk")
    )


def wins_crediting(person, user):
    """(how many visible wins credit this person, the latest few with their projects)."""
    wins = Win.objects.visible_to(user).crediting(person)
    # Only the projects the person may see: a win shared with a members-only project names
    # just the others to people outside it.
    projects = ProjectPage.objects.visible_to(user).only(
        "id", "title", "url_path", "slug", "path", "depth"
    )
    latest = list(
        wins.newest_first().prefetch_related(Prefetch("projects", queryset=projects))[:LATEST_WINS]
    )
    return wins.count(), latest


def latest_unread_notifications(user):
    return list(Notification.objects.for_user(user).unread().for_display()[:LATEST_NOTIFICATIONS])


@dataclass
class MyWork:
    updates_owed: list
    open_commitments: list
    memberships: list
    wins: list
    wins_count: int

    @property
    def overdue_updates(self):
        return sum(1 for project in self.updates_owed if project.is_update_overdue)

    @property
    def overdue_commitments(self):
        return sum(1 for commitment in self.open_commitments if commitment.is_overdue)


def my_work(person, user):
    wins_count, wins = wins_crediting(person, user)
    return MyWork(
        updates_owed=updates_owed(person),
        open_commitments=open_commitments(person, user),
        memberships=memberships(person),
        wins=wins,
        wins_count=wins_count,
    )
