"""Shared success metrics: defined together, signed off by every owning department, checked in.

No moving goalposts: once any department has signed off, changing what counts as success needs
a reason, starts a new version that every owning department signs again, and is kept in the
metric's history.
"""

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import (
    GOALPOST_FIELDS,
    ActivityKind,
    CheckIn,
    Direction,
    Membership,
    Metric,
    MetricChange,
    MetricSignOff,
    MetricUnit,
)
from .services import ProjectActionError, record_activity

# Values a unit can take at all; anything outside is a typo, not a measurement.
UNIT_LIMITS = {
    MetricUnit.PERCENT: (Decimal(0), Decimal(100)),
    MetricUnit.COUNT: (Decimal(0), None),
    MetricUnit.DURATION: (Decimal(0), None),
}


def check_value_for_unit(value, unit, field):
    low, high = UNIT_LIMITS.get(unit, (None, None))
    if low is not None and value < low:
        raise ProjectActionError(
            {field: _("This unit cannot go below %(limit)s.") % {"limit": low}}
        )
    if high is not None and value > high:
        raise ProjectActionError(
            {field: _("This unit cannot go above %(limit)s.") % {"limit": high}}
        )


def validate_definition(*, project, values, owning_departments):
    """Refuse a definition people could not agree on: the messages say what to fix."""
    errors = {}
    if values["target_date"] <= values["baseline_date"]:
        errors["target_date"] = _("The target date must come after the baseline date.")
    direction = values["direction"]
    if direction == Direction.INCREASE and values["target_value"] <= values["baseline_value"]:
        errors["target_value"] = _("Higher is better, so the target must be above the baseline.")
    if direction == Direction.DECREASE and values["target_value"] >= values["baseline_value"]:
        errors["target_value"] = _("Lower is better, so the target must be below the baseline.")
    lower, upper = values.get("lower_bound"), values.get("upper_bound")
    if direction == Direction.RANGE and (lower is None or upper is None):
        errors["lower_bound"] = _("A range needs its lowest and highest acceptable values.")
    if lower is not None and upper is not None and lower >= upper:
        errors["upper_bound"] = _("The highest acceptable value must be above the lowest.")
    if values["unit"] == MetricUnit.CURRENCY and len(values.get("unit_detail", "")) != 3:
        errors["unit_detail"] = _("Give the currency as a three-letter code, e.g. EUR.")
    if owning_departments is not None:
        project_departments = {d.pk for d in project.departments}
        owners = {d.pk for d in owning_departments}
        if len(owners) < 2:
            errors["owning_departments"] = _(
                "A shared metric is owned by at least two departments."
            )
        elif not owners <= project_departments:
            errors["owning_departments"] = _(
                "Owners must be departments taking part in the project."
            )
    for field in ("baseline_value", "target_value", "stretch_value", "lower_bound", "upper_bound"):
        if values.get(field) is not None and field not in errors:
            try:
                check_value_for_unit(values[field], values["unit"], field)
            except ProjectActionError as error:
                errors.update(error.message_dict)
    if errors:
        raise ProjectActionError(errors)


@transaction.atomic
def metric_define(*, project, author, owning_departments, **values):
    validate_definition(project=project, values=values, owning_departments=owning_departments)
    metric = Metric.objects.create(project=project, created_by=author, **values)
    metric.owning_departments.set(owning_departments)
    record_activity(
        project=project, actor=author, kind=ActivityKind.METRIC_PROPOSED, summary=metric.name
    )
    return metric


def departments_to_sign(metric):
    """Owning departments that have not agreed to the current version yet."""
    signed = metric.sign_offs.filter(version=metric.version).values("department")
    return metric.owning_departments.exclude(pk__in=signed)


