"""The demo's retrospectives (projects/demo_retros.py).

The demo organisation is seeded once for this module, in a transaction rolled back at the end;
each test runs in a savepoint inside it.
"""

import datetime

import pytest
from django.db import connection, transaction
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from intranet.demo import seed_pages
from notifications.models import EmailState, Notification, NotificationKind
from organisation.demo import seed_organisation
from projects.demo import seed_metrics, seed_projects
from projects.demo_celebrations import seed_celebrations
from projects.demo_retros import CLOSED_RETROS, COLLECTING_RETRO, seed_retrospectives
from projects.models import (
    Activity,
    ActivityKind,
    Commitment,
    RetroItem,
    RetroNote,
    RetroParticipant,
    RetroPhase,
    Retrospective,
    RetroVote,
)

pytestmark = pytest.mark.django_db

SEEDED_MODELS = [
    Retrospective,
    RetroItem,
    RetroVote,
    RetroNote,
    RetroParticipant,
    Commitment,
    Activity,
    Notification,
]


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        seed_organisation()
        seed_pages()
        seed_projects()
        seed_metrics()
        seed_celebrations()
        with CaptureQueriesContext(connection) as queries:
            summary = seed_retrospectives()
        yield summary, len(queries)
        transaction.set_rollback(True)


@pytest.fixture
def summary(seeded):
    return seeded[0]


def closed():
    return Retrospective.objects.filter(phase=RetroPhase.CLOSED)


def collecting():
    return Retrospective.objects.get(title=COLLECTING_RETRO["title"])


def test_every_retrospective_in_the_data_is_created_and_counted(summary):
    assert summary["retrospectives"] == len(CLOSED_RETROS) + 1 == Retrospective.objects.count()
    assert summary["items"] == RetroItem.objects.count()
    assert summary["votes"] == RetroVote.objects.count()
    assert summary["action_items"] == Commitment.objects.filter(retrospective__isnull=False).count()


def test_seeding_stays_within_its_query_budget(seeded):
    """A budget of queries, not seconds (timings belong in `make bench`). The demo seeds
    through the real services (notifications, activity, the search index): 1,191 queries
    on 2026-11-23; a jump means something began to query once per row."""
    _summary, query_count = seeded
    assert query_count <= 1250


def test_closed_retrospectives_use_two_formats_and_cover_both_projects(summary):
    assert closed().count() == len(CLOSED_RETROS) >= 3
    assert closed().values("format").distinct().count() == 2
    slugs = set(closed().values_list("projects__slug", flat=True))
    assert slugs == {"first-contact-resolution", "quote-to-cash"}
    spanning = closed().annotate(project_count=Count("projects")).filter(project_count=2)
    assert spanning.count() == 1


def test_closed_retrospectives_are_dated_over_two_months_and_closed_on_their_day(summary):
    today = timezone.localdate()
    ages = sorted((today - retro.held_on).days for retro in closed())
    assert ages[0] >= 7
    assert 40 <= ages[-1] <= 70
    for retro in closed():
        assert retro.summary
        assert timezone.localtime(retro.closed_at).date() == retro.held_on
        assert timezone.localtime(retro.created_at).date() == retro.held_on
        for project in retro.projects.all():
            event = Activity.objects.get(
                project=project, kind=ActivityKind.RETRO_CLOSED, summary=retro.title
            )
            assert timezone.localtime(event.created_at).date() == retro.held_on
    for model in (Activity, RetroNote, Commitment):
        assert not model.objects.filter(created_at__gt=timezone.now()).exists()


def test_items_come_from_several_departments_with_merged_duplicates_votes_and_notes(summary):
    for retro in closed():
        items = retro.items.all()
        assert items.values("department").distinct().count() >= 2
        assert items.filter(is_anonymous=True).exists()
        assert items.filter(merged_into__isnull=False).exists()
        assert RetroNote.objects.filter(item__retrospective=retro).exists()
        # Nobody used more dots than they had, and no dot sits on a merged child.
        per_person = retro.votes.values("person").annotate(dots=Count("pk"))
        assert max(row["dots"] for row in per_person) <= retro.votes_per_person
        assert not retro.votes.filter(item__merged_into__isnull=False).exists()


