"""Each person's choice of how each kind of notification is e-mailed."""

from django.db import transaction

from .models import DEFAULT_EMAIL_CHOICE, NotificationKind, NotificationPreference, WeeklyDigest


def email_preferences(user):
    """{kind: choice} for every kind, defaults filled in, in one query."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "email"))
    return {kind: chosen.get(kind, DEFAULT_EMAIL_CHOICE[kind]) for kind in NotificationKind}


@transaction.atomic
def set_email_preferences(*, user, choices):
    """Save {kind: choice} for one person; all of it or nothing."""
    for kind, choice in choices.items():
        NotificationPreference.objects.update_or_create(
            user=user, kind=kind, defaults={"email": choice}
        )


def wants_weekly_digest(user):
    """True unless the person opted out (the weekly digest is opt-out)."""
    return not WeeklyDigest.objects.filter(user=user, opted_out=True).exists()


def set_weekly_digest(*, user, wanted):
    WeeklyDigest.objects.update_or_create(user=user, defaults={"opted_out": not wanted})


@transaction.atomic
def save_notification_settings(*, user, choices, weekly_digest):
    """Everything on the settings page at once: all of it or nothing."""
    set_email_preferences(user=user, choices=choices)
    set_weekly_digest(user=user, wanted=weekly_digest)
