"""Writing wins from the front end: posting with a picture, and editing (wins package).

Posting itself is `win_services.win_post`; these wrap it where an uploaded picture has to
become a Wagtail image in the same transaction, and add the poster's later corrections.
"""

from contextlib import contextmanager

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.images import get_image_model

from notifications.models import NotificationKind

from .models import WinCredit
from .services import ProjectActionError
from .win_services import notify_about_win, win_post, win_url

UNCHANGED = object()


def image_from_upload(*, upload, title, user):
    """A Wagtail image (in the root collection) from a file the form already validated."""
    image = get_image_model()(title=title[:255], file=upload, uploaded_by_user=user)
    image.save()
    return image


@contextmanager
def _picture(upload, *, title, user):
    """The uploaded picture as an image; its file is removed again if the caller fails,
    since rolling back the transaction removes only the database row."""
    image = image_from_upload(upload=upload, title=title, user=user) if upload else None
    try:
        yield image
    except Exception:
        if image is not None:
            image.file.delete(save=False)
        raise


@transaction.atomic
def win_post_with_image(*, person, user, projects, title, credited, upload=None, **fields):
    """`win_post`, with an uploaded picture stored as the win's image."""
    with _picture(upload, title=title, user=user) as image:
        return win_post(
            person=person, projects=projects, title=title, credited=credited, image=image, **fields
        )


def _check(win, *, credited, day, check_in):
    if not credited:
        raise ProjectActionError({"credited": _("Credit at least one person.")})
    if day > timezone.localdate():
        raise ProjectActionError({"day": _("A win cannot happen in the future.")})
    if check_in is not None and not win.projects.filter(pk=check_in.metric.project_id).exists():
        raise ProjectActionError(
            {"check_in": _("Choose a check-in of a metric in one of the win's projects.")}
        )


@transaction.atomic
def win_update(
    *, win, actor, user, title, story, day, credited, check_in=None, upload=None, image=UNCHANGED
):
    """The poster (or an administrator) corrects a win. People newly credited are notified;
    those still credited keep the department they represented when first credited.

    `upload` replaces the picture; `image=None` removes it.
    """
    credited = list(dict.fromkeys(credited))
    _check(win, credited=credited, day=day, check_in=check_in)
    with _picture(upload, title=title, user=user) as uploaded:
        win.title, win.story, win.day, win.check_in = title, story, day, check_in
        if uploaded is not None:
            win.image = uploaded
        elif image is not UNCHANGED:
            win.image = image
        win.save()
        before = {credit.person_id for credit in WinCredit.objects.filter(win=win)}
        keep = [person.pk for person in credited]
        WinCredit.objects.filter(win=win).exclude(person_id__in=keep).delete()
        new = [person for person in credited if person.pk not in before]
        WinCredit.objects.bulk_create(
            WinCredit(win=win, person=person, department_id=person.department_id) for person in new
        )
        notify_about_win(
            [person.user for person in new],
            projects=win.projects.all(),
            kind=NotificationKind.CREDITED,
            actor=actor,
            subject=title,
            url=win_url(win),
        )
    return win
