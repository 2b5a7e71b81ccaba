"""notify, each person's e-mail choice, and the background task that e-mails at once."""

import pytest
from django.core import mail

from notifications.models import (
    EmailChoice,
    EmailState,
    Notification,
    NotificationKind,
    NotificationPreference,
)
from notifications.services import notify
from notifications.tasks import send_notification_emails

pytestmark = pytest.mark.django_db


def notify_anna(person, maria, capture, kind=NotificationKind.CREDITED, **fields):
    with capture(execute=True):
        (notification,) = notify(
            [person.user], kind=kind, actor=maria, subject="Churn halved", url="/wins/7/", **fields
        )
    notification.refresh_from_db()
    return notification


def test_immediately_is_emailed_by_the_task_once(person, maria, django_capture_on_commit_callbacks):
    notification = notify_anna(person, maria, django_capture_on_commit_callbacks)

    assert notification.email_state == EmailState.SENT
    assert notification.emailed_at is not None
    (email,) = mail.outbox
    assert email.to == ["anna.virtanen@example.org"]
    assert email.subject == "Maria Nieminen credited you in “Churn halved”"
    assert "http://testserver/wins/7/" in email.body
    assert "http://testserver/notifications/settings/" in email.body
    html, mimetype = email.alternatives[0]
    assert mimetype == "text/html"
    assert 'href="http://testserver/wins/7/"' in html


def test_running_the_task_again_sends_nothing_twice(
    person, maria, django_capture_on_commit_callbacks
):
    notification = notify_anna(person, maria, django_capture_on_commit_callbacks)

    send_notification_emails.enqueue([notification.pk])
    send_notification_emails.call([notification.pk])

    assert len(mail.outbox) == 1


def test_daily_digest_choice_is_not_emailed_at_once(
    person, maria, django_capture_on_commit_callbacks
):
    NotificationPreference.objects.create(
        user=person.user, kind=NotificationKind.CREDITED, email=EmailChoice.DAILY
    )
    notification = notify_anna(person, maria, django_capture_on_commit_callbacks)

    send_notification_emails.call([notification.pk])

    assert notification.email_state == EmailState.IN_DIGEST
    assert mail.outbox == []


def test_off_is_never_emailed_but_listed(
    person, maria, member_client, django_capture_on_commit_callbacks
):
    NotificationPreference.objects.create(
        user=person.user, kind=NotificationKind.CREDITED, email=EmailChoice.OFF
    )
    notification = notify_anna(person, maria, django_capture_on_commit_callbacks)
    send_notification_emails.call([notification.pk])

    assert notification.email_state == EmailState.NOT_EMAILED
    assert mail.outbox == []
    assert (
        "Maria Nieminen credited you in “Churn halved”"
        in member_client.get("/notifications/").content.decode()
    )


def test_reminders_default_to_the_digest(person, maria, django_capture_on_commit_callbacks):
    notification = notify_anna(
        person, maria, django_capture_on_commit_callbacks, kind=NotificationKind.COMMITMENT_DUE
    )

    assert notification.email_state == EmailState.IN_DIGEST
    assert mail.outbox == []


def test_someone_without_an_email_address_is_not_emailed(
    person, maria, django_capture_on_commit_callbacks
):
    person.user.email = ""
    person.user.save()

    notification = notify_anna(person, maria, django_capture_on_commit_callbacks)

    assert notification.email_state == EmailState.NOT_EMAILED
    assert mail.outbox == []


def test_a_refused_email_waits_for_the_next_try(
    person, maria, django_capture_on_commit_callbacks, monkeypatch
):
    def refuse(self, messages):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
    notification = notify_anna(person, maria, django_capture_on_commit_callbacks)
    assert notification.email_state == EmailState.WAITING
    assert notification.emailed_at is None

    monkeypatch.undo()
    assert send_notification_emails.call([notification.pk]) == 1
    assert len(mail.outbox) == 1


def test_a_notification_claimed_by_another_worker_is_skipped(person, maria, make_notification):
    notification = make_notification(email_state=EmailState.WAITING)
    # The other worker's conditional UPDATE got there first.
    Notification.objects.filter(pk=notification.pk).update(email_state=EmailState.SENT)

    assert send_notification_emails.call([notification.pk]) == 0
    assert mail.outbox == []


def test_the_subject_of_a_multiline_mention_is_one_line(
    person, maria, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            [person.user],
            kind=NotificationKind.MENTIONED,
            actor=maria,
            subject="@anna.virtanen look\nat this",
            url="/wins/7/#comment-3",
        )

    assert mail.outbox[0].subject == "Maria Nieminen mentioned you: “@anna.virtanen look at this”"
