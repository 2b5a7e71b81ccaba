"""Shared success metrics: what the departments agree success looks like, and check-ins."""

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from organisation.models import Department, Person

from .projects import ProjectPage


class MetricUnit(models.TextChoices):
    PERCENT = "percent", _("Percent")
    COUNT = "count", _("Count")
    CURRENCY = "currency", _("Money")
    DURATION = "duration", _("Duration")
    SCORE = "score", _("Score")


class Direction(models.TextChoices):
    INCREASE = "increase", _("Higher is better")
    DECREASE = "decrease", _("Lower is better")
    RANGE = "range", _("Stay within a range")


class Confidence(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


# Changing one of these after agreement moves the goalposts: it needs a reason and new sign-off.
GOALPOST_FIELDS = (
    "definition",
    "unit",
    "unit_detail",
    "direction",
    "baseline_value",
    "baseline_date",
    "target_value",
    "target_date",
    "stretch_value",
    "lower_bound",
    "upper_bound",
)


class Metric(models.Model):
    """How a project will know it succeeded, owned by two or more of its departments."""

    project = models.ForeignKey(ProjectPage, on_delete=models.CASCADE, related_name="metrics")
    name = models.CharField(_("name"), max_length=120)
    definition = models.TextField(
        _("definition"),
        max_length=1000,
        help_text=_("How it is measured, and from which source."),
    )
    unit = models.CharField(_("unit"), max_length=20, choices=MetricUnit)
    # The currency code (EUR) for money, the unit of time (hours) for durations.
    unit_detail = models.CharField(_("currency or time unit"), max_length=12, blank=True)
    direction = models.CharField(
        _("direction"), max_length=20, choices=Direction, default=Direction.INCREASE
    )
    baseline_value = models.DecimalField(_("baseline"), max_digits=21, decimal_places=6)
    baseline_date = models.DateField(_("baseline date"))
    target_value = models.DecimalField(_("target"), max_digits=21, decimal_places=6)
    target_date = models.DateField(_("target date"))
    stretch_value = models.DecimalField(
        _("stretch target"), max_digits=21, decimal_places=6, null=True, blank=True
    )
    lower_bound = models.DecimalField(
        _("lowest acceptable"), max_digits=21, decimal_places=6, null=True, blank=True
    )
    upper_bound = models.DecimalField(
        _("highest acceptable"), max_digits=21, decimal_places=6, null=True, blank=True
    )
    owning_departments = models.ManyToManyField(
        Department, verbose_name=_("owning departments"), related_name="owned_metrics"
    )
    created_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    # Sign-offs count for one version; moving a goalpost starts a new version.
    version = models.PositiveIntegerField(default=1)
    agreed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("shared success metric")
        verbose_name_plural = _("shared success metrics")

    def __str__(self):
        return self.name

    @property
    def is_agreed(self):
        return self.agreed_at is not None


class MetricSignOff(models.Model):
    """A member, for the department they represent, agrees to the metric as it now stands."""

    metric = models.ForeignKey(Metric, on_delete=models.CASCADE, related_name="sign_offs")
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    version = models.PositiveIntegerField()
    signed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["metric", "department", "version"], name="one_sign_off_per_department"
            )
        ]

    def __str__(self):
        return f"{self.department} agreed to {self.metric} (v{self.version})"


class MetricChange(models.Model):
    """The audit trail: who changed what, from what, to what, and why. Never edited."""

    metric = models.ForeignKey(Metric, on_delete=models.CASCADE, related_name="changes")
    changed_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)
    field = models.CharField(max_length=40)
    old_value = models.TextField(blank=True)
    new_value = models.TextField(blank=True)
    reason = models.TextField(max_length=1000, blank=True)
    reopened_sign_off = models.BooleanField(default=False)

    class Meta:
        ordering = ["-changed_at", "-pk"]

    def __str__(self):
        return f"{self.metric}: {self.field} {self.old_value} → {self.new_value}"

    @property
    def field_label(self):
        """The changed field's name in the reader's language ("Target", "Check-in 2026-11-23")."""
        if self.field.startswith("check-in "):
            return _("Check-in of %(day)s") % {"day": self.field.removeprefix("check-in ")}
        try:
            return capfirst(Metric._meta.get_field(self.field).verbose_name)
        except FieldDoesNotExist:
            return self.field


class CheckIn(models.Model):
    """A dated measurement. One per metric and day: a second one that day replaces the value,
    and the replaced value stays in the metric's history."""

    metric = models.ForeignKey(Metric, on_delete=models.CASCADE, related_name="check_ins")
    day = models.DateField(_("date"))
    value = models.DecimalField(_("value"), max_digits=21, decimal_places=6)
    note = models.TextField(_("note"), max_length=1000, blank=True)
    confidence = models.CharField(
        _("confidence"), max_length=10, choices=Confidence, default=Confidence.MEDIUM
    )
    author = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["day", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["metric", "day"], name="one_check_in_per_day")
        ]

    def __str__(self):
        return f"{self.metric} on {self.day}: {self.value}"
