"""Posting new wins to the chat webhooks of their projects: messages, sending and retries.

A new win creates one `WebhookDelivery` per active webhook of its projects; after the commit a
background task (`projects.tasks.deliver_win_to_webhook`) makes the first attempt. A failed
attempt waits `WEBHOOK_RETRY_DELAYS[n]` seconds before the next one (a deferred task where the
task backend supports it, and in any case the periodic `retry_due_deliveries`); when every
attempt has failed the delivery is FAILED and the project's leads are notified. Nothing here may
ever fail or slow down posting the win itself.

A webhook's address contains its secret (anyone holding it may post to the channel): it is
never logged nor shown in full, and errors kept in the database never quote it.
"""

import http.client
import json
import logging
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import strip_tags
from django.utils.text import Truncator, get_text_list
from django.utils.translation import gettext as _

from notifications.models import NotificationKind
from notifications.services import notify

from .models import ChatWebhook, DeliveryStatus, Membership, WebhookDelivery, WebhookFlavour
from .services import ProjectActionError

logger = logging.getLogger(__name__)

USER_AGENT = "CommonGround-Webhook/1"
OPEN_STATUSES = (DeliveryStatus.PENDING, DeliveryStatus.RETRYING)
# A new delivery is sent by its task within moments. If the queue lost the task (it was down
# when the win was posted), the periodic job sends it once this grace period has passed.
PENDING_GRACE = timedelta(minutes=10)
# While one worker is sending, nobody else may: the claim lasts the timeout plus this margin,
# after which a worker that died mid-attempt is presumed gone and the periodic job takes over.
CLAIM_MARGIN = timedelta(seconds=60)
HEALTH_WINDOW = timedelta(days=14)
STORY_WORDS = 40
ERROR_LENGTH = 200


class WebhookError(Exception):
    """One attempt failed. The message is short, safe to store and show: never the address."""


# Addresses ---------------------------------------------------------------------------------


def validate_webhook_url(url):
    """Refuse anything but https (and http only where explicitly allowed)."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return
    # The secret is part of the address: over plain http it would travel in clear through
    # every proxy on the way. Allowed only while developing, or for hosts the operators name
    # in WEBHOOK_ALLOWED_HTTP_HOSTS (e.g. a chat server inside the same private network).
    allowed_hosts = getattr(settings, "WEBHOOK_ALLOWED_HTTP_HOSTS", [])
    if (
        parts.scheme == "http"
        and parts.hostname
        and (settings.DEBUG or parts.hostname in allowed_hosts)
    ):
        return
    raise ValidationError(
        _(
            "Use the https:// address your chat system gave you. The address contains the "
            "webhook's secret, which must not travel unencrypted."
        )
    )


def masked_url(url):
    """What the page shows of an address: its host only, the secret path hidden."""
    return f"{urlsplit(url).hostname or '?'}/…"


@transaction.atomic
def webhook_add(*, project, person, name, url, flavour):
    """A lead names a channel's incoming-webhook address; new wins will be posted there."""
    url = url.strip()
    try:
        validate_webhook_url(url)
    except ValidationError as error:
        raise ProjectActionError({"url": error.messages}) from error
    if ChatWebhook.objects.filter(project=project, url=url).exists():
        raise ProjectActionError({"url": _("This project already posts to that address.")})
    return ChatWebhook.objects.create(
        project=project, name=name.strip(), url=url, flavour=flavour, created_by=person
    )


@transaction.atomic
def webhook_set_active(*, webhook, active):
    webhook.is_active = active
    webhook.save(update_fields=["is_active"])
    return webhook


@transaction.atomic
def webhook_delete(*, webhook):
    webhook.delete()


# Messages ----------------------------------------------------------------------------------


@dataclass
class ChatMessage:
    """What one chat post says, whatever the chat system."""

    headline: str
    title: str
    url: str
    details: list[str] = field(default_factory=list)


