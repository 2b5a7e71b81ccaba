"""Chat webhooks: a project's wins posted to Slack, Microsoft Teams or Mattermost channels."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organisation.models import Person

from .projects import ProjectPage
from .wins import Win


class WebhookFlavour(models.TextChoices):
    # Mattermost and Rocket.Chat accept Slack's incoming-webhook JSON.
    SLACK = "slack", _("Slack or Mattermost")
    TEAMS = "teams", _("Microsoft Teams")


class ChatWebhook(models.Model):
    project = models.ForeignKey(ProjectPage, on_delete=models.CASCADE, related_name="webhooks")
    name = models.CharField(_("name"), max_length=80, help_text=_("e.g. #sales-support channel"))
    url = models.URLField(_("incoming webhook URL"), max_length=500)
    flavour = models.CharField(
        _("chat system"), max_length=20, choices=WebhookFlavour, default=WebhookFlavour.SLACK
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("chat webhook")
        verbose_name_plural = _("chat webhooks")

    def __str__(self):
        return self.name


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    RETRYING = "retrying", _("Failed, will retry")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


class WebhookDelivery(models.Model):
    """One win sent to one webhook: its attempts, last error and when to try again."""

    webhook = models.ForeignKey(ChatWebhook, on_delete=models.CASCADE, related_name="deliveries")
    win = models.ForeignKey(Win, on_delete=models.CASCADE, related_name="webhook_deliveries")
    status = models.CharField(max_length=20, choices=DeliveryStatus, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["webhook", "win"], name="one_delivery_per_win")
        ]

    def __str__(self):
        return f"{self.win} → {self.webhook} ({self.status})"
