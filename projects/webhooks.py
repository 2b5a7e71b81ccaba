"""Posting new wins to the chat webhooks of their projects (owned by the webhooks package)."""

from .models import ChatWebhook, WebhookDelivery


def schedule_win_deliveries(win):
    """Queue one delivery per active webhook of the win's projects."""
    webhooks = ChatWebhook.objects.filter(project__wins=win, is_active=True).distinct()
    return WebhookDelivery.objects.bulk_create(
        WebhookDelivery(webhook=webhook, win=win) for webhook in webhooks
    )


def retry_due_deliveries(*, now=None):
    """Try again every delivery whose retry time has come; returns how many were tried."""
    return 0
