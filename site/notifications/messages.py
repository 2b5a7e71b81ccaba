"""What a notification says, built when it is shown, in the reader's language.

The one place that turns a kind, an actor, a subject and a project into a sentence: the
notification list, the header, the e-mails and the daily digest all read `message()`.
"""

import datetime
import re

from django.utils.formats import date_format
from django.utils.translation import gettext

from .models import NotificationKind

# Periodic jobs name what they notify about, e.g. "commitment:12:due:2026-11-30".
KEY_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})$")


def due_date(notification):
    """The date a reminder's key names, or None (keys are optional; then "soon")."""
    match = KEY_DATE.search(notification.key)
    if match is None:
        return None
    try:
        return datetime.date.fromisoformat(match.group(1))
    except ValueError:
        return None


def actor_name(notification):
    if notification.actor is None:
        return gettext("Someone")
    return notification.actor.full_name


def project_title(notification):
    if notification.project is not None:
        return notification.project.title
    return notification.subject


def is_about_update(notification):
    return notification.key.startswith("update")


def _commitment_due(n):
    date = due_date(n)
    if date is None:
        return gettext("Your commitment “%(title)s” is due soon") % {"title": n.subject}
    return gettext("Your commitment “%(title)s” is due on %(date)s") % {
        "title": n.subject,
        "date": date_format(date),
    }


def _update_due(n):
    date = due_date(n)
    if date is None:
        return gettext("Your status update for %(project)s is due soon") % {
            "project": project_title(n)
        }
    return gettext("Your status update for %(project)s is due on %(date)s") % {
        "project": project_title(n),
        "date": date_format(date),
    }


def _overdue(n):
    if is_about_update(n) or not n.subject or n.subject == project_title(n):
        return gettext("The status update for %(project)s is overdue") % {
            "project": project_title(n)
        }
    return gettext("“%(title)s” in %(project)s is overdue") % {
        "title": n.subject,
        "project": project_title(n),
    }


SENTENCES = {
    NotificationKind.CREDITED: lambda n: (
        gettext("%(actor)s credited you in “%(title)s”")
        % {"actor": actor_name(n), "title": n.subject}
    ),
    NotificationKind.MENTIONED: lambda n: (
        gettext("%(actor)s mentioned you: “%(text)s”") % {"actor": actor_name(n), "text": n.subject}
    ),
    NotificationKind.COMMITMENT_DUE: _commitment_due,
    NotificationKind.UPDATE_DUE: _update_due,
    NotificationKind.OVERDUE: _overdue,
    NotificationKind.WEBHOOK_FAILED: lambda n: (
        gettext("Chat webhook “%(name)s” of %(project)s keeps failing")
        % {"name": n.subject, "project": project_title(n)}
    ),
    NotificationKind.RETRO_SUMMARY: lambda n: (
        gettext("%(actor)s closed the retrospective “%(title)s”: read the summary")
        % {"actor": actor_name(n), "title": n.subject}
    ),
}


def message(notification):
    """The sentence for one notification, in the active language."""
    sentence = SENTENCES.get(notification.kind)
    if sentence is None:  # a kind retired since the row was written
        return notification.subject or notification.get_kind_display()
    return sentence(notification)
