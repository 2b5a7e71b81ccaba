"""In-app notifications, and each person's choice of how (and whether) they are e-mailed."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    CREDITED = "credited", _("Someone credits me in a win")
    MENTIONED = "mentioned", _("Someone mentions me or my project in a comment")
    COMMITMENT_DUE = "commitment_due", _("A commitment of mine is due soon")
    UPDATE_DUE = "update_due", _("A status update I owe is due soon")
    OVERDUE = "overdue", _("A promise in a project I lead is overdue")
    WEBHOOK_FAILED = "webhook_failed", _("A chat webhook of a project I lead keeps failing")
    RETRO_SUMMARY = "retro_summary", _("A retrospective of my project was closed")


class EmailChoice(models.TextChoices):
    IMMEDIATELY = "immediately", _("Immediately")
    DAILY = "daily", _("In a daily digest")
    OFF = "off", _("Off")


class EmailState(models.TextChoices):
    WAITING = "waiting", _("To be e-mailed now")
    IN_DIGEST = "in_digest", _("To be e-mailed in the daily digest")
    SENT = "sent", _("E-mailed")
    NOT_EMAILED = "not_emailed", _("Not e-mailed")


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(recipient=user)

    def unread(self):
        return self.filter(read_at__isnull=True)

    def for_display(self):
        """What `message` reads (the actor's name, the project's title), in the same query."""
        return self.select_related("actor__user", "project")


class Notification(models.Model):
    """One thing one person should know. The text is built when shown, in their language,
    from the kind and the names kept here (so renaming a project rewrites no notifications)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=30, choices=NotificationKind)
    actor = models.ForeignKey(
        "organisation.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    project = models.ForeignKey(
        "projects.ProjectPage",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    # What it is about, as it was: a win's title, a commitment, the first words of a comment.
    subject = models.CharField(max_length=300, blank=True)
    url = models.CharField(max_length=500, blank=True)
    # Periodic jobs name what they notify about ("commitment:12:due:2026-11-30"): the unique
    # constraint makes a second run of the same job send nothing twice.
    key = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    email_state = models.CharField(
        max_length=20, choices=EmailState, default=EmailState.NOT_EMAILED
    )
    emailed_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox"),
            models.Index(fields=["email_state", "recipient"], name="notification_email_queue"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"], condition=~Q(key=""), name="notification_once_per_key"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.recipient}"

    @property
    def is_unread(self):
        return self.read_at is None

    @property
    def message(self):
        """The sentence shown for it, in the active language (see notifications.messages)."""
        from .messages import message

        return message(self)


class NotificationPreference(models.Model):
    """How a person wants one kind e-mailed. No row: DEFAULT_EMAIL_CHOICE. Every notification
    appears in the in-app list whatever is chosen here."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=30, choices=NotificationKind)
    email = models.CharField(max_length=20, choices=EmailChoice, default=EmailChoice.IMMEDIATELY)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind")
        ]

    def __str__(self):
        return f"{self.user}: {self.kind} → {self.email}"


# What a person gets before they choose: reminders wait for the digest, the rest comes at once.
DEFAULT_EMAIL_CHOICE = {
    NotificationKind.CREDITED: EmailChoice.IMMEDIATELY,
    NotificationKind.MENTIONED: EmailChoice.IMMEDIATELY,
    NotificationKind.COMMITMENT_DUE: EmailChoice.DAILY,
    NotificationKind.UPDATE_DUE: EmailChoice.DAILY,
    NotificationKind.OVERDUE: EmailChoice.IMMEDIATELY,
    NotificationKind.WEBHOOK_FAILED: EmailChoice.DAILY,
    NotificationKind.RETRO_SUMMARY: EmailChoice.IMMEDIATELY,
}


class WeeklyDigest(models.Model):
    """A person's weekly digest e-mail. No row: they get it (it is opt-out).

    `last_sent_on` is the day the latest one went out: the job sends a person at most one
    a week however often it runs.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="weekly_digest"
    )
    opted_out = models.BooleanField(_("opted out"), default=False)
    last_sent_on = models.DateField(_("last sent on"), null=True, blank=True)

    class Meta:
        verbose_name = _("weekly digest")
        verbose_name_plural = _("weekly digests")

    def __str__(self):
        return f"{self.user}: {'off' if self.opted_out else 'on'}"
