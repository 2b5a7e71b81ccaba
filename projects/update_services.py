"""Posting status updates: where the project stands, what comes next, and when the next update
will come (a promise the reminders hold the leads to).

Who may call it: projects.permissions decides (action "post_update": leads, sponsors and
administrators).
"""

from datetime import timedelta

from django.core.exceptions import NON_FIELD_ERRORS
from django.db import transaction
from django.utils import formats, timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from .models import ActivityKind, Health, ProjectPage, StatusUpdate, UpdateCadence
from .services import ProjectActionError, record_activity

# Days to the next update when a project has no cadence: the form's suggestion, not a rule.
DEFAULT_UPDATE_INTERVAL = 14
# The timeline shows the start of "what's next", not the whole text.
SUMMARY_WORDS = 12


def latest_promise_allowed(project, today):
    """The latest date the next update may be promised for; None: no cadence, no limit."""
    days = UpdateCadence(project.update_cadence).days
    return None if days is None else today + timedelta(days=days)


def suggested_next_update(project, today):
    days = UpdateCadence(project.update_cadence).days or DEFAULT_UPDATE_INTERVAL
    return today + timedelta(days=days)


def _refusals(*, project, author, health, what_happened, whats_next, next_update_due, today):
    errors = {}
    if author is None:
        errors[NON_FIELD_ERRORS] = _("Only people in the organisation directory can post updates.")
    if health not in Health.values:
        errors["health"] = _("Choose how the project is doing overall.")
    if not what_happened.strip():
        errors["what_happened"] = _("Say what happened since the last update.")
    if not whats_next.strip():
        errors["whats_next"] = _("Say what comes next, so everyone knows what to expect.")
    latest = latest_promise_allowed(project, today)
    if next_update_due is None:
        errors["next_update_due"] = _("Promise a date for the next update.")
    elif next_update_due <= today:
        errors["next_update_due"] = _("The next update needs a date after today.")
    elif latest is not None and next_update_due > latest:
        errors["next_update_due"] = _(
            "Your cadence is %(cadence)s: promise the next update by %(date)s at the latest."
        ) % {
            "cadence": UpdateCadence(project.update_cadence).label.lower(),
            "date": formats.date_format(latest),
        }
    return errors


@transaction.atomic
def update_post(*, project, author, health, what_happened, whats_next, next_update_due):
    """A lead or sponsor posts a status update and promises the date of the next one."""
    today = timezone.localdate()
    what_happened, whats_next = what_happened.strip(), whats_next.strip()
    errors = _refusals(
        project=project,
        author=author,
        health=health,
        what_happened=what_happened,
        whats_next=whats_next,
        next_update_due=next_update_due,
        today=today,
    )
    if errors:
        raise ProjectActionError(errors)
    update = StatusUpdate.objects.create(
        project=project,
        author=author,
        health=health,
        what_happened=what_happened,
        whats_next=whats_next,
        next_update_due=next_update_due,
    )
    # The promise is copied to the page for filters (overdue lists, reminders). It is not an
    # edit of the page, so it goes straight to the row instead of into a Wagtail revision.
    ProjectPage.objects.filter(pk=project.pk).update(next_update_due=next_update_due)
    project.next_update_due = next_update_due
    record_activity(
        project=project,
        actor=author,
        kind=ActivityKind.UPDATE_POSTED,
        summary=Truncator(whats_next).words(SUMMARY_WORDS, truncate="…"),
        detail=health,
    )
    return update
