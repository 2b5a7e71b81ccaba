"""The daily digest: one e-mail per person, at most once a day, and the lost-e-mail net."""

import datetime
import zoneinfo

import pytest
from django.core import mail
from django.test import override_settings

from notifications.digest import digest_cutoff, send_daily_digests
from notifications.models import EmailState, Notification, NotificationKind
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

HELSINKI = zoneinfo.ZoneInfo("Europe/Helsinki")


def local(day, hour, minute=0):
    return datetime.datetime(2026, 3, day, hour, minute, tzinfo=HELSINKI)


@pytest.mark.parametrize(
    ("now", "cutoff"),
    [
        (local(10, 7, 0), local(10, 7)),
        (local(10, 15, 30), local(10, 7)),
        (local(10, 6, 59), local(9, 7)),
    ],
)
def test_the_digest_covers_what_arrived_before_the_latest_digest_hour(now, cutoff):
    assert digest_cutoff(now) == cutoff


@override_settings(DIGEST_HOUR=18)
def test_the_digest_hour_is_a_setting():
    assert digest_cutoff(local(10, 17)) == local(9, 18)


def test_one_digest_per_person_with_all_their_notifications(make_notification, maria):
    first = make_notification(
        email_state=EmailState.IN_DIGEST, created_at=local(9, 12), subject="Churn halved"
    )
    second = make_notification(
        kind=NotificationKind.COMMITMENT_DUE,
        email_state=EmailState.IN_DIGEST,
        created_at=local(9, 13),
        subject="Pilot",
        key="commitment:4:due:2026-03-12",
        url="/projects/x/#commitment-4",
    )
    other = PersonFactory(user__username="olli")
    make_notification(
        recipient=other.user, email_state=EmailState.IN_DIGEST, created_at=local(9, 14)
    )
    make_notification(email_state=EmailState.SENT, created_at=local(9, 8), subject="Old news")

    assert send_daily_digests(now=local(10, 7, 5)) == 2

    anna_digest = next(e for e in mail.outbox if e.to == ["anna.virtanen@example.org"])
    assert anna_digest.subject == "Your daily digest: 2 notifications"
    assert "Maria Nieminen credited you in “Churn halved”" in anna_digest.body
    assert "Your commitment “Pilot” is due on March 12, 2026" in anna_digest.body
    assert "http://testserver/projects/x/#commitment-4" in anna_digest.body
    assert "Old news" not in anna_digest.body
    assert "Churn halved" in anna_digest.alternatives[0][0]
    for notification in (first, second):
        notification.refresh_from_db()
        assert notification.email_state == EmailState.SENT


def test_a_second_run_the_same_day_sends_nothing(make_notification):
    make_notification(email_state=EmailState.IN_DIGEST, created_at=local(9, 12))
    send_daily_digests(now=local(10, 7, 5))

    assert send_daily_digests(now=local(10, 7, 5)) == 0
    assert send_daily_digests(now=local(10, 7, 20)) == 0
    assert len(mail.outbox) == 1


def test_what_arrives_after_the_digest_hour_waits_for_tomorrow(make_notification):
    late = make_notification(email_state=EmailState.IN_DIGEST, created_at=local(10, 9))

    assert send_daily_digests(now=local(10, 9, 15)) == 0
    assert send_daily_digests(now=local(11, 6, 45)) == 0
    assert send_daily_digests(now=local(11, 7, 0)) == 1
    late.refresh_from_db()
    assert late.email_state == EmailState.SENT


def test_people_without_an_email_address_get_no_digest(make_notification, person):
    person.user.email = ""
    person.user.save()
    notification = make_notification(email_state=EmailState.IN_DIGEST, created_at=local(9, 12))

    assert send_daily_digests(now=local(10, 8)) == 0
    notification.refresh_from_db()
    assert notification.email_state == EmailState.NOT_EMAILED


def test_a_refused_digest_is_tried_again(make_notification, monkeypatch):
    notification = make_notification(email_state=EmailState.IN_DIGEST, created_at=local(9, 12))

    def refuse(self, messages):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
    assert send_daily_digests(now=local(10, 8)) == 0
    notification.refresh_from_db()
    assert notification.email_state == EmailState.IN_DIGEST

    monkeypatch.undo()
    assert send_daily_digests(now=local(10, 8, 15)) == 1


def test_immediate_emails_whose_task_never_ran_go_out(make_notification):
    lost = make_notification(email_state=EmailState.WAITING, created_at=local(10, 10))
    fresh = make_notification(email_state=EmailState.WAITING, created_at=local(10, 10, 25))

    assert send_daily_digests(now=local(10, 10, 30)) == 1

    (email,) = mail.outbox
    assert email.subject == "Maria Nieminen credited you in “Churn halved”"
    assert Notification.objects.get(pk=lost.pk).email_state == EmailState.SENT
    assert Notification.objects.get(pk=fresh.pk).email_state == EmailState.WAITING
