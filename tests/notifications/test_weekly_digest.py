"""The weekly digest: what it says, to whom, once a week, and leaving it."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from notifications.models import WeeklyDigest
from notifications.weekly import send_weekly_digests
from projects.models import ProjectPage, RetroFormat, RetroPhase, Retrospective, Win
from tests.factories import (
    MembershipFactory,
    PersonFactory,
    ProjectPageFactory,
    WinFactory,
)

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2030, 1, 7)


def at(day, hour=9):
    """A moment of local time, as the periodic job passes it."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


MONDAY_MORNING = at(MONDAY)


def make_retro(project, facilitator, *, held_on, phase=RetroPhase.REVIEW, title="Retro"):
    retro = Retrospective.objects.create(
        title=title,
        held_on=held_on,
        facilitator=facilitator,
        created_by=facilitator,
        format=RetroFormat.objects.first(),
        phase=phase,
    )
    retro.projects.set([project])
    return retro


@pytest.fixture
def week(project_index, joint_project, lead, member):
    """The member's week: a win in their project, one crediting a colleague of their
    department elsewhere, a project they lead with an update due, a retro coming up; and
    things that must stay out (an old win, a closed retro, a members-only project's win)."""
    colleague = PersonFactory(department=member.department)
    elsewhere = ProjectPageFactory(parent=project_index, title="Elsewhere")
    secret = ProjectPageFactory(parent=project_index, title="Secret", visibility="members")
    MembershipFactory(project=secret, person=lead, role="lead")
    owed = ProjectPageFactory(
        parent=project_index,
        title="Weekly project",
        update_cadence="weekly",
        next_update_due=MONDAY + datetime.timedelta(days=3),
    )
    MembershipFactory(project=owed, person=member, role="lead")

    WinFactory(title="Churn halved", projects=[joint_project], posted_by=lead, day=MONDAY)
    WinFactory(title="Colleague's win", projects=[elsewhere], credited=[colleague], day=MONDAY)
    WinFactory(
        title="Last month's win",
        projects=[joint_project],
        day=MONDAY - datetime.timedelta(days=20),
    )
    WinFactory(title="Secret win", projects=[secret], credited=[colleague], day=MONDAY)
    make_retro(
        joint_project, lead, held_on=MONDAY + datetime.timedelta(days=2), title="Sprint retro"
    )
    make_retro(joint_project, lead, held_on=MONDAY, phase=RetroPhase.CLOSED, title="Old retro")
    return member


def emails_to(person):
    return [email for email in mail.outbox if email.to == [person.user.email]]


def html_of(email):
    return next(body for body, kind in email.alternatives if kind == "text/html")


def test_the_digest_tells_a_person_about_their_week(week):
    send_weekly_digests(now=MONDAY_MORNING)

    (email,) = emails_to(week)
    for body in (email.body, html_of(email)):
        assert "Churn halved" in body
        assert "Colleague&#x27;s win" in body or "Colleague's win" in body
        assert "Weekly project" in body
        assert "Sprint retro" in body
        assert "Last month's win" not in body
        assert "Old retro" not in body
        assert "Secret" not in body
    assert "http://testserver/projects/weekly-project/updates/new/" in email.body
    assert "http://testserver/notifications/weekly-digest/unsubscribe/" in email.body
    assert 'href="http://testserver/notifications/weekly-digest/unsubscribe/"' in html_of(email)
    assert email.subject == "Your week in Common Ground"


def test_an_overdue_update_is_flagged(week):
    ProjectPage.objects.filter(title="Weekly project").update(
        next_update_due=MONDAY - datetime.timedelta(days=1)
    )
    send_weekly_digests(now=MONDAY_MORNING)

    (email,) = emails_to(week)
    assert "Overdue since" in email.body


def test_a_members_only_projects_win_reaches_its_members(week, lead):
    send_weekly_digests(now=MONDAY_MORNING)

    (email,) = emails_to(lead)
    assert "Secret win" in email.body
    assert "Churn halved" in email.body


def test_a_department_colleague_inside_the_members_only_project_sees_its_win(week):
    insider = PersonFactory(department=week.department)
    secret = ProjectPage.objects.get(title="Secret")
    MembershipFactory(project=secret, person=insider)

    send_weekly_digests(now=MONDAY_MORNING)

    (email,) = emails_to(insider)
    assert "Secret win" in email.body


def test_the_digest_comes_in_the_persons_language(week):
    from wagtail.users.models import UserProfile

    UserProfile.objects.update_or_create(user=week.user, defaults={"preferred_language": "fi"})
    send_weekly_digests(now=MONDAY_MORNING)

    (email,) = emails_to(week)
    assert "10. tammikuuta 2030" in email.body  # the update's due date, the Finnish way
    assert "Jan. 10, 2030" not in email.body


def test_people_with_nothing_to_hear_about_get_nothing(week):
    quiet = PersonFactory()

    send_weekly_digests(now=MONDAY_MORNING)

    assert emails_to(quiet) == []
    assert not WeeklyDigest.objects.filter(user=quiet.user).exists()


def test_opted_out_people_get_nothing(week):
    WeeklyDigest.objects.create(user=week.user, opted_out=True)

    send_weekly_digests(now=MONDAY_MORNING)

    assert emails_to(week) == []


def test_people_without_an_address_or_who_left_get_nothing(week, lead):
    week.user.email = ""
    week.user.save()
    lead.user.is_active = False
    lead.user.save()

    send_weekly_digests(now=MONDAY_MORNING)

    assert emails_to(week) == emails_to(lead) == []


