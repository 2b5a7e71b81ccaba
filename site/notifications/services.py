"""Creating notifications. Every part of the product notifies people through `notify`."""

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import (
    DEFAULT_EMAIL_CHOICE,
    EmailChoice,
    EmailState,
    Notification,
    NotificationPreference,
)
from .unread import forget_unread_counts

logger = logging.getLogger(__name__)

EMAIL_STATE_FOR_CHOICE = {
    EmailChoice.IMMEDIATELY: EmailState.WAITING,
    EmailChoice.DAILY: EmailState.IN_DIGEST,
    EmailChoice.OFF: EmailState.NOT_EMAILED,
}


def email_choices(users, kind):
    """Each user's e-mail choice for one kind, in one query."""
    chosen = dict(
        NotificationPreference.objects.filter(user__in=users, kind=kind).values_list(
            "user_id", "email"
        )
    )
    default = DEFAULT_EMAIL_CHOICE[kind]
    return {user.pk: chosen.get(user.pk, default) for user in users}


def notify(recipients, *, kind, actor=None, project=None, subject="", url="", key=""):
    """Notify each recipient (users) once; the actor is never notified of their own doing.

    With a `key`, a recipient who already has a notification with that key gets nothing new:
    periodic jobs can run twice and send nothing twice. Immediate e-mails go out from a
    background task after the surrounding transaction commits. Returns the new notifications.
    """
    actor_user_id = actor.user_id if actor is not None else None
    users = {user.pk: user for user in recipients if user is not None and user.is_active}
    users.pop(actor_user_id, None)
    if not users:
        return []
    choices = email_choices(list(users.values()), kind)
    new = [
        Notification(
            recipient=user,
            kind=kind,
            actor=actor,
            project=project,
            subject=subject[:300],
            url=url[:500],
            key=key,
            email_state=EMAIL_STATE_FOR_CHOICE[choices[user.pk]],
        )
        for user in users.values()
    ]
    if key:
        created = []
        for notification in new:
            try:
                with transaction.atomic():
                    notification.save()
            except IntegrityError:
                continue  # already notified about this very thing
            created.append(notification)
    else:
        created = Notification.objects.bulk_create(new)
    after_creating(created)
    return created


def after_creating(notifications):
    """What follows every insert of notifications (by notify() or a batch job): fresh unread
    counts in the header, and immediate e-mails queued once the transaction commits."""
    forget_unread_counts({n.recipient_id for n in notifications})
    waiting = [n.pk for n in notifications if n.email_state == EmailState.WAITING]
    if waiting:
        transaction.on_commit(lambda: _enqueue_emails(waiting))


def _enqueue_emails(notification_ids):
    from .tasks import send_notification_emails

    try:
        send_notification_emails.enqueue(notification_ids)
    except Exception:
        # A broken mail queue must never fail what the person did; the digest job retries.
        logger.exception("Could not queue notification e-mails %s", notification_ids)


def mark_read(user, *, notification_id=None):
    """Mark one (or every) unread notification of this user read; returns how many changed."""
    unread = Notification.objects.for_user(user).unread()
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    marked = unread.update(read_at=timezone.now())
    if marked:
        forget_unread_counts([user.pk])
    return marked
