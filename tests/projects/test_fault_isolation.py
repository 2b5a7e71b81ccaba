"""A failed chat webhook or e-mail never fails the request that triggered it.

Each test posts through the view as a browser does, on a database that really commits, so
that what runs after the commit (queueing e-mails and webhook deliveries, and with the
immediate task backend of the tests, sending them) runs inside the request, as it does in
development. The request must still answer with its redirect, the win or comment must be
saved, and the failure must be logged and kept for a later try.
"""

import logging
import smtplib
import urllib.error
from unittest import mock

import pytest
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse
from django.utils import timezone

from notifications.models import EmailState, Notification, NotificationKind
from projects.models import ChatWebhook, DeliveryStatus, WebhookDelivery, Win, WinComment
from tests.factories import WinFactory

# What the mail server did, for the tests to check that sending was really attempted.
mail_attempts = []


class MailServerDown(BaseEmailBackend):
    """No mail server answers: opening the connection fails."""

    def open(self):
        mail_attempts.append("open")
        raise smtplib.SMTPConnectError(421, "Service not available")

    def send_messages(self, email_messages):
        self.open()


class MailServerRefusing(BaseEmailBackend):
    """The mail server accepts the connection, then refuses every message."""

    def send_messages(self, email_messages):
        mail_attempts.append("send")
        raise smtplib.SMTPRecipientsRefused({"lead@example.org": (550, b"No such user")})


@pytest.fixture(autouse=True)
def forget_mail_attempts():
    mail_attempts.clear()


@pytest.fixture
def team(pristine_database, settings, joint_project, lead, member):
    """The joint project with a Slack webhook, its lead and a member, on a committing database."""
    settings.WEBHOOK_ALLOWED_HTTP_HOSTS = ["127.0.0.1"]
    settings.WEBHOOK_TIMEOUT_SECONDS = 1
    ChatWebhook.objects.create(
        project=joint_project,
        name="#wins",
        url="http://127.0.0.1:9/hooks/s3cret-key",
        flavour="slack",
        created_by=lead,
    )
    return joint_project, lead, member


def post_win(client, project, lead, member):
    client.force_login(member.user)
    return client.post(
        f"{project.url}wins/new/",
        {
            "title": "Answer time halved",
            "story": "We rewrote the macros together.",
            "day": timezone.localdate().isoformat(),
            "credited": [lead.pk, member.pk],
            "also_credit": "",
            "check_in": "",
        },
    )


def assert_win_saved(response, lead):
    win = Win.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/wins/{win.pk}/"
    # The lead was credited and hears of it in the app, e-mail or not.
    assert Notification.objects.filter(recipient=lead.user, kind=NotificationKind.CREDITED)
    return win


# Chat webhooks -------------------------------------------------------------------------------

CHAT_FAILURES = {
    "refused": urllib.error.URLError(ConnectionRefusedError(111, "Connection refused")),
    "timeout": urllib.error.URLError(TimeoutError("timed out")),
    "server error": urllib.error.HTTPError(
        "http://127.0.0.1:9/hooks/s3cret-key", 500, "Internal Server Error", {}, None
    ),
    "reset": ConnectionResetError(104, "Connection reset by peer"),
    "a bug": RuntimeError("unexpected"),
}


@pytest.mark.parametrize("failure", CHAT_FAILURES.values(), ids=CHAT_FAILURES.keys())
def test_a_failing_chat_system_never_fails_posting_a_win(client, team, caplog, failure):
    project, lead, member = team
    with (
        mock.patch("projects.webhooks._opener.open", side_effect=failure) as chat,
        caplog.at_level(logging.WARNING),
    ):
        response = post_win(client, project, lead, member)

    win = assert_win_saved(response, lead)
    assert chat.called, "the delivery was attempted within the request"
    delivery = WebhookDelivery.objects.get(win=win)
    assert delivery.status == DeliveryStatus.RETRYING
    assert delivery.last_error
    assert "s3cret-key" not in delivery.last_error
    assert any("Chat webhook #wins" in record.getMessage() for record in caplog.records)