def test_a_second_run_the_same_week_sends_nothing(week):
    first = send_weekly_digests(now=MONDAY_MORNING)
    second = send_weekly_digests(now=MONDAY_MORNING + datetime.timedelta(hours=3))

    assert first >= 1
    assert second == 0
    assert len(emails_to(week)) == 1
    assert WeeklyDigest.objects.get(user=week.user).last_sent_on == MONDAY


def test_next_week_brings_a_new_digest(week):
    send_weekly_digests(now=MONDAY_MORNING)
    next_monday = MONDAY + datetime.timedelta(days=7)
    Win.objects.update(day=next_monday)

    send_weekly_digests(now=at(next_monday))

    assert len(emails_to(week)) == 2


@pytest.mark.parametrize(
    "now",
    [at(MONDAY + datetime.timedelta(days=1)), at(MONDAY, hour=6)],
    ids=["tuesday", "before the digest hour"],
)
def test_nothing_goes_out_at_the_wrong_time(week, now):
    assert send_weekly_digests(now=now) == 0
    assert mail.outbox == []


@override_settings(WEEKLY_DIGEST_WEEKDAY=2)
def test_the_weekday_is_configurable(week):
    wednesday = MONDAY + datetime.timedelta(days=2)

    assert send_weekly_digests(now=MONDAY_MORNING) == 0
    assert send_weekly_digests(now=at(wednesday)) >= 1


def test_a_refused_email_is_tried_again(week, monkeypatch):
    monkeypatch.setattr("notifications.weekly.deliver", lambda email, connection: False)
    assert send_weekly_digests(now=MONDAY_MORNING) == 0
    assert WeeklyDigest.objects.get(user=week.user).last_sent_on is None

    monkeypatch.undo()
    assert send_weekly_digests(now=MONDAY_MORNING) >= 1
    assert len(emails_to(week)) == 1


def test_the_email_has_plain_text_and_html(week):
    send_weekly_digests(now=MONDAY_MORNING)

    (email,) = emails_to(week)
    assert "<html" not in email.body
    assert html_of(email).lstrip().startswith("<!DOCTYPE html>")


def test_queries_do_not_grow_with_the_persons_week(week, lead):
    """A fixed number of queries per person, however many wins, updates and retros."""

    def queries_of_a_run():
        WeeklyDigest.objects.update(last_sent_on=None)
        with CaptureQueriesContext(connection) as run:
            send_weekly_digests(now=MONDAY_MORNING)
        return len(run)

    send_weekly_digests(now=MONDAY_MORNING)  # creates everyone's row, warms the site cache
    small = queries_of_a_run()
    joint = lead.memberships.get(project__title="Faster answers").project
    for number in range(5):
        WinFactory(title=f"More {number}", projects=[joint], posted_by=lead, day=MONDAY)
        make_retro(joint, lead, held_on=MONDAY, title=f"Retro {number}")
    assert queries_of_a_run() == small


def test_run_periodic_jobs_sends_the_weekly_digest(week, monkeypatch):
    monkeypatch.setattr(
        "notifications.management.commands.run_periodic_jobs.timezone.now",
        lambda: MONDAY_MORNING,
    )
    output = io.StringIO()
    call_command("run_periodic_jobs", stdout=output, stderr=io.StringIO())

    assert "weekly digest: 3 e-mails sent" in output.getvalue()
    assert len(emails_to(week)) == 1


# Opting out --------------------------------------------------------------------------------


def test_the_settings_page_offers_the_weekly_digest_on_by_default(member_client):
    response = member_client.get("/notifications/settings/")

    assert response.context["form"]["weekly_digest"].value() is True
    assert "Send me the weekly digest" in response.content.decode()


def settings_post(**extra):
    from notifications.models import NotificationKind

    return {kind.value: "daily" for kind in NotificationKind} | extra


def test_unticking_the_weekly_digest_opts_out(member_client, person):
    response = member_client.post("/notifications/settings/", settings_post())

    assert response.status_code == 302
    assert WeeklyDigest.objects.get(user=person.user).opted_out
    form = member_client.get("/notifications/settings/").context["form"]
    assert form["weekly_digest"].value() is False


def test_ticking_it_again_opts_back_in(member_client, person):
    WeeklyDigest.objects.create(user=person.user, opted_out=True)

    member_client.post("/notifications/settings/", settings_post(weekly_digest="on"))

    assert not WeeklyDigest.objects.get(user=person.user).opted_out


def test_bad_settings_save_no_weekly_choice_either(member_client, person):
    response = member_client.post("/notifications/settings/", settings_post(credited="hourly"))

    assert response.status_code == 400
    assert not WeeklyDigest.objects.filter(user=person.user).exists()


def test_the_unsubscribe_link_asks_before_it_acts(member_client, person):
    response = member_client.get("/notifications/weekly-digest/unsubscribe/")

    assert response.status_code == 200
    assert ">Stop the weekly digest</button>" in response.content.decode()
    assert not WeeklyDigest.objects.filter(user=person.user).exists()


def test_confirming_unsubscribes(member_client, person):
    response = member_client.post("/notifications/weekly-digest/unsubscribe/")

    assert response.status_code == 302
    assert response["Location"] == "/notifications/settings/"
    assert WeeklyDigest.objects.get(user=person.user).opted_out


def test_the_unsubscribe_page_needs_a_login(client):
    response = client.get("/notifications/weekly-digest/unsubscribe/")

    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_the_unsubscribe_page_says_when_there_is_nothing_to_stop(member_client, person):
    WeeklyDigest.objects.create(user=person.user, opted_out=True)

    html = member_client.get("/notifications/weekly-digest/unsubscribe/").content.decode()

    assert "You already get no weekly digest." in html
    assert ">Stop the weekly digest</button>" not in html