def absolute_url(path):
    # Tasks run without a request: the site's public address comes from the settings.
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def win_message(win):
    """The chat post for a new win: its projects, credited people and departments, a teaser."""
    projects = list(win.projects.order_by("title").values_list("title", flat=True))
    credits = list(win.credits.select_related("person__user", "department"))
    people = [credit.person.full_name for credit in credits]
    departments = list(dict.fromkeys(credit.department.name for credit in credits))
    details = [_("Credited: %(people)s") % {"people": ", ".join(people)}]
    if len(departments) > 1:
        details.append(
            _("A win across %(departments)s")
            % {"departments": get_text_list(departments, _("and"))}
        )
    elif departments:
        details.append(_("A win for %(department)s") % {"department": departments[0]})
    story = Truncator(strip_tags(win.story)).words(STORY_WORDS).strip()
    if story:
        details.append(story)
    return ChatMessage(
        headline=_("🎉 New win in %(projects)s") % {"projects": get_text_list(projects, _("and"))},
        title=win.title,
        url=absolute_url(reverse("projects:win", kwargs={"win_id": win.pk})),
        details=details,
    )


def connection_test_message(webhook):
    project = webhook.project
    return ChatMessage(
        headline=_("👋 Test from Common Ground"),
        title=project.title,
        url=absolute_url(project.url or "/"),
        details=[
            _("This channel is connected: new wins of “%(project)s” will appear here.")
            % {"project": project.title}
        ],
    )


def _slack_escape(text):
    # Slack reads &, < and > as control characters; Mattermost decodes the entities too.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_payload(message):
    """Slack's incoming-webhook JSON, which Mattermost (and Rocket.Chat) accept as it is.

    Only "text" is used: Mattermost translates Slack's <url|label> links into its Markdown, but
    not Slack's *bold* nor every Block Kit block, so plain text looks the same in both.
    """
    link = f"<{message.url}|{_slack_escape(message.title)}>"
    lines = [f"{_slack_escape(message.headline)}: {link}"]
    lines += [_slack_escape(detail) for detail in message.details]
    return {"text": "\n".join(lines)}


def teams_payload(message):
    """A Microsoft Teams MessageCard with a button to the win.

    Teams' newer "Workflows" (Power Automate) webhooks also take Adaptive Cards; MessageCard is
    what classic incoming webhooks and the Workflows "post to a channel when a webhook request
    is received" template both accept, so it reaches the most channels.
    """
    return {
        "@type": "MessageCard",
        "@context": "https://schema.org/extensions",
        "summary": message.title,
        "themeColor": "0F766E",
        "title": f"{message.headline}: {message.title}",
        "text": "\n\n".join(message.details),
        "potentialAction": [
            {
                "@type": "OpenUri",
                "name": _("Open in Common Ground"),
                "targets": [{"os": "default", "uri": message.url}],
            }
        ],
    }


PAYLOAD_BUILDERS = {WebhookFlavour.SLACK: slack_payload, WebhookFlavour.TEAMS: teams_payload}


def payload_for(webhook, build_message, *args):
    """The JSON for this webhook's chat system of the message `build_message(*args)`."""
    # The channel is shared by the whole team: it reads the site's language, not the poster's.
    with translation.override(settings.LANGUAGE_CODE):
        return PAYLOAD_BUILDERS[webhook.flavour](build_message(*args))


# Sending -----------------------------------------------------------------------------------


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # A redirect would turn the POST into a GET (or send the message somewhere unexpected):
    # treat it as the failure it is, reported with its status code.
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def _describe(error):
    """A short, secret-free description of why an attempt failed."""
    if isinstance(error, urllib.error.HTTPError):
        return _("The chat system answered %(status)s.") % {"status": error.code}
    reason = error.reason if isinstance(error, urllib.error.URLError) else error
    if isinstance(reason, (TimeoutError, socket.timeout)):
        return _("No answer within %(seconds)s seconds.") % {
            "seconds": settings.WEBHOOK_TIMEOUT_SECONDS
        }
    if isinstance(reason, ConnectionRefusedError):
        return _("The chat system refused the connection.")
    if isinstance(reason, socket.gaierror):
        return _("The chat system's address could not be found.")
    if isinstance(reason, OSError) and reason.strerror:
        return _("Could not reach the chat system: %(reason)s.") % {"reason": reason.strerror}
    # Other exceptions (ValueError, InvalidURL…) may quote the whole address: name only the kind.
    return _("Could not reach the chat system (%(kind)s).") % {"kind": type(reason).__name__}


