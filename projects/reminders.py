"""Reminders before promised dates, and escalation of overdue promises (run daily).

- A commitment falling due within REMINDER_LEAD_DAYS: its owner is reminded.
- A next status update falling due within the lead time: the project's leads are reminded.
- An overdue commitment: its owner and the project's leads hear of it.
- An overdue next update: the project's leads and sponsors hear of it.

Projects without an update cadence are never nagged about updates; completed projects not at
all. Each notification has a key naming the promise and its date, so a second run the same
day (or the next day) sends nothing twice, while a new promised date starts afresh.
The whole run takes a fixed number of queries, however many promises there are.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from notifications.models import Notification, NotificationKind
from notifications.services import EMAIL_STATE_FOR_CHOICE, after_creating, email_choices, notify

from .models import Commitment, Membership, ProjectPage, ProjectStatus, Role, UpdateCadence


@dataclass(frozen=True)
class Reminder:
    """One notification to send: to whom, of what kind, about what, once per key."""

    recipient: object  # a user
    kind: str
    project: ProjectPage
    subject: str
    url: str
    key: str


def projects_to_watch():
    """Live projects that are not completed: the only ones anybody is reminded about."""
    return ProjectPage.objects.live().exclude(status=ProjectStatus.COMPLETED)


def _people_in_charge(project_ids):
    """{project id: {"lead": [user, ...], "sponsor": [user, ...]}} in one query."""
    people = defaultdict(lambda: defaultdict(list))
    memberships = Membership.objects.filter(
        project__in=project_ids, role__in=[Role.LEAD, Role.SPONSOR]
    ).select_related("person__user")
    for membership in memberships:
        people[membership.project_id][membership.role].append(membership.person.user)
    return people


def _commitment_reminders(commitments, in_charge, today):
    for commitment in commitments:
        project = commitment.project
        url = f"{project.url}#commitment-{commitment.pk}"
        owner = commitment.owner.user
        if commitment.due_date >= today:
            yield Reminder(
                owner,
                NotificationKind.COMMITMENT_DUE,
                project,
                commitment.title,
                url,
                f"commitment:{commitment.pk}:due:{commitment.due_date}",
            )
            continue
        key = f"commitment:{commitment.pk}:overdue:{commitment.due_date}"
        for user in [owner, *in_charge[project.pk][Role.LEAD]]:
            yield Reminder(user, NotificationKind.OVERDUE, project, commitment.title, url, key)


def _update_reminders(projects, in_charge, today):
    for project in projects:
        url = f"{project.url}updates/new/"
        due = project.next_update_due
        leads = in_charge[project.pk][Role.LEAD]
        if due >= today:
            key, kind = f"update:{project.pk}:due:{due}", NotificationKind.UPDATE_DUE
            recipients = leads
        else:
            key, kind = f"update:{project.pk}:overdue:{due}", NotificationKind.OVERDUE
            recipients = [*leads, *in_charge[project.pk][Role.SPONSOR]]
        for user in recipients:
            yield Reminder(user, kind, project, project.title, url, key)


def _new_only(reminders):
    """Drop reminders already sent (same recipient and key), inactive people and repeats."""
    sent = set(
        Notification.objects.filter(key__in={r.key for r in reminders}).values_list(
            "recipient_id", "key"
        )
    )
    fresh = {}
    for reminder in reminders:
        pair = (reminder.recipient.pk, reminder.key)
        if reminder.recipient.is_active and pair not in sent:
            fresh.setdefault(pair, reminder)
    return list(fresh.values())


def _send(reminders):
    """Create the notifications in one insert (plus one preference query per kind).

    notify() makes one insert per notification so that each key can be refused on its own;
    the reminders already left out every key sent before, so one insert does. If a run at
    the same moment got there first, the insert fails as a whole and notify() sends the rest.
    """
    by_kind = defaultdict(list)
    for reminder in reminders:
        by_kind[reminder.kind].append(reminder)
    notifications = []
    for kind, group in by_kind.items():
        choices = email_choices(list({r.recipient.pk: r.recipient for r in group}.values()), kind)
        notifications += [
            Notification(
                recipient=r.recipient,
                kind=kind,
                project=r.project,
                subject=r.subject[:300],
                url=r.url[:500],
                key=r.key,
                email_state=EMAIL_STATE_FOR_CHOICE[choices[r.recipient.pk]],
            )
            for r in group
        ]
    try:
        with transaction.atomic():
            created = Notification.objects.bulk_create(notifications)
    except IntegrityError:
        return sum(len(_notify_one(reminder)) for reminder in reminders)
    after_creating(created)
    return len(created)


def _notify_one(reminder):
    return notify(
        [reminder.recipient],
        kind=reminder.kind,
        project=reminder.project,
        subject=reminder.subject,
        url=reminder.url,
        key=reminder.key,
    )


@transaction.atomic
def send_reminders(*, today=None):
    """Notify owners of promises falling due and escalate overdue ones; returns how many."""
    today = today or timezone.localdate()
    horizon = today + timedelta(days=settings.REMINDER_LEAD_DAYS)
    watched = projects_to_watch()
    commitments = list(
        Commitment.objects.open()
        .filter(due_date__lte=horizon, project__in=watched.values("pk"))
        .select_related("owner__user", "project")
        .order_by("due_date", "pk")
    )
    update_due = list(
        watched.exclude(update_cadence=UpdateCadence.NONE).filter(next_update_due__lte=horizon)
    )
    in_charge = _people_in_charge(
        {c.project_id for c in commitments} | {project.pk for project in update_due}
    )
    reminders = [
        *_commitment_reminders(commitments, in_charge, today),
        *_update_reminders(update_due, in_charge, today),
    ]
    return _send(_new_only(reminders)) if reminders else 0