@transaction.atomic
def metric_sign_off(*, metric, person):
    metric = Metric.objects.select_for_update().get(pk=metric.pk)
    membership = Membership.objects.filter(project=metric.project_id, person=person).first()
    if (
        membership is None
        or not metric.owning_departments.filter(pk=membership.department_id).exists()
    ):
        raise ProjectActionError(
            _("Only a member representing one of the owning departments can sign off.")
        )
    try:
        with transaction.atomic():
            MetricSignOff.objects.create(
                metric=metric,
                department=membership.department,
                person=person,
                version=metric.version,
            )
    except IntegrityError:
        raise ProjectActionError(
            _("%(department)s has already agreed to this version.")
            % {"department": membership.department}
        ) from None
    if not departments_to_sign(metric).exists():
        metric.agreed_at = timezone.now()
        metric.save(update_fields=["agreed_at"])
        record_activity(
            project=metric.project,
            actor=person,
            kind=ActivityKind.METRIC_AGREED,
            summary=metric.name,
        )
    return metric


@transaction.atomic
def metric_update(*, metric, actor, reason="", owning_departments=None, **values):
    """Change a metric; moving a goalpost after anyone agreed needs a reason and new sign-off."""
    metric = Metric.objects.select_for_update().get(pk=metric.pk)
    merged = {field: getattr(metric, field) for field in GOALPOST_FIELDS} | values
    validate_definition(
        project=metric.project, values=merged, owning_departments=owning_departments
    )
    changed = {
        field: (getattr(metric, field), value)
        for field, value in values.items()
        if getattr(metric, field) != value
    }
    goalposts_moved = any(field in GOALPOST_FIELDS for field in changed)
    anyone_agreed = metric.sign_offs.filter(version=metric.version).exists()
    reopen = goalposts_moved and anyone_agreed
    if reopen and not reason.strip():
        raise ProjectActionError(
            {"reason": _("Departments already agreed to this metric: say why it changes.")}
        )
    for field, (old, new) in changed.items():
        setattr(metric, field, new)
        MetricChange.objects.create(
            metric=metric,
            changed_by=actor,
            field=field,
            old_value="" if old is None else str(old),
            new_value="" if new is None else str(new),
            reason=reason,
            reopened_sign_off=reopen,
        )
    if reopen:
        metric.version += 1
        metric.agreed_at = None
    metric.save()
    if owning_departments is not None:
        metric.owning_departments.set(owning_departments)
    if changed:
        record_activity(
            project=metric.project,
            actor=actor,
            kind=ActivityKind.METRIC_CHANGED,
            summary=metric.name,
        )
    return metric


@transaction.atomic
def check_in(*, metric, author, day, value, note="", confidence="medium"):
    """Record a measurement. A second check-in on the same day replaces the first, on purpose:
    one value per day keeps the chart honest, and the replaced value stays in the history."""
    if day > timezone.localdate():
        raise ProjectActionError({"day": _("A check-in cannot be dated in the future.")})
    if value.is_nan() or value.is_infinite():
        raise ProjectActionError({"value": _("Enter a number.")})
    check_value_for_unit(value, metric.unit, "value")
    existing = CheckIn.objects.select_for_update().filter(metric=metric, day=day).first()
    if existing is None:
        try:
            with transaction.atomic():
                entry = CheckIn.objects.create(
                    metric=metric,
                    author=author,
                    day=day,
                    value=value,
                    note=note,
                    confidence=confidence,
                )
        except IntegrityError:
            # Someone else checked in for that day a moment ago: theirs is replaced like any other.
            existing = CheckIn.objects.select_for_update().get(metric=metric, day=day)
    if existing is not None:
        MetricChange.objects.create(
            metric=metric,
            changed_by=author,
            field=f"check-in {day.isoformat()}",
            old_value=str(existing.value),
            new_value=str(value),
            reason=_("Replaced the same day's check-in."),
        )
        existing.value, existing.note, existing.confidence, existing.author = (
            value,
            note,
            confidence,
            author,
        )
        existing.save(update_fields=["value", "note", "confidence", "author"])
        entry = existing
    record_activity(
        project=metric.project,
        actor=author,
        kind=ActivityKind.CHECKED_IN,
        summary=metric.name,
    )
    return entry
