"""Reminders before promised dates and escalation of overdue promises (status updates package)."""


def send_reminders(*, today=None):
    """Notify owners of promises falling due and escalate overdue ones; returns how many."""
    return 0
