"""E-mailing notifications: each on its own ("immediately"), or several in one daily digest.

A notification is claimed before it is e-mailed: a conditional UPDATE moves it from its waiting
state to SENT, and only the process whose UPDATE changed the row sends it. Two workers (or a
worker and the digest job) can therefore never e-mail the same notification twice, on every
database. If the mail server refuses, the claim is released and a later run tries again.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from .links import absolute_url
from .models import EmailState, Notification

logger = logging.getLogger(__name__)

SUBJECT_LENGTH = 150


def for_email(notifications):
    """Everything an e-mail shows, in one query."""
    return notifications.for_display().select_related("recipient__wagtail_userprofile")


def can_be_emailed(user):
    return user.is_active and bool(user.email)


def language_for(user):
    """The language the person chose in their Wagtail profile, else the site's."""
    profile = getattr(user, "wagtail_userprofile", None)
    return (profile.preferred_language if profile else "") or settings.LANGUAGE_CODE


def one_line(text):
    """Mail headers take one line; comments quoted in a subject may have several."""
    text = " ".join(text.split())
    return text if len(text) <= SUBJECT_LENGTH else text[: SUBJECT_LENGTH - 1] + "…"


def claim(notification, *, waiting_in, now):
    """Mark one notification sent before e-mailing it; False if someone else already did."""
    claimed = Notification.objects.filter(pk=notification.pk, email_state=waiting_in).update(
        email_state=EmailState.SENT, emailed_at=now
    )
    return claimed == 1


def release(notifications, *, back_to):
    Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(
        email_state=back_to, emailed_at=None
    )


def give_up_on_unreachable(notifications, *, waiting_in):
    """People without an e-mail address (or who left) still see everything in the app."""
    unreachable = [n.pk for n in notifications if not can_be_emailed(n.recipient)]
    if unreachable:
        Notification.objects.filter(pk__in=unreachable, email_state=waiting_in).update(
            email_state=EmailState.NOT_EMAILED
        )
    return [n for n in notifications if can_be_emailed(n.recipient)]


def item(notification):
    """One notification as the e-mail templates show it."""
    return {
        "message": notification.message,
        "link": absolute_url(notification.url) if notification.url else "",
        "created_at": notification.created_at,
        "project": notification.project.title if notification.project else "",
    }


def compose(*, recipient, subject, template, context):
    """A plain-text e-mail with an HTML alternative, rendered in the recipient's language."""
    context = {
        **context,
        "recipient": recipient,
        "site_name": settings.WAGTAIL_SITE_NAME,
        "site_url": absolute_url("/"),
        "list_url": absolute_url(reverse("notifications:list")),
        "settings_url": absolute_url(reverse("notifications:settings")),
    }
    email = EmailMultiAlternatives(
        subject=one_line(subject),
        body=render_to_string(f"notifications/email/{template}.txt", context),
        to=[recipient.email],
    )
    email.attach_alternative(
        render_to_string(f"notifications/email/{template}.html", context), "text/html"
    )
    return email


def single_email(notification):
    recipient = notification.recipient
    with translation.override(language_for(recipient)):
        shown = item(notification)
        return compose(
            recipient=recipient,
            subject=shown["message"],
            template="notification",
            context={"item": shown},
        )


def digest_email(recipient, notifications):
    with translation.override(language_for(recipient)):
        items = [item(notification) for notification in notifications]
        subject = ngettext(
            "Your daily digest: %(count)d notification",
            "Your daily digest: %(count)d notifications",
            len(items),
        ) % {"count": len(items)}
        return compose(
            recipient=recipient,
            subject=subject,
            template="digest",
            context={"items": items, "heading": gettext("Your daily digest")},
        )


def deliver(email, connection):
    """Send one e-mail over an open connection; False (logged) when the server refuses it."""
    email.connection = connection
    try:
        email.send()
    except Exception:
        logger.exception("Could not e-mail %s", email.to)
        return False
    return True


def send_each(notifications, *, now=None):
    """E-mail each WAITING notification among `notifications` once; returns e-mails sent."""
    now = now or timezone.now()
    waiting = list(for_email(notifications.filter(email_state=EmailState.WAITING)))
    reachable = give_up_on_unreachable(waiting, waiting_in=EmailState.WAITING)
    if not reachable:
        return 0  # no connection to the mail server for nothing
    sent = 0
    with get_connection() as connection:
        for notification in reachable:
            if not claim(notification, waiting_in=EmailState.WAITING, now=now):
                continue  # another worker has it
            if deliver(single_email(notification), connection):
                sent += 1
            else:
                release([notification], back_to=EmailState.WAITING)
    return sent


def send_digest(recipient, notifications, *, connection, now):
    """One e-mail with those of one person's IN_DIGEST notifications this run could claim;
    True if it went out."""
    mine = [n for n in notifications if claim(n, waiting_in=EmailState.IN_DIGEST, now=now)]
    if not mine:
        return False
    if deliver(digest_email(recipient, mine), connection):
        return True
    release(mine, back_to=EmailState.IN_DIGEST)
    return False
