import io

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from notifications.models import EmailState

from .conftest import days_ago

pytestmark = pytest.mark.django_db

COMMAND = "notifications.management.commands.run_periodic_jobs"


def run():
    output = io.StringIO()
    call_command("run_periodic_jobs", stdout=output, stderr=io.StringIO())
    return output.getvalue()


def test_runs_reminders_webhooks_and_the_digests_in_order(monkeypatch):
    calls = []
    monkeypatch.setattr(f"{COMMAND}.send_reminders", lambda *, today: calls.append(today) or 2)
    monkeypatch.setattr(f"{COMMAND}.retry_due_deliveries", lambda *, now: calls.append(now) or 1)
    monkeypatch.setattr(f"{COMMAND}.send_daily_digests", lambda *, now: calls.append(now) or 3)
    monkeypatch.setattr(f"{COMMAND}.send_weekly_digests", lambda *, now: calls.append(now) or 4)

    output = run()

    assert output.splitlines() == [
        "reminders: 2 notifications",
        "webhooks: 1 deliveries tried",
        "digest: 3 e-mails sent",
        "weekly digest: 4 e-mails sent",
        f"planner statistics: {connection.vendor} database analysed",
    ]
    today, webhooks_now, digest_now, weekly_now = calls
    assert today == timezone.localdate(digest_now)
    assert webhooks_now == digest_now == weekly_now


def test_running_twice_sends_nothing_twice(make_notification):
    make_notification(email_state=EmailState.IN_DIGEST, created_at=days_ago(2))
    make_notification(email_state=EmailState.WAITING, created_at=days_ago(1))

    first = run()
    second = run()

    assert "digest: 2 e-mails sent" in first
    assert "digest: 0 e-mails sent" in second
    assert len(mail.outbox) == 2


def test_a_failing_job_does_not_stop_the_others(monkeypatch, make_notification):
    def broken(*, today):
        raise RuntimeError("reminders broke")

    monkeypatch.setattr(f"{COMMAND}.send_reminders", broken)
    make_notification(email_state=EmailState.IN_DIGEST, created_at=days_ago(2))

    with pytest.raises(CommandError, match="reminders"):
        call_command("run_periodic_jobs", stdout=io.StringIO(), stderr=io.StringIO())

    assert len(mail.outbox) == 1


def test_planner_statistics_are_refreshed():
    """SQLite has no statistics until analysed; PostgreSQL records when it last analysed."""
    run()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'django_content_type'")
        else:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_user_tables "
                "WHERE relname = 'django_content_type' AND last_analyze IS NOT NULL"
            )
        assert cursor.fetchone()[0] >= 1