def send_json(url, payload):
    """POST the payload; raise WebhookError unless the answer is a 2xx."""
    if urlsplit(url).scheme not in {"http", "https"}:
        raise WebhookError(_("Only http(s) addresses can be used."))
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked just above
        url,
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json", "User-Agent": USER_AGENT},
        method="POST",
    )
    try:
        with _opener.open(request, timeout=settings.WEBHOOK_TIMEOUT_SECONDS) as response:
            status = response.status
            response.read(1024)  # some servers want the answer read before the socket closes
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as error:
        raise WebhookError(_describe(error)) from None
    if not 200 <= status < 300:
        raise WebhookError(_("The chat system answered %(status)s.") % {"status": status})


def send_test_message(webhook):
    """Send a test message at once (the lead waits for it); raises WebhookError on failure."""
    send_json(webhook.url, payload_for(webhook, connection_test_message, webhook))


# Deliveries --------------------------------------------------------------------------------


def schedule_win_deliveries(win):
    """Queue one delivery per active webhook of the win's projects, sent after the commit."""
    due_by_cron = timezone.now() + PENDING_GRACE
    webhooks = ChatWebhook.objects.filter(project__wins=win, is_active=True).distinct()
    deliveries = WebhookDelivery.objects.bulk_create(
        WebhookDelivery(webhook=webhook, win=win, next_attempt_at=due_by_cron)
        for webhook in webhooks
    )
    if deliveries:
        ids = [delivery.pk for delivery in deliveries]
        transaction.on_commit(partial(_enqueue_deliveries, ids), robust=True)
    return deliveries


def _enqueue_deliveries(delivery_ids, run_after=None):
    from .tasks import deliver_win_to_webhook

    task = deliver_win_to_webhook
    for delivery_id in delivery_ids:
        try:
            if run_after is not None:
                if not task.get_backend().supports_defer:
                    continue  # the periodic job retries it when it is due
                task.using(run_after=run_after).enqueue(delivery_id)
            else:
                task.enqueue(delivery_id)
        except Exception:
            # A broken queue must never fail posting the win: the periodic job sends it later.
            logger.exception("Could not queue chat webhook delivery %s", delivery_id)


def _claim(delivery, now):
    """Take the delivery for one attempt; False if another worker has it or it is not due.

    One conditional UPDATE: of two workers reading the same attempt count, only one matches.
    """
    fresh = Q(status=DeliveryStatus.PENDING, attempts=0)
    due = Q(next_attempt_at__lte=now)
    return bool(
        WebhookDelivery.objects.filter(fresh | due)
        .filter(pk=delivery.pk, attempts=delivery.attempts, status__in=OPEN_STATUSES)
        .update(
            attempts=F("attempts") + 1,
            next_attempt_at=now
            + timedelta(seconds=settings.WEBHOOK_TIMEOUT_SECONDS)
            + CLAIM_MARGIN,
        )
    )


