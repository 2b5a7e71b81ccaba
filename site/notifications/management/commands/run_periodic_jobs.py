"""Everything that runs on a clock, in one command for cron (every 15 minutes):

    */15 * * * *  cd /srv/commonground && .venv/bin/python manage.py run_periodic_jobs

Every job is idempotent, so a run that overlaps or repeats sends nothing twice: reminders
carry a key per promise and date, webhook deliveries are retried only when due, the daily
digest goes out on the first run after DIGEST_HOUR (see notifications.digest), and the weekly
digest once a week per person on WEEKLY_DIGEST_WEEKDAY (see notifications.weekly). Last, the
database's planner statistics are refreshed (intranet.planner_statistics).
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from intranet.planner_statistics import refresh_planner_statistics
from notifications.digest import send_daily_digests
from notifications.weekly import send_weekly_digests
from projects.reminders import send_reminders
from projects.webhooks import retry_due_deliveries


def jobs(now):
    """(name, what the number counts, the job) in the order they run: reminders first, so
    today's reminders can still make today's digest."""
    return [
        ("reminders", "notifications", lambda: send_reminders(today=timezone.localdate(now))),
        ("webhooks", "deliveries tried", lambda: retry_due_deliveries(now=now)),
        ("digest", "e-mails sent", lambda: send_daily_digests(now=now)),
        ("weekly digest", "e-mails sent", lambda: send_weekly_digests(now=now)),
        # Last and cheap: keeps SQLite's query plans right as the data grows (see the module).
        ("planner statistics", "database analysed", refresh_planner_statistics),
    ]


class Command(BaseCommand):
    help = (
        "Send due reminders, retry chat webhooks and e-mail the daily and weekly digests "
        "(for cron)."
    )

    def handle(self, *args, **options):
        now = timezone.now()
        failed = []
        for name, unit, job in jobs(now):
            # One failing job (a mail server down) must not keep the others from running.
            try:
                count = job()
            except Exception as error:
                failed.append(name)
                self.stderr.write(f"{name}: failed: {error!r}")
                continue
            self.stdout.write(f"{name}: {count} {unit}")
        if failed:
            raise CommandError(f"Failed: {', '.join(failed)}")
