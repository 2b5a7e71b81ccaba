"""The demo's wins, cheers, comments, status updates and promises (projects/demo_celebrations.py).

Building the demo organisation takes several seconds, so the whole demo is seeded once for
this module, in a transaction rolled back at the end; each test runs in a savepoint inside it.
"""

import datetime

import pytest
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from intranet.demo import seed_pages
from notifications.models import Notification, NotificationKind
from organisation.demo import seed_organisation
from projects.demo import seed_metrics, seed_projects
from projects.demo_celebrations import WINS, seed_celebrations
from projects.models import (
    Activity,
    ActivityKind,
    ChatWebhook,
    Cheer,
    Commitment,
    Health,
    ProjectPage,
    ProjectStatus,
    StatusUpdate,
    Timeliness,
    UpdateCadence,
    Visibility,
    WebhookDelivery,
    Win,
    WinComment,
)
from projects.models.wins import WinCredit

pytestmark = pytest.mark.django_db

SEEDED_MODELS = [Win, WinCredit, Cheer, WinComment, StatusUpdate, Commitment, Activity]


@pytest.fixture(scope="module")
def summary(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        seed_organisation()
        seed_pages()
        seed_projects()
        seed_metrics()
        yield seed_celebrations()
        transaction.set_rollback(True)


def localday(moment):
    return timezone.localtime(moment).date()


def maria():
    from organisation.models import Person

    return Person.objects.select_related("user").get(user__username="maria.nieminen")


def test_every_win_in_the_data_is_posted_and_counted(summary):
    assert summary["wins"] == len(WINS) == Win.objects.count()
    assert 10 <= summary["wins"] <= 14
    assert summary["cheers"] == Cheer.objects.count()
    assert summary["comments"] == WinComment.objects.count()
    assert summary["status_updates"] == StatusUpdate.objects.count()
    assert summary["chat_webhooks"] == ChatWebhook.objects.count() == 1


def test_most_wins_credit_people_from_two_or_more_departments(summary):
    wins = list(Win.objects.for_cards())
    joint = [win for win in wins if win.spans_departments]
    assert len(joint) >= 0.8 * len(wins)
    assert max(len(win.credited_departments) for win in wins) >= 3


def test_one_win_is_shared_by_two_projects_and_posted_by_a_member_of_both(summary):
    shared = Win.objects.annotate(project_count=Count("projects")).filter(project_count=2)
    assert shared.count() == 1
    win = shared.get()
    for project in win.projects.all():
        assert project.memberships.filter(person=win.posted_by).exists()
        assert Activity.objects.filter(
            project=project, kind=ActivityKind.WIN_POSTED, summary=win.title
        ).exists()


def test_wins_show_the_metric_check_in_behind_them(summary):
    linked = list(Win.objects.filter(check_in__isnull=False).select_related("check_in__metric"))
    assert len(linked) >= 3
    for win in linked:
        assert win.check_in.metric.project in win.projects.all()
        assert win.day == win.check_in.day
        # The story quotes the check-in's value, rounded.
        assert f"{win.check_in.value:.0f} %" in win.story


def test_wins_are_spread_over_three_months_and_dated_on_their_day(summary):
    today = timezone.localdate()
    days = sorted((today - win.day).days for win in Win.objects.all())
    assert days[0] == 0
    assert 60 <= days[-1] <= 90
    assert len(set(days)) >= 10
    for win in Win.objects.exclude(day=today):
        assert localday(win.created_at) == win.day
        posted = Activity.objects.filter(kind=ActivityKind.WIN_POSTED, summary=win.title)
        assert {localday(event.created_at) for event in posted} == {win.day}
    assert not WinComment.objects.filter(created_at__gt=timezone.now()).exists()


def test_people_across_the_organisation_cheer_with_different_reactions(summary):
    outsiders_cheered = 0
    for win in Win.objects.prefetch_related("projects", "cheers"):
        members = set(
            ProjectPage.objects.filter(wins=win).values_list("memberships__person", flat=True)
        )
        cheerers = {cheer.person_id for cheer in win.cheers.all()}
        assert len(cheerers) >= 2
        assert len({cheer.reaction_id for cheer in win.cheers.all()}) >= 2
        if cheerers - members:
            outsiders_cheered += 1
        if any(p.visibility == Visibility.MEMBERS for p in win.projects.all()):
            assert cheerers <= members  # a members-only win stays among its members
        assert all(cheer.created_at >= win.created_at for cheer in win.cheers.all())
    assert outsiders_cheered >= 10


def test_the_demo_login_cheered_wins_and_was_credited(summary):
    person = maria()
    assert Win.objects.filter(cheers__person=person).distinct().count() >= 5
    assert Win.objects.crediting(person).count() >= 2
    unread = Notification.objects.for_user(person.user).unread()
    assert 3 <= unread.count() <= 8
    assert {n.kind for n in unread} == {NotificationKind.CREDITED, NotificationKind.MENTIONED}


def test_comments_follow_their_win_and_mentions_notify(summary):
    assert Win.objects.filter(comments__isnull=False).distinct().count() >= len(WINS) - 2
    for comment in WinComment.objects.select_related("win"):
        assert comment.created_at > comment.win.created_at
    mention = WinComment.objects.get(text__contains="@laura.makela")
    assert Notification.objects.filter(
        kind=NotificationKind.MENTIONED,
        recipient__username="laura.makela",
        url__endswith=f"#comment-{mention.pk}",
    ).exists()
    # @project reaches every member of the win's project but the author.
    everyone = WinComment.objects.filter(text__contains="@project").first()
    members = ProjectPage.objects.filter(wins=everyone.win).values("memberships__person__user")
    notified = Notification.objects.filter(url__endswith=f"#comment-{everyone.pk}")
    assert notified.count() == len(members) - 1
    # Demo notifications are history: never e-mailed again.
    assert not Notification.objects.filter(email_state="waiting").exists()


def test_exactly_one_active_project_is_overdue_for_its_status_update(summary):
    active = ProjectPage.objects.filter(status=ProjectStatus.ACTIVE)
    overdue = list(active.update_overdue())
    assert [project.slug for project in overdue] == ["pricing-page"]
    assert 1 <= (timezone.localdate() - overdue[0].next_update_due).days <= 7
    for project in active:
        assert project.update_cadence != UpdateCadence.NONE
        updates = list(project.status_updates.all())  # newest first
        assert 3 <= len(updates) <= 8
        assert {update.author for update in updates} == {project.memberships.leads().get().person}
        assert project.next_update_due == updates[0].next_update_due
        assert all(
            update.next_update_due
            == localday(update.created_at)
            + datetime.timedelta(days=UpdateCadence(project.update_cadence).days)
            for update in updates
        )
        events = Activity.objects.filter(project=project, kind=ActivityKind.UPDATE_POSTED)
        assert sorted(e.created_at for e in events) == sorted(u.created_at for u in updates)
        assert {e.detail for e in events} == {u.health for u in updates}
    inactive = ProjectPage.objects.exclude(status=ProjectStatus.ACTIVE)
    assert not inactive.exclude(update_cadence=UpdateCadence.NONE).exists()


def test_the_cadence_survives_the_next_edit_in_the_admin(summary):
    project = ProjectPage.objects.get(slug="quote-to-cash")
    draft = project.latest_revision.as_object()
    assert draft.update_cadence == UpdateCadence.FORTNIGHTLY
    assert draft.next_update_due == project.next_update_due


def test_one_project_goes_off_track_and_recovers(summary):
    history = list(
        StatusUpdate.objects.filter(project__slug="quote-to-cash")
        .order_by("created_at")
        .values_list("health", flat=True)
    )
    off = history.index(Health.OFF_TRACK)
    assert history[-1] == Health.ON_TRACK
    assert off < len(history) - 1
    assert StatusUpdate.objects.filter(health=Health.AT_RISK).exists()


def test_promises_are_kept_early_on_time_and_late(summary):
    delivered = Commitment.objects.delivered()
    assert {c.timeliness for c in delivered} == set(Timeliness)
    for project in ProjectPage.objects.filter(status=ProjectStatus.ACTIVE):
        record = project.commitments.promise_record()
        assert record.delivered >= 3
        assert 0.5 <= record.kept_share < 1  # mostly kept, not suspiciously perfect
    assert Commitment.objects.due_within(2).count() >= 3
    assert Commitment.objects.overdue().exists()


def test_a_failed_chat_delivery_shows_how_failures_look(summary):
    webhook = ChatWebhook.objects.get()
    assert (webhook.name, webhook.flavour) == ("#fcr-team", "slack")
    delivery = WebhookDelivery.objects.get()  # nothing else was sent while seeding
    assert (delivery.status, delivery.attempts, delivery.last_error) == (
        "failed",
        4,
        "Connection refused",
    )
    assert delivery.win.projects.filter(pk=webhook.project_id).exists()
    assert webhook.created_at < delivery.created_at


def test_running_it_again_creates_nothing(summary):
    before = {model: model.objects.count() for model in SEEDED_MODELS}
    notifications = Notification.objects.count()
    assert set(seed_celebrations().values()) == {0}
    assert {model: model.objects.count() for model in SEEDED_MODELS} == before
    assert Notification.objects.count() == notifications
