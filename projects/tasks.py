"""Background tasks of the projects app (immediate in development and tests; in production the
database queue's worker, `manage.py db_worker`, runs them)."""

from django_tasks import task


@task()
def deliver_win_to_webhook(delivery_id):
    """One attempt to post a new win to one chat webhook; failures schedule the next one."""
    from .webhooks import attempt_delivery

    return attempt_delivery(delivery_id)
