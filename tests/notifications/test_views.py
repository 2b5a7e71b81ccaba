"""The notification list, opening, marking read, the header bell and the e-mail settings."""

import pytest
from django.test import RequestFactory

from notifications.context_processors import unread_notifications
from notifications.models import (
    EmailChoice,
    Notification,
    NotificationKind,
    NotificationPreference,
)
from tests.factories import PersonFactory, ProjectPageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def someone_elses(maria):
    return Notification.objects.create(
        recipient=PersonFactory(user__username="olli").user,
        kind=NotificationKind.CREDITED,
        actor=maria,
        subject="Secret win",
        url="/wins/9/",
    )


def test_the_list_shows_my_notifications_newest_first_unread_highlighted(
    member_client, make_notification, someone_elses
):
    make_notification(subject="Older win")
    newer = make_notification(subject="Newer win")
    Notification.objects.filter(pk=newer.pk).update(read_at="2026-01-01T00:00Z")

    html = member_client.get("/notifications/").content.decode()

    assert html.index("Newer win") < html.index("Older win")
    assert html.count('class="notification notification--unread"') == 1
    assert "Secret win" not in html
    assert "You have 1 unread notification." in html
    assert 'action="/notifications/read-all/"' in html


def test_the_list_is_paginated(member_client, make_notification):
    for number in range(30):
        make_notification(subject=f"Win {number}")

    first = member_client.get("/notifications/").content.decode()
    second = member_client.get("/notifications/?page=2").content.decode()

    assert first.count('class="notification ') == 25
    assert second.count('class="notification ') == 5
    assert "Page 1 of 2" in first


def test_an_empty_list_says_so(member_client):
    html = member_client.get("/notifications/").content.decode()

    assert "No notifications yet." in html
    assert "You are all caught up." in html


def test_the_list_makes_as_many_queries_for_3_as_for_60(
    member_client, make_notification, project_index, count_queries
):
    project = ProjectPageFactory(parent=project_index)
    for _ in range(3):
        make_notification(project=project)
    small = count_queries("/notifications/", ceiling=10)
    for _ in range(57):
        make_notification(project=project)
    assert count_queries("/notifications/", ceiling=10) == small


def test_opening_marks_read_and_follows_the_link(member_client, make_notification):
    notification = make_notification(url="/wins/7/#comment-3")

    response = member_client.post(f"/notifications/{notification.pk}/open/")

    assert response.status_code == 302
    assert response.url == "/wins/7/#comment-3"
    notification.refresh_from_db()
    assert not notification.is_unread


def test_opening_needs_a_post(member_client, make_notification):
    notification = make_notification()

    assert member_client.get(f"/notifications/{notification.pk}/open/").status_code == 405
    notification.refresh_from_db()
    assert notification.is_unread


@pytest.mark.parametrize(
    "url", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"]
)
def test_opening_never_leaves_the_site(member_client, make_notification, url):
    notification = make_notification(url=url)

    response = member_client.post(f"/notifications/{notification.pk}/open/")

    assert response.url == "/notifications/"


def test_nobody_opens_someone_elses_notification(member_client, someone_elses):
    response = member_client.post(f"/notifications/{someone_elses.pk}/open/")

    assert response.status_code == 404
    someone_elses.refresh_from_db()
    assert someone_elses.is_unread


def test_mark_all_read_marks_only_mine(member_client, make_notification, someone_elses):
    mine = [make_notification(), make_notification()]

    response = member_client.post("/notifications/read-all/", follow=True)

    assert "All notifications marked as read." in response.content.decode()
    assert not Notification.objects.filter(pk__in=[n.pk for n in mine]).unread().exists()
    someone_elses.refresh_from_db()
    assert someone_elses.is_unread
    assert member_client.get("/notifications/read-all/").status_code == 405


def test_the_header_shows_my_unread_count_with_an_accessible_label(
    member_client, make_notification, someone_elses
):
    for _ in range(3):
        make_notification()
    make_notification(read_at="2026-01-01T00:00Z")

    html = member_client.get("/notifications/settings/").content.decode()

    assert 'aria-label="Notifications, 3 unread"' in html
    assert '<span class="header-links__badge" aria-hidden="true">3</span>' in html
    assert 'href="/my-work/"' in html


def test_the_header_without_unread_notifications(member_client):
    html = member_client.get("/notifications/settings/").content.decode()

    assert 'aria-label="Notifications, none unread"' in html
    assert "header-links__badge" not in html


def test_the_unread_count_is_counted_only_when_shown(
    person, make_notification, django_assert_num_queries
):
    make_notification()
    request = RequestFactory().get("/")
    request.user = person.user

    with django_assert_num_queries(0):
        context = unread_notifications(request)
    with django_assert_num_queries(1):
        assert context["unread_notifications"].count == 1
        assert context["unread_notifications"].count == 1


def test_settings_show_the_defaults(member_client):
    response = member_client.get("/notifications/settings/")
    form = response.context["form"]

    assert form["credited"].value() == EmailChoice.IMMEDIATELY
    assert form["commitment_due"].value() == EmailChoice.DAILY
    html = response.content.decode()
    assert "Everything always appears in your notification list" in html


def test_settings_are_saved(member_client, person):
    choices = {kind.value: EmailChoice.DAILY for kind in NotificationKind}
    choices["mentioned"] = EmailChoice.OFF

    response = member_client.post("/notifications/settings/", choices)

    assert response.status_code == 302
    saved = dict(
        NotificationPreference.objects.filter(user=person.user).values_list("kind", "email")
    )
    assert saved["mentioned"] == EmailChoice.OFF
    assert saved["credited"] == EmailChoice.DAILY
    assert len(saved) == len(NotificationKind)


def test_an_unknown_choice_is_refused_and_nothing_saved(member_client, person):
    choices = {kind.value: EmailChoice.OFF for kind in NotificationKind}
    choices["credited"] = "hourly"

    response = member_client.post("/notifications/settings/", choices)

    assert response.status_code == 400
    html = response.content.decode()
    assert "Choose immediately, in a daily digest, or off." in html
    assert "Nothing was saved." in html
    assert response.context["form"]["mentioned"].value() == EmailChoice.OFF  # input kept
    assert not NotificationPreference.objects.filter(user=person.user).exists()


def test_a_missing_choice_is_refused(member_client, person):
    response = member_client.post("/notifications/settings/", {"credited": "off"})

    assert response.status_code == 400
    assert "Choose how you want this e-mailed." in response.content.decode()
    assert not NotificationPreference.objects.filter(user=person.user).exists()


def test_a_person_without_an_email_address_is_told(member_client, person):
    person.user.email = ""
    person.user.save()

    assert "has no e-mail address" in member_client.get("/notifications/settings/").content.decode()


def test_a_page_rendered_before_authentication_counts_nothing(django_assert_num_queries):
    request = RequestFactory().get("/")  # e.g. the 500 page: no middleware ran

    with django_assert_num_queries(0):
        assert unread_notifications(request)["unread_notifications"].count == 0


def test_the_settings_page_makes_as_many_queries_with_every_choice_stored(
    member_client, person, count_queries
):
    small = count_queries("/notifications/settings/", ceiling=12)
    NotificationPreference.objects.bulk_create(
        NotificationPreference(user=person.user, kind=kind, email=EmailChoice.DAILY)
        for kind in NotificationKind.values
    )
    assert count_queries("/notifications/settings/", ceiling=12) == small
