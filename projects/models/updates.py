"""Status updates: where things stand, what happens next, and the date of the next update."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.search import index

from organisation.models import Person

from .projects import ProjectPage


class Health(models.TextChoices):
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    OFF_TRACK = "off_track", _("Off track")


class StatusUpdate(index.Indexed, models.Model):
    project = models.ForeignKey(
        ProjectPage, on_delete=models.CASCADE, related_name="status_updates"
    )
    author = models.ForeignKey(
        Person, verbose_name=_("author"), on_delete=models.PROTECT, related_name="status_updates"
    )
    health = models.CharField(_("overall status"), max_length=20, choices=Health)
    what_happened = models.TextField(_("what happened"), max_length=3000)
    whats_next = models.TextField(_("what's next"), max_length=3000)
    # The promise: the project page copies it to ProjectPage.next_update_due.
    next_update_due = models.DateField(_("date of the next update"))
    created_at = models.DateTimeField(default=timezone.now)

    search_fields = [
        index.SearchField("what_happened"),
        index.SearchField("whats_next"),
        # The project's name, so "portal" also finds the updates of the portal project.
        index.RelatedFields("project", [index.SearchField("title")]),
        index.AutocompleteField("what_happened"),
        # Site search narrows results to updates of projects a user may see by id.
        index.FilterField("id"),
        index.FilterField("project"),
        index.FilterField("health"),
        index.FilterField("created_at"),
    ]

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("status update")
        verbose_name_plural = _("status updates")
        indexes = [models.Index(fields=["project", "-created_at"], name="update_latest_first")]

    def __str__(self):
        return f"{self.project}: {self.get_health_display()} ({self.created_at:%Y-%m-%d})"
