"""The weekly digest: one e-mail a week per person about their projects and department.

It tells each person the wins of the past seven days in their projects or crediting someone of
their department, the status updates they owe (due within the week, or overdue), and the
retrospectives coming up or still open in their projects. People with nothing to hear about get
no e-mail. It is opt-out (notifications.models.WeeklyDigest).

`run_periodic_jobs` calls `send_weekly_digests` every 15 minutes; only runs on
WEEKLY_DIGEST_WEEKDAY from DIGEST_HOUR on (local time) send anything. A person's
`last_sent_on` is claimed before their e-mail goes out, so overlapping or repeated runs send
nobody a second digest that week; a refused e-mail releases the claim for the next run.
"""

import datetime

from django.conf import settings
from django.core.mail import get_connection
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from organisation.models import Person
from projects.models import (
    Membership,
    ProjectPage,
    Retrospective,
    Role,
    UpdateCadence,
    Win,
    WinCredit,
)

from .emails import compose, deliver, language_for
from .links import absolute_url
from .models import WeeklyDigest

# "This week" in the e-mail: wins of the past seven days, promises of the next seven.
WEEK = datetime.timedelta(days=7)


def weekly_digest_day(now):
    """Today's date when `now` is on the digest weekday at or after DIGEST_HOUR, else None."""
    local = timezone.localtime(now)
    if local.weekday() != getattr(settings, "WEEKLY_DIGEST_WEEKDAY", 0):
        return None
    if local.hour < getattr(settings, "DIGEST_HOUR", 7):
        return None
    return local.date()


def recipients(today):
    """Active people with an address, not opted out, without this week's digest yet."""
    done = WeeklyDigest.objects.filter(user=OuterRef("user")).filter(
        Q(opted_out=True) | Q(last_sent_on__gte=today)
    )
    return (
        Person.objects.active()
        .exclude(user__email="")
        .exclude(Exists(done))
        .select_related("user__wagtail_userprofile", "department")
        .order_by("pk")
    )


def wins_of_the_week(person, today):
    """Wins of the past seven days in the person's projects or crediting their department,
    that they may see; each with only the projects they may see."""
    user = person.user
    in_my_project = Membership.objects.filter(person=person, project__wins=OuterRef("pk"))
    crediting_my_department = WinCredit.objects.filter(
        win=OuterRef("pk"), department_id=person.department_id
    )
    visible_projects = ProjectPage.objects.visible_to(user).only(
        "id", "title", "url_path", "slug", "path", "depth"
    )
    return list(
        Win.objects.visible_to(user)
        .filter(day__gt=today - WEEK, day__lte=today)
        .filter(Q(Exists(in_my_project)) | Q(Exists(crediting_my_department)))
        .select_related("posted_by__user")
        .prefetch_related(
            Prefetch("projects", queryset=visible_projects),
            Prefetch("credits", queryset=WinCredit.objects.select_related("person__user")),
        )
        .newest_first()
    )


def updates_owed(person, today):
    """Live projects the person leads whose promised status update is due within the week."""
    return list(
        ProjectPage.objects.live()
        .filter(memberships__person=person, memberships__role=Role.LEAD)
        .exclude(update_cadence=UpdateCadence.NONE)
        .filter(next_update_due__lte=today + WEEK)
        .order_by("next_update_due", "title")
        .distinct()
    )


def retrospectives_ahead(person, today):
    """Open retrospectives of the person's projects, held within the week or already going."""
    mine = Membership.objects.filter(person=person, project__retrospectives=OuterRef("pk"))
    return list(
        Retrospective.objects.visible_to(person.user)
        .open()
        .filter(Exists(mine), held_on__lte=today + WEEK)
        .order_by("held_on", "pk")
    )


def win_item(win):
    credited = [credit.person.user.get_full_name() for credit in win.credits.all()]
    return {
        "title": win.title,
        "day": win.day,
        "projects": ", ".join(project.title for project in win.projects.all()),
        "credited": ", ".join(name for name in credited if name),
        "link": absolute_url(reverse("projects:win", kwargs={"win_id": win.pk})),
    }


def update_item(project, today):
    return {
        "project": project.title,
        "due": project.next_update_due,
        "overdue": project.next_update_due < today,
        "link": absolute_url(project.url + project.reverse_subpage("post_update")),
    }


def retro_item(retro, today):
    return {
        "title": retro.title,
        "held_on": retro.held_on,
        "phase": retro.get_phase_display(),
        "started": retro.held_on <= today,
        "link": absolute_url(reverse("projects:retro", kwargs={"retro_id": retro.pk})),
    }


def weekly_content(person, today):
    """What the person's digest would say; empty lists when there is nothing."""
    return {
        "wins": [win_item(win) for win in wins_of_the_week(person, today)],
        "updates": [update_item(p, today) for p in updates_owed(person, today)],
        "retros": [retro_item(r, today) for r in retrospectives_ahead(person, today)],
    }


def weekly_email(person, today):
    """The person's weekly digest in their language, or None with nothing to tell."""
    user = person.user
    with translation.override(language_for(user)):
        content = weekly_content(person, today)
        if not any(content.values()):
            return None
        return compose(
            recipient=user,
            subject=gettext("Your week in %(site)s") % {"site": settings.WAGTAIL_SITE_NAME},
            template="weekly",
            context={
                **content,
                "heading": gettext("Your week"),
                "week_start": today - WEEK + datetime.timedelta(days=1),
                "today": today,
                "unsubscribe_url": absolute_url(reverse("notifications:weekly_unsubscribe")),
            },
        )


def claim_week(person, today):
    """Mark this week's digest sent before sending it; the previous date, or False if
    another run already did."""
    digest, _created = WeeklyDigest.objects.get_or_create(user=person.user)
    claimed = (
        WeeklyDigest.objects.filter(pk=digest.pk, opted_out=False)
        .filter(Q(last_sent_on__isnull=True) | Q(last_sent_on__lt=today))
        .update(last_sent_on=today)
    )
    return (digest, digest.last_sent_on) if claimed else False


def send_weekly_digests(*, now=None):
    """E-mail each person their weekly digest on the digest day; returns how many went out."""
    today = weekly_digest_day(now or timezone.now())
    if today is None:
        return 0
    sent = 0
    connection = None
    try:
        for person in recipients(today):
            email = weekly_email(person, today)
            if email is None:
                continue  # nothing to say: no e-mail, and nothing recorded
            claim = claim_week(person, today)
            if not claim:
                continue
            digest, previous = claim
            if connection is None:
                # Opened only once there is something to send.
                connection = get_connection()
                connection.open()
            if deliver(email, connection):
                sent += 1
            else:
                WeeklyDigest.objects.filter(pk=digest.pk).update(last_sent_on=previous)
    finally:
        if connection is not None:
            connection.close()
    return sent
