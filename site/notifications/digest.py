"""The daily digest e-mail, and the safety net for immediate e-mails whose task never ran.

`run_periodic_jobs` calls `send_daily_digests` every time cron runs it (every 15 minutes).
Each person gets at most one digest a day without any stored "last digest" date:

- The day's digest covers what arrived before today's DIGEST_HOUR (local time, default 7).
  The first run after that hour e-mails it and marks those notifications SENT.
- Later runs that day look at the same cut-off, find nothing left, and send nothing. What
  arrives after the hour waits for tomorrow's digest.
- If cron was down at the digest hour, the next run catches up; if the mail server refused a
  digest, its notifications go back to waiting and the next run tries again.

Immediate e-mails go out from a background task. If the queue lost one (a worker down, a
crash between commit and enqueue), it is still WAITING a while later: each run sends those.
"""

import datetime
from itertools import groupby

from django.conf import settings
from django.core.mail import get_connection
from django.utils import timezone

from .emails import for_email, give_up_on_unreachable, send_digest, send_each
from .models import EmailState, Notification

# An immediate e-mail the worker has not sent after this long is presumed lost.
LOST_EMAIL_AFTER = datetime.timedelta(minutes=15)


def digest_cutoff(now):
    """The latest DIGEST_HOUR o'clock (local time) at or before `now`."""
    local = timezone.localtime(now)
    cutoff = local.replace(
        hour=getattr(settings, "DIGEST_HOUR", 7), minute=0, second=0, microsecond=0
    )
    if cutoff > local:
        cutoff -= datetime.timedelta(days=1)
    return cutoff


def send_lost_emails(*, now):
    """Immediate e-mails whose task never ran; returns how many went out now."""
    lost = Notification.objects.filter(
        email_state=EmailState.WAITING, created_at__lt=now - LOST_EMAIL_AFTER
    )
    return send_each(lost, now=now)


def send_daily_digests(*, now=None):
    """E-mail each person their notifications waiting for the digest, at most once a day,
    and any lost immediate e-mails; returns how many e-mails went out."""
    now = now or timezone.now()
    sent = send_lost_emails(now=now)
    due = for_email(
        Notification.objects.filter(
            email_state=EmailState.IN_DIGEST, created_at__lt=digest_cutoff(now)
        )
    ).order_by("recipient_id", "created_at", "pk")
    reachable = give_up_on_unreachable(list(due), waiting_in=EmailState.IN_DIGEST)
    if not reachable:
        return sent
    with get_connection() as connection:
        for _recipient_id, batch in groupby(reachable, key=lambda n: n.recipient_id):
            notifications = list(batch)
            recipient = notifications[0].recipient
            if send_digest(recipient, notifications, connection=connection, now=now):
                sent += 1
    return sent