def test_a_broken_task_queue_never_fails_posting_a_win(client, team, caplog):
    project, lead, member = team
    with (
        mock.patch("projects.tasks.deliver_win_to_webhook") as webhook_task,
        mock.patch("notifications.tasks.send_notification_emails") as mail_task,
        caplog.at_level(logging.ERROR),
    ):
        webhook_task.enqueue.side_effect = OSError("queue down")
        mail_task.enqueue.side_effect = OSError("queue down")
        response = post_win(client, project, lead, member)

    win = assert_win_saved(response, lead)
    assert webhook_task.enqueue.called
    assert mail_task.enqueue.called
    # Both wait for the periodic job: the delivery is pending, the e-mail still waiting.
    assert WebhookDelivery.objects.get(win=win).status == DeliveryStatus.PENDING
    credited = Notification.objects.get(recipient=lead.user, kind=NotificationKind.CREDITED)
    assert credited.email_state == EmailState.WAITING
    messages = [record.getMessage() for record in caplog.records]
    assert any(message.startswith("Could not queue chat webhook") for message in messages)
    assert any(message.startswith("Could not queue notification e-mails") for message in messages)


# E-mail --------------------------------------------------------------------------------------

MAIL_FAILURES = {
    "server down": "tests.projects.test_fault_isolation.MailServerDown",
    "message refused": "tests.projects.test_fault_isolation.MailServerRefusing",
}


@pytest.mark.parametrize("backend", MAIL_FAILURES.values(), ids=MAIL_FAILURES.keys())
def test_a_failing_mail_server_never_fails_posting_a_win(client, team, settings, caplog, backend):
    settings.EMAIL_BACKEND = backend
    project, lead, member = team
    with (
        mock.patch("projects.webhooks._opener.open", side_effect=CHAT_FAILURES["refused"]),
        caplog.at_level(logging.ERROR),
    ):
        response = post_win(client, project, lead, member)

    assert_win_saved(response, lead)
    assert mail_attempts, "the e-mail was attempted within the request"
    credited = Notification.objects.get(recipient=lead.user, kind=NotificationKind.CREDITED)
    # Not lost: it waits for the next try (the periodic job).
    assert credited.email_state == EmailState.WAITING
    assert caplog.records, "the failure is logged"


@pytest.mark.parametrize("backend", MAIL_FAILURES.values(), ids=MAIL_FAILURES.keys())
def test_a_failing_mail_server_never_fails_a_comment_that_mentions(
    client, team, settings, caplog, backend
):
    settings.EMAIL_BACKEND = backend
    project, lead, member = team
    win = WinFactory(projects=[project], posted_by=member)
    client.force_login(member.user)
    with caplog.at_level(logging.ERROR):
        response = client.post(
            reverse("projects:comment", args=[win.pk]), {"text": "Thanks @lead, well done!"}
        )

    comment = WinComment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/wins/{win.pk}/#comment-{comment.pk}"
    assert mail_attempts
    mention = Notification.objects.get(recipient=lead.user, kind=NotificationKind.MENTIONED)
    assert mention.email_state == EmailState.WAITING
    assert caplog.records


def test_in_production_the_request_only_queues_the_work(client, team, settings):
    """With the database queue nothing is sent within the request: a worker sends it later."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    settings.EMAIL_BACKEND = MAIL_FAILURES["server down"]
    project, lead, member = team
    from django_tasks_db.models import DBTaskResult

    with mock.patch("projects.webhooks._opener.open") as chat:
        response = post_win(client, project, lead, member)

    assert_win_saved(response, lead)
    assert not chat.called
    assert mail_attempts == []
    queued = set(DBTaskResult.objects.values_list("task_path", flat=True))
    assert queued >= {
        "projects.tasks.deliver_win_to_webhook",
        "notifications.tasks.send_notification_emails",
    }