def attempt_delivery(delivery_id, *, now=None):
    """Make one attempt at a delivery, if it is due and nobody else is making it.

    Returns the delivery's new status, or None when there was nothing to do.
    """
    now = now or timezone.now()
    delivery = (
        WebhookDelivery.objects.select_related("webhook__project", "win")
        .filter(pk=delivery_id, status__in=OPEN_STATUSES)
        .first()
    )
    if delivery is None or not _claim(delivery, now):
        return None
    delivery.attempts += 1
    webhook = delivery.webhook
    if not webhook.is_active:
        # Switched off after the win was posted: the lead no longer wants it there.
        _save(delivery, status=DeliveryStatus.FAILED, next_attempt_at=None,
              last_error=_("Not sent: the webhook was switched off."))  # fmt: skip
        return delivery.status
    try:
        send_json(webhook.url, payload_for(webhook, win_message, delivery.win))
    except WebhookError as error:
        return _record_failure(delivery, str(error), now)
    except Exception:
        logger.exception("Chat webhook %s (#%s): unexpected error", webhook.name, webhook.pk)
        return _record_failure(delivery, _("Unexpected error while sending."), now)
    _save(delivery, status=DeliveryStatus.DELIVERED, delivered_at=now, next_attempt_at=None,
          last_error="")  # fmt: skip
    return delivery.status


def _save(delivery, **changes):
    for name, value in changes.items():
        setattr(delivery, name, value)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(**changes)


def _record_failure(delivery, error, now):
    webhook = delivery.webhook
    delays = settings.WEBHOOK_RETRY_DELAYS
    logger.warning(
        "Chat webhook %s (#%s) of project #%s: attempt %s of %s for win #%s failed: %s",
        webhook.name, webhook.pk, webhook.project_id, delivery.attempts, len(delays) + 1,
        delivery.win_id, error,
    )  # fmt: skip
    error = error[:ERROR_LENGTH]
    if delivery.attempts <= len(delays):
        retry_at = now + timedelta(seconds=delays[delivery.attempts - 1])
        _save(delivery, status=DeliveryStatus.RETRYING, next_attempt_at=retry_at, last_error=error)
        transaction.on_commit(
            partial(_enqueue_deliveries, [delivery.pk], run_after=retry_at), robust=True
        )
    else:
        _save(delivery, status=DeliveryStatus.FAILED, next_attempt_at=None, last_error=error)
        _notify_leads(delivery)
    return delivery.status


def _notify_leads(delivery):
    webhook, project = delivery.webhook, delivery.webhook.project
    leads = Membership.objects.filter(project=project).leads().select_related("person__user")
    notify(
        [membership.person.user for membership in leads],
        kind=NotificationKind.WEBHOOK_FAILED,
        project=project,
        subject=f"{webhook.name}: {delivery.win.title}",
        url=(project.url or "") + project.reverse_subpage("webhooks"),
        # The key makes a second run (two workers, a replayed task) notify nobody twice.
        key=f"webhook:{webhook.pk}:failed:{delivery.pk}",
    )


def retry_due_deliveries(*, now=None):
    """Try again every delivery whose retry time has come; returns how many were tried.

    Run every few minutes by the periodic command; also sends deliveries whose first task was
    lost (PENDING_GRACE).
    """
    now = now or timezone.now()
    due = WebhookDelivery.objects.filter(
        status__in=OPEN_STATUSES, next_attempt_at__lte=now
    ).order_by("next_attempt_at", "pk")
    tried = 0
    for delivery_id in list(due.values_list("pk", flat=True)):
        if attempt_delivery(delivery_id, now=now) is not None:
            tried += 1
    return tried


# Health ------------------------------------------------------------------------------------


def delivery_problems(project, *, now=None):
    """{"failed": n, "retrying": m}: the project's troubled deliveries of the last 14 days."""
    since = (now or timezone.now()) - HEALTH_WINDOW
    return WebhookDelivery.objects.filter(
        webhook__project=project, created_at__gte=since
    ).aggregate(
        failed=Count("pk", filter=Q(status=DeliveryStatus.FAILED)),
        retrying=Count("pk", filter=Q(status=DeliveryStatus.RETRYING)),
    )


def webhook_health(project, *, now=None):
    """How many of the project's deliveries of the last 14 days failed or wait for a retry."""
    problems = delivery_problems(project, now=now)
    return problems["failed"] + problems["retrying"]
