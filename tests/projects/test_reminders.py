"""Reminders before promised dates, escalation when they pass (projects.reminders)."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from notifications.models import Notification, NotificationKind
from projects.models import ProjectPage, ProjectStatus, UpdateCadence
from projects.reminders import send_reminders
from tests.factories import CommitmentFactory, MembershipFactory, ProjectPageFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 10)


def day(n):
    return TODAY + datetime.timedelta(days=n)


@pytest.fixture(autouse=True)
def lead_time(settings):
    settings.REMINDER_LEAD_DAYS = 2


@pytest.fixture
def sponsor(joint_project):
    return MembershipFactory(project=joint_project, role="sponsor").person


def promise_update(project, cadence, due):
    ProjectPage.objects.filter(pk=project.pk).update(update_cadence=cadence, next_update_due=due)


def sent():
    """{(username, kind, key)} of every notification."""
    return set(Notification.objects.values_list("recipient__username", "kind", "key"))


class TestCommitmentsFallingDue:
    def test_owner_is_reminded_within_the_lead_time(self, joint_project, member):
        on_edge = CommitmentFactory(project=joint_project, owner=member, due_date=day(2))
        today = CommitmentFactory(project=joint_project, owner=member, due_date=day(0))
        CommitmentFactory(project=joint_project, owner=member, due_date=day(3))  # not yet
        CommitmentFactory(  # delivered: nothing to remind
            project=joint_project, owner=member, due_date=day(1), delivered_on=day(-1)
        )

        assert send_reminders(today=TODAY) == 2

        assert sent() == {
            ("member", "commitment_due", f"commitment:{on_edge.pk}:due:{day(2)}"),
            ("member", "commitment_due", f"commitment:{today.pk}:due:{day(0)}"),
        }
        notification = Notification.objects.get(key=f"commitment:{on_edge.pk}:due:{day(2)}")
        assert notification.subject == on_edge.title
        assert notification.url == f"{joint_project.url}#commitment-{on_edge.pk}"
        assert notification.project_id == joint_project.pk

    def test_lead_time_is_a_setting(self, settings, joint_project, member):
        settings.REMINDER_LEAD_DAYS = 5
        CommitmentFactory(project=joint_project, owner=member, due_date=day(5))
        assert send_reminders(today=TODAY) == 1


class TestUpdatesFallingDue:
    def test_each_lead_is_reminded(self, joint_project, lead, sponsor):
        second_lead = MembershipFactory(project=joint_project, role="lead").person
        promise_update(joint_project, UpdateCadence.WEEKLY, day(2))

        assert send_reminders(today=TODAY) == 2

        key = f"update:{joint_project.pk}:due:{day(2)}"
        assert sent() == {
            (lead.user.username, "update_due", key),
            (second_lead.user.username, "update_due", key),
        }
        notification = Notification.objects.first()
        assert notification.subject == joint_project.title
        assert notification.url == f"{joint_project.url}updates/new/"

    def test_not_before_the_lead_time(self, joint_project):
        promise_update(joint_project, UpdateCadence.WEEKLY, day(3))
        assert send_reminders(today=TODAY) == 0

    @pytest.mark.parametrize("due", [day(1), day(-10)])
    def test_a_project_without_cadence_is_never_nagged(self, joint_project, due):
        promise_update(joint_project, UpdateCadence.NONE, due)
        assert send_reminders(today=TODAY) == 0
        assert not Notification.objects.exists()


class TestEscalation:
    def test_overdue_commitment_goes_to_the_owner_and_the_leads(
        self, joint_project, lead, member, sponsor
    ):
        late = CommitmentFactory(project=joint_project, owner=member, due_date=day(-1))

        assert send_reminders(today=TODAY) == 2

        key = f"commitment:{late.pk}:overdue:{day(-1)}"
        assert sent() == {("member", "overdue", key), ("lead", "overdue", key)}

    def test_a_lead_who_owns_it_hears_once(self, joint_project, lead):
        CommitmentFactory(project=joint_project, owner=lead, due_date=day(-4))
        assert send_reminders(today=TODAY) == 1

    def test_overdue_update_goes_to_leads_and_sponsors(self, joint_project, lead, member, sponsor):
        promise_update(joint_project, UpdateCadence.FORTNIGHTLY, day(-3))

        assert send_reminders(today=TODAY) == 2

        key = f"update:{joint_project.pk}:overdue:{day(-3)}"
        assert sent() == {
            ("lead", "overdue", key),
            (sponsor.user.username, "overdue", key),
        }

    def test_completed_projects_are_left_alone(self, joint_project, member):
        ProjectPage.objects.filter(pk=joint_project.pk).update(status=ProjectStatus.COMPLETED)
        promise_update(joint_project, UpdateCadence.WEEKLY, day(-3))
        CommitmentFactory(project=joint_project, owner=member, due_date=day(-1))
        CommitmentFactory(project=joint_project, owner=member, due_date=day(1))
        assert send_reminders(today=TODAY) == 0

    def test_inactive_people_are_skipped(self, joint_project, lead, member):
        member.user.is_active = False
        member.user.save()
        CommitmentFactory(project=joint_project, owner=member, due_date=day(-1))
        assert send_reminders(today=TODAY) == 1
        assert sent() == {("lead", "overdue", Notification.objects.get().key)}


class TestIdempotence:
    def test_running_twice_sends_nothing_new(self, joint_project, lead, member, sponsor):
        CommitmentFactory(project=joint_project, owner=member, due_date=day(1))
        CommitmentFactory(project=joint_project, owner=member, due_date=day(-1))
        promise_update(joint_project, UpdateCadence.WEEKLY, day(-2))
        first = send_reminders(today=TODAY)
        assert first == 5
        assert send_reminders(today=TODAY) == 0
        # The next day the same promises are still open: still nothing new.
        assert send_reminders(today=day(1)) == 0
        assert Notification.objects.count() == first

    def test_a_new_promised_date_is_reminded_afresh(self, joint_project, lead):
        promise_update(joint_project, UpdateCadence.WEEKLY, day(1))
        assert send_reminders(today=TODAY) == 1
        promise_update(joint_project, UpdateCadence.WEEKLY, day(8))
        assert send_reminders(today=day(6)) == 1
        assert Notification.objects.count() == 2

    def test_due_soon_then_overdue_are_two_notifications(self, joint_project, member):
        CommitmentFactory(project=joint_project, owner=member, due_date=day(1))
        assert send_reminders(today=TODAY) == 1
        assert send_reminders(today=day(2)) == 2  # the owner and the lead
        kinds = sorted(Notification.objects.values_list("kind", flat=True))
        assert kinds == [NotificationKind.COMMITMENT_DUE, "overdue", "overdue"]


def test_runs_in_a_fixed_number_of_queries(project_index):
    """3 commitments or 30: the same number of queries.

    (Kept under ~90 notifications per run: beyond that SQLite, unlike PostgreSQL, splits
    the single insert into batches of 999 parameters.)
    """

    def add_project(*, owner_dues, lead_dues=(), update_due):
        project = ProjectPageFactory(parent=project_index)
        lead = MembershipFactory(project=project, role="lead").person
        MembershipFactory(project=project, role="sponsor")
        owner = MembershipFactory(project=project).person
        for due in owner_dues:
            CommitmentFactory(project=project, owner=owner, due_date=day(due))
        for due in lead_dues:
            CommitmentFactory(project=project, owner=lead, due_date=day(due))
        promise_update(project, UpdateCadence.WEEKLY, day(update_due))

    def queries_of_a_run():
        Notification.objects.all().delete()
        cache.clear()
        with CaptureQueriesContext(connection) as run:
            created = send_reminders(today=TODAY)
        assert created > 0
        return len(run)

    # Every kind of reminder, from 3 commitments: due soon, overdue, and an update of each.
    add_project(owner_dues=[1, -1], update_due=2)
    add_project(owner_dues=[], lead_dues=[-5], update_due=-2)
    small = queries_of_a_run()
    for n in range(9):
        add_project(owner_dues=[1, -1], lead_dues=[-5], update_due=2 if n % 2 else -2)
    assert queries_of_a_run() == small
    # A second run finds everything sent: nothing new, and no more queries.
    with CaptureQueriesContext(connection) as again:
        assert send_reminders(today=TODAY) == 0
    assert len(again) <= small


def test_uses_today_by_default(joint_project, member):
    CommitmentFactory(project=joint_project, owner=member, due_date=timezone.localdate())
    assert send_reminders() == 1


def test_a_run_at_the_same_moment_sends_nothing_twice(monkeypatch, joint_project, member):
    """If another run inserted between our check and our insert, notify() sends the rest."""
    from projects import reminders

    CommitmentFactory(project=joint_project, owner=member, due_date=day(-1))
    assert send_reminders(today=TODAY) == 2
    monkeypatch.setattr(reminders, "_new_only", lambda found: found)  # as if checked too early
    assert send_reminders(today=TODAY) == 0
    assert Notification.objects.count() == 2


def test_overdue_is_emailed_at_once_and_due_soon_in_the_digest(
    joint_project, member, django_capture_on_commit_callbacks
):
    CommitmentFactory(project=joint_project, owner=member, due_date=day(-1))
    CommitmentFactory(project=joint_project, owner=member, due_date=day(1))
    with django_capture_on_commit_callbacks() as callbacks:
        send_reminders(today=TODAY)
    states = dict(Notification.objects.values_list("kind", "email_state").distinct())
    assert states == {"overdue": "waiting", "commitment_due": "in_digest"}
    assert len(callbacks) == 1  # the immediate e-mails are queued once the run commits


def test_the_unread_count_in_the_header_includes_reminders(joint_project, member):
    from notifications.unread import unread_count

    assert unread_count(member.user) == 0  # now cached
    CommitmentFactory(project=joint_project, owner=member, due_date=day(1))
    send_reminders(today=TODAY)
    assert unread_count(member.user) == 1