def test_anonymous_items_keep_no_author_and_no_time(summary):
    anonymous = RetroItem.objects.filter(is_anonymous=True)
    assert anonymous.count() >= 4
    assert not anonymous.filter(author__isnull=False).exists()
    assert not anonymous.filter(created_at__isnull=False).exists()


def test_action_items_link_metrics_of_their_project_and_some_carry_over(summary):
    actions = Commitment.objects.filter(retrospective__isnull=False).select_related("metric")
    assert actions.filter(metric__isnull=False).count() >= 4
    for action in actions.filter(metric__isnull=False):
        assert action.metric.project_id == action.project_id
        assert action.retrospective.projects.filter(pk=action.project_id).exists()
        assert action.retro_item is not None
    assert actions.filter(delivered_on__isnull=False).count() >= 3
    open_actions = actions.filter(delivered_on__isnull=True)
    assert open_actions.filter(due_date__lt=timezone.localdate()).count() >= 2
    # An action still open from an earlier retrospective of First-contact resolution is
    # what today's opening review shows.
    today_retro = collecting()
    carried = open_actions.filter(
        project__slug="first-contact-resolution",
        retrospective__held_on__lt=today_retro.held_on,
    )
    assert carried.exists()


def test_delivered_actions_have_their_timeline_entries_on_the_day(summary):
    for action in Commitment.objects.filter(
        retrospective__isnull=False, delivered_on__isnull=False
    ):
        event = Activity.objects.get(kind=ActivityKind.COMMITMENT_DELIVERED, summary=action.title)
        assert timezone.localtime(event.created_at).date() == action.delivered_on
        made = Activity.objects.get(kind=ActivityKind.COMMITMENT_MADE, summary=action.title)
        assert made.created_at == action.created_at
        assert timezone.localtime(action.created_at).date() == action.retrospective.held_on


def test_closing_notified_members_without_queueing_emails(summary):
    notices = Notification.objects.filter(kind=NotificationKind.RETRO_SUMMARY)
    # Every member of the projects but the facilitator heard about each closed retrospective.
    expected = sum(
        retro.projects.values("memberships__person").distinct().count() - 1 for retro in closed()
    )
    assert notices.count() == expected
    assert not notices.exclude(email_state=EmailState.SENT).exists()
    # Weeks old, so already read: no flood of unread notifications for the demo login.
    assert not notices.filter(read_at__isnull=True).exists()


def test_todays_retrospective_is_collecting_with_hidden_items_and_a_silent_department(summary):
    retro = collecting()
    assert retro.phase == RetroPhase.COLLECT
    assert retro.held_on == timezone.localdate()
    assert retro.facilitator.user.username == "maria.nieminen"
    items = retro.items.all()
    assert items.count() == len(COLLECTING_RETRO["items"])
    # Maria has posted nothing yet: every item is someone else's, hidden from her until reveal.
    assert not items.filter(author=retro.facilitator).exists()
    assert items.filter(is_anonymous=True).exists()
    project = retro.projects.get()
    departments = {department.name for department in project.departments}
    contributed = set(retro.participants.values_list("department__name", flat=True))
    assert contributed < departments
    assert "Data & Analytics" in departments - contributed
    assert not retro.votes.exists()
    assert not retro.actions.exists()


def test_a_second_run_creates_nothing(summary):
    before = {model: model.objects.count() for model in SEEDED_MODELS}
    assert seed_retrospectives() == {
        "retrospectives": 0,
        "items": 0,
        "votes": 0,
        "action_items": 0,
    }
    assert {model: model.objects.count() for model in SEEDED_MODELS} == before


def test_nothing_is_dated_in_the_future(summary):
    now = timezone.now() + datetime.timedelta(seconds=1)
    assert not RetroItem.objects.filter(created_at__gt=now).exists()
    assert not Retrospective.objects.filter(created_at__gt=now).exists()
    assert not Retrospective.objects.filter(closed_at__gt=now).exists()
