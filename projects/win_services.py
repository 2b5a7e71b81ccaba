"""Posting wins, cheering and commenting: each a small function in one transaction.

Who may call them: any member posts a win to projects they belong to; anyone who can see a
win cheers and comments (projects.permissions.WinAccess decides).
"""

import re

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.models import NotificationKind
from notifications.services import notify
from organisation.models import Person

from .models import (
    ActivityKind,
    Cheer,
    Membership,
    Visibility,
    Win,
    WinComment,
    WinCredit,
)
from .services import ProjectActionError, record_activity

# @maria.nieminen mentions a person (by user name); @project everyone in the win's projects.
MENTION = re.compile(r"(?<![\w.@])@([\w][\w.-]*[\w]|[\w])")
PROJECT_MENTION = "project"


def win_url(win):
    return reverse("projects:win", kwargs={"win_id": win.pk})


def notify_about_win(users, *, projects, **details):
    """notify() each person under the first of the win's `projects` they may see: a win shared
    with a members-only project must not show that project's name to people outside it."""
    users, projects = [user for user in users if user is not None], list(projects)
    memberships = set(
        Membership.objects.filter(project__in=projects, person__user__in=users).values_list(
            "person__user_id", "project_id"
        )
    )
    by_project = {}
    for user in users:
        shown = next(
            (
                project
                for project in projects
                if user.is_superuser
                or project.visibility == Visibility.ORGANISATION
                or (user.pk, project.pk) in memberships
            ),
            None,
        )
        by_project.setdefault(shown, []).append(user)
    return [
        notification
        for project, group in by_project.items()
        for notification in notify(group, project=project, **details)
    ]


@transaction.atomic
def win_post(*, person, projects, title, credited, story="", day=None, check_in=None, image=None):
    """A member posts a win to one or more of their projects, crediting one or more people.

    Credited people are notified; the projects' chat webhooks get it after the commit.
    """
    projects = list(projects)
    credited = list(dict.fromkeys(credited))
    title = title.strip()
    if not title:
        raise ProjectActionError({"title": _("Give the win a title.")})
    day = day or timezone.localdate()
    if not projects:
        raise ProjectActionError({"projects": _("Choose at least one project.")})
    member_of = set(
        Membership.objects.filter(person=person, project__in=projects).values_list(
            "project_id", flat=True
        )
    )
    if outside := [p for p in projects if p.pk not in member_of]:
        raise ProjectActionError(
            {
                "projects": _("You can post wins only to projects you belong to: %(titles)s.")
                % {"titles": ", ".join(p.title for p in outside)}
            }
        )
    if not credited:
        raise ProjectActionError({"credited": _("Credit at least one person.")})
    if day > timezone.localdate():
        raise ProjectActionError({"day": _("A win cannot happen in the future.")})
    if check_in is not None and check_in.metric.project_id not in {p.pk for p in projects}:
        raise ProjectActionError(
            {"check_in": _("Choose a check-in of a metric in one of the win's projects.")}
        )

    win = Win.objects.create(
        title=title, story=story, day=day, posted_by=person, check_in=check_in, image=image
    )
    win.projects.set(projects)
    WinCredit.objects.bulk_create(
        WinCredit(win=win, person=credit, department_id=credit.department_id) for credit in credited
    )
    for project in projects:
        record_activity(project=project, actor=person, kind=ActivityKind.WIN_POSTED, summary=title)
    notify_about_win(
        [credit.user for credit in credited],
        projects=projects,
        kind=NotificationKind.CREDITED,
        actor=person,
        subject=title,
        url=win_url(win),
    )
    from .webhooks import schedule_win_deliveries

    schedule_win_deliveries(win)
    return win


def cheer_toggle(*, win, person, reaction, cheer=None):
    """Give or take back one reaction; `cheer` forces the outcome. Returns (cheered, count).

    As with idea votes, the unique constraint keeps the count exact under simultaneous clicks:
    the losing insert of a double click is treated as "already cheered".
    """
    with transaction.atomic():
        exists = Cheer.objects.filter(win=win, person=person, reaction=reaction).exists()
        wanted = (not exists) if cheer is None else cheer
        # A retired reaction can still be taken back, never given.
        if wanted and not exists and not reaction.is_offered:
            raise ProjectActionError({"reaction": _("This reaction is no longer offered.")})
        if wanted and not exists:
            try:
                with transaction.atomic():
                    Cheer.objects.create(win=win, person=person, reaction=reaction)
            except IntegrityError:
                pass  # the same person's other click got there first
        elif not wanted:
            Cheer.objects.filter(win=win, person=person, reaction=reaction).delete()
    return wanted, Cheer.objects.filter(win=win, reaction=reaction).count()


def mentioned_people(text, win):
    """(people mentioned by user name, whether @project was used), in one query."""
    names = {match.lower() for match in MENTION.findall(text)}
    everyone = PROJECT_MENTION in names
    names.discard(PROJECT_MENTION)
    people = Person.objects.active().filter(user__username__in=names)
    if not win.projects.filter(visibility=Visibility.ORGANISATION).exists():
        # A members-only win: only people who may see it hear of it, or the notification
        # would carry the comment to someone outside.
        people = people.filter(
            Q(user__is_superuser=True) | Q(memberships__project__wins=win)
        ).distinct()
    return list(people.select_related("user")), everyone


def win_project_members(win):
    return Person.objects.active().filter(memberships__project__wins=win).distinct()


@transaction.atomic
def comment_add(*, win, author, text):
    """A plain-text comment. @first.last notifies that person, @project every member of the
    win's projects (once each, never the author)."""
    text = text.strip()
    if not text:
        raise ProjectActionError({"text": _("Write something first.")})
    comment = WinComment.objects.create(win=win, author=author, text=text)
    people, everyone = mentioned_people(text, win)
    recipients = {p.user_id: p.user for p in people}
    if everyone:
        recipients.update(
            {p.user_id: p.user for p in win_project_members(win).select_related("user")}
        )
    notify_about_win(
        recipients.values(),
        projects=win.projects.all(),
        kind=NotificationKind.MENTIONED,
        actor=author,
        subject=text[:120],
        url=f"{win_url(win)}#comment-{comment.pk}",
    )
    return comment


@transaction.atomic
def comment_delete(*, comment):
    comment.delete()
