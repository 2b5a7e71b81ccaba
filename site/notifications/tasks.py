"""Background e-mail for notifications (`manage.py db_worker` runs these in production)."""

from django_tasks import task

from .emails import send_each
from .models import Notification


@task()
def send_notification_emails(notification_ids):
    """E-mail each of these notifications that still waits to be e-mailed, once; returns how
    many e-mails went out. Safe to run twice or in two workers at once (see emails.claim)."""
    return send_each(Notification.objects.filter(pk__in=notification_ids))
