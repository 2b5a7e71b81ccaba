import datetime

import pytest
from django.utils import timezone

from projects.models import (
    Activity,
    ActivityKind,
    Health,
    ProjectPage,
    StatusUpdate,
    UpdateCadence,
    Visibility,
)
from projects.services import ProjectActionError, project_update_basics
from projects.update_selectors import mark_promises, update_promises, updates_newest_first
from projects.update_services import update_post
from tests.factories import (
    MembershipFactory,
    PersonFactory,
    ProjectPageFactory,
    StatusUpdateFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def days(n):
    return TODAY + datetime.timedelta(days=n)


def set_cadence(project, cadence, next_update_due=None):
    ProjectPage.objects.filter(pk=project.pk).update(
        update_cadence=cadence, next_update_due=next_update_due
    )
    project.refresh_from_db()
    return project


def post(project, author, **changes):
    data = {
        "health": Health.AT_RISK,
        "what_happened": "Piloted the shared inbox with two teams.",
        "whats_next": "Train the second shift on the new triage rules before the launch",
        "next_update_due": days(7),
        **changes,
    }
    return update_post(project=project, author=author, **data)


@pytest.fixture
def as_user(client):
    def login(person_or_user):
        client.force_login(getattr(person_or_user, "user", person_or_user))
        return client

    return login


def updates_url(project, action=""):
    return f"{project.url}updates/{action}"


class TestUpdatePost:
    def test_posts_the_update_and_keeps_the_promise_on_the_page(self, joint_project, lead):
        set_cadence(joint_project, UpdateCadence.WEEKLY)
        revisions = joint_project.revisions.count()

        update = post(joint_project, lead)

        assert update.health == Health.AT_RISK
        assert update.next_update_due == days(7)
        stored = ProjectPage.objects.get(pk=joint_project.pk)
        assert stored.next_update_due == days(7)
        # The promise is not an edit of the page: no new Wagtail revision.
        assert joint_project.revisions.count() == revisions
        activity = Activity.objects.get(kind=ActivityKind.UPDATE_POSTED)
        assert activity.actor == lead
        assert activity.detail == Health.AT_RISK
        assert activity.detail_label == "At risk"
        assert (
            activity.summary == "Train the second shift on the new triage rules before the launch"
        )

    def test_summary_is_the_first_words_of_whats_next(self, joint_project, lead):
        post(joint_project, lead, whats_next=" ".join(f"word{n}" for n in range(40)))
        summary = Activity.objects.get(kind=ActivityKind.UPDATE_POSTED).summary
        assert summary.startswith("word0 word1")
        assert summary.endswith("word11…")

    @pytest.mark.parametrize("when", [days(0), days(-3)])
    def test_refuses_a_next_date_not_after_today(self, joint_project, lead, when):
        with pytest.raises(ProjectActionError) as refused:
            post(joint_project, lead, next_update_due=when)
        assert "after today" in str(refused.value.message_dict["next_update_due"])
        assert not StatusUpdate.objects.exists()
        assert ProjectPage.objects.get(pk=joint_project.pk).next_update_due is None

    def test_refuses_a_promise_beyond_the_cadence(self, joint_project, lead):
        set_cadence(joint_project, UpdateCadence.WEEKLY)
        post(joint_project, lead, next_update_due=days(7))  # the last day allowed
        with pytest.raises(ProjectActionError) as refused:
            post(joint_project, lead, next_update_due=days(8))
        message = refused.value.message_dict["next_update_due"][0]
        assert message.startswith("Your cadence is weekly: promise the next update by")
        assert "at the latest" in message
        assert StatusUpdate.objects.count() == 1

    def test_without_a_cadence_any_later_date_will_do(self, joint_project, lead):
        assert post(joint_project, lead, next_update_due=days(90)).next_update_due == days(90)

    def test_refuses_empty_texts_and_unknown_health(self, joint_project, lead):
        with pytest.raises(ProjectActionError) as refused:
            post(joint_project, lead, what_happened="  ", whats_next="", health="fine")
        assert set(refused.value.message_dict) == {"what_happened", "whats_next", "health"}
        assert not StatusUpdate.objects.exists()
        assert not Activity.objects.filter(kind=ActivityKind.UPDATE_POSTED).exists()

    def test_refuses_someone_outside_the_directory(self, joint_project):
        with pytest.raises(ProjectActionError):
            post(joint_project, None)


class TestPostUpdatePage:
    def test_prefills_the_date_from_the_cadence_and_recalls_the_last_promise(
        self, as_user, joint_project, lead
    ):
        set_cadence(joint_project, UpdateCadence.FORTNIGHTLY)
        StatusUpdateFactory(
            project=joint_project, author=lead, health=Health.OFF_TRACK, whats_next="Hire a tester"
        )
        response = as_user(lead).get(updates_url(joint_project, "new/"))
        assert response.status_code == 200
        form = response.context["form"]
        assert form.initial["next_update_due"] == days(14)
        assert form.initial["health"] == Health.OFF_TRACK
        html = response.content.decode()
        assert "Hire a tester" in html
        assert f'max="{days(14).isoformat()}"' in html
        assert f'min="{days(1).isoformat()}"' in html
        # Three health cards, each with words, not colour alone.
        for label in ("On track", "At risk", "Off track"):
            assert label in html

    def test_without_a_cadence_suggests_two_weeks(self, as_user, joint_project, lead):
        response = as_user(lead).get(updates_url(joint_project, "new/"))
        assert response.context["form"].initial["next_update_due"] == days(14)
        assert response.context["previous"] is None

    def test_posting_redirects_to_the_status_panel(self, as_user, joint_project, lead):
        response = as_user(lead).post(
            updates_url(joint_project, "new/"),
            {
                "health": "on_track",
                "what_happened": "Launched.",
                "whats_next": "Measure.",
                "next_update_due": days(10).isoformat(),
            },
        )
        assert response.status_code == 302
        assert response["Location"].endswith("#status")
        assert StatusUpdate.objects.get().author == lead

    def test_bad_input_is_shown_next_to_the_fields_and_kept(self, as_user, joint_project, lead):
        set_cadence(joint_project, UpdateCadence.WEEKLY)
        response = as_user(lead).post(
            updates_url(joint_project, "new/"),
            {
                "health": "at_risk",
                "what_happened": "Half done.",
                "whats_next": "",
                "next_update_due": days(30).isoformat(),
            },
        )
        assert response.status_code == 400
        errors = response.context["form"].errors
        assert "whats_next" in errors
        html = response.content.decode()
        assert "Half done." in html
        assert days(30).isoformat() in html
        assert not StatusUpdate.objects.exists()

    def test_cadence_refusal_from_the_service_lands_on_the_date(self, as_user, joint_project, lead):
        set_cadence(joint_project, UpdateCadence.WEEKLY)
        response = as_user(lead).post(
            updates_url(joint_project, "new/"),
            {
                "health": "at_risk",
                "what_happened": "Half done.",
                "whats_next": "The rest.",
                "next_update_due": days(30).isoformat(),
            },
        )
        assert response.status_code == 400
        assert "Your cadence is weekly" in str(response.context["form"].errors["next_update_due"])

    @pytest.mark.parametrize("role", ["lead", "sponsor"])
    def test_leads_and_sponsors_may_post(self, as_user, joint_project, role):
        person = MembershipFactory(project=joint_project, role=role).person
        assert as_user(person).get(updates_url(joint_project, "new/")).status_code == 200

    def test_administrators_may_post(self, as_user, joint_project):
        admin = PersonFactory(user__is_superuser=True)
        assert as_user(admin).get(updates_url(joint_project, "new/")).status_code == 200

    def test_members_and_viewers_are_refused(self, as_user, joint_project, member):
        assert as_user(member).get(updates_url(joint_project, "new/")).status_code == 403
        assert as_user(PersonFactory()).post(updates_url(joint_project, "new/")).status_code == 403

    def test_members_only_projects_are_hidden(self, as_user, joint_project):
        set_visibility(joint_project, Visibility.MEMBERS)
        outsider = as_user(PersonFactory())
        assert outsider.get(updates_url(joint_project, "new/")).status_code == 404
        assert outsider.get(updates_url(joint_project)).status_code == 404

    def test_query_count_is_fixed(self, as_user, joint_project, lead, count_queries):
        as_user(lead)
        StatusUpdateFactory(project=joint_project, author=PersonFactory(with_photo=True))
        assert count_queries(updates_url(joint_project, "new/"), ceiling=20)


def set_visibility(project, visibility):
    ProjectPage.objects.filter(pk=project.pk).update(visibility=visibility)


def add_updates(project, count, start):
    """`count` updates a day apart, from `start` days ago, each promising the next in 2 days."""
    posted = []
    for n in range(count):
        when = timezone.now() - datetime.timedelta(days=start - n)
        posted.append(
            StatusUpdateFactory(
                project=project,
                author=PersonFactory(with_photo=True),
                created_at=when,
                next_update_due=timezone.localdate(when) + datetime.timedelta(days=2),
            )
        )
    return posted


class TestHistory:
    def test_newest_first_with_promises_kept_or_not(self, as_user, joint_project, member):
        set_cadence(joint_project, UpdateCadence.WEEKLY)
        now = timezone.now()
        first = StatusUpdateFactory(
            project=joint_project,
            created_at=now - datetime.timedelta(days=20),
            next_update_due=days(-15),
        )
        second = StatusUpdateFactory(  # came 5 days early for the first promise
            project=joint_project,
            created_at=now - datetime.timedelta(days=20),
            next_update_due=days(-10),
            health=Health.OFF_TRACK,
        )
        third = StatusUpdateFactory(  # 3 days late for the second promise
            project=joint_project,
            created_at=now - datetime.timedelta(days=7),
            next_update_due=days(-2),
        )
        updates = mark_promises(list(updates_newest_first(joint_project)), joint_project)
        assert [u.pk for u in updates] == [third.pk, second.pk, first.pk]
        latest, middle, oldest = updates
        assert (oldest.promise_state, oldest.promise_days) == ("kept", None)
        assert (middle.promise_state, middle.promise_days) == ("late", 3)
        assert (latest.promise_state, latest.promise_days) == ("overdue", 2)

        record = update_promises(joint_project)
        assert (record.kept, record.delivered) == (1, 2)
        # -5 (early) and +3 (late): on average one day early.
        assert (record.lean, record.days) == ("early", 1.0)

        response = as_user(member).get(updates_url(joint_project))
        assert response.status_code == 200
        html = response.content.decode()
        assert "Promise kept" in html
        assert "3 days late" in html
        assert "Overdue by 2 days" in html
        assert "Off track" in html
        assert "Post an update" not in html  # members read, leads post

    def test_a_project_without_cadence_is_not_flagged(self, joint_project):
        StatusUpdateFactory(project=joint_project, next_update_due=days(-4))
        (latest,) = mark_promises(list(updates_newest_first(joint_project)), joint_project)
        assert latest.promise_state == "waiting"

    def test_viewers_read_it_and_leads_get_the_button(self, as_user, joint_project, lead):
        StatusUpdateFactory(project=joint_project)
        assert as_user(PersonFactory()).get(updates_url(joint_project)).status_code == 200
        assert "Post an update" in as_user(lead).get(updates_url(joint_project)).content.decode()

    def test_paginated(self, as_user, joint_project, member):
        add_updates(joint_project, 12, start=30)
        client = as_user(member)
        first_page = client.get(updates_url(joint_project)).context["updates"]
        assert len(first_page.object_list) == 10
        second_page = client.get(updates_url(joint_project), {"page": 2}).context["updates"]
        oldest = second_page.object_list[-1]
        # The promise of the last update on a page is judged by the one on the page before.
        assert oldest.promise_state == "kept"
        assert second_page.object_list[0].next_posted_on is not None

    def test_query_count_does_not_grow(self, as_user, joint_project, member, count_queries):
        as_user(member)
        add_updates(joint_project, 2, start=60)
        small = count_queries(updates_url(joint_project), ceiling=24)
        add_updates(joint_project, 38, start=50)
        assert count_queries(updates_url(joint_project), ceiling=24) == small


class TestStatusPanel:
    def test_shows_the_latest_update_and_the_promise(self, as_user, joint_project, member):
        set_cadence(joint_project, UpdateCadence.WEEKLY)
        StatusUpdateFactory(
            project=joint_project,
            created_at=timezone.now() - datetime.timedelta(days=3),
            what_happened="Old news",
        )
        post(joint_project, PersonFactory(), what_happened="Fresh news", next_update_due=days(5))
        html = as_user(member).get(joint_project.url).content.decode()
        assert "Fresh news" in html
        assert "Old news" not in html
        assert "At risk" in html
        assert "Next update promised for" in html
        assert "overdue" not in html.lower().split('id="status"')[1].split("</section>")[0]

    def test_empty_state_with_a_button_for_leads_only(self, as_user, joint_project, lead, member):
        lead_html = as_user(lead).get(joint_project.url).content.decode()
        assert "No status update yet" in lead_html
        assert "Post the first update" in lead_html
        member_html = as_user(member).get(joint_project.url).content.decode()
        assert "No status update yet" in member_html
        assert "Post the first update" not in member_html
        assert "Post an update" not in member_html

    def test_flags_an_overdue_next_update(self, as_user, joint_project, member):
        StatusUpdateFactory(project=joint_project, next_update_due=days(-3))
        set_cadence(joint_project, UpdateCadence.MONTHLY, next_update_due=days(-3))
        html = as_user(member).get(joint_project.url).content.decode()
        assert "Next update overdue since" in html
        assert "(3 days)" in html

    def test_no_cadence_no_flag(self, as_user, joint_project, member):
        StatusUpdateFactory(project=joint_project, next_update_due=days(-3))
        set_cadence(joint_project, UpdateCadence.NONE, next_update_due=days(-3))
        assert "overdue since" not in as_user(member).get(joint_project.url).content.decode()

    def test_project_page_query_count_with_updates(
        self, as_user, joint_project, member, count_queries
    ):
        as_user(member)
        add_updates(joint_project, 1, start=10)
        small = count_queries(joint_project.url, ceiling=45)
        add_updates(joint_project, 10, start=5)
        assert count_queries(joint_project.url, ceiling=45) == small


class TestIndex:
    def test_flags_projects_whose_update_is_overdue(self, as_user, joint_project, project_index):
        set_cadence(joint_project, UpdateCadence.WEEKLY, next_update_due=days(-1))
        calm = ProjectPageFactory(parent=project_index, title="Calm project")
        set_cadence(calm, UpdateCadence.WEEKLY, next_update_due=days(3))
        html = as_user(PersonFactory()).get("/projects/").content.decode()
        assert html.count("Update overdue since") == 1
        card = html.split("Faster answers")[0].rsplit('<li class="project-card', 1)[1]
        assert "Update overdue since" in card

    def test_overdue_flag_needs_no_extra_queries(
        self, as_user, joint_project, project_index, count_queries
    ):
        as_user(PersonFactory())
        set_cadence(joint_project, UpdateCadence.WEEKLY, next_update_due=days(-1))
        small = count_queries("/projects/", ceiling=20)
        for _ in range(6):
            late = ProjectPageFactory(parent=project_index)
            set_cadence(late, UpdateCadence.WEEKLY, next_update_due=days(-2))
        assert count_queries("/projects/", ceiling=20) == small


class TestCadenceInBasics:
    def test_choosing_a_cadence_promises_a_first_update(self, joint_project, lead):
        project_update_basics(
            project=joint_project,
            actor=lead,
            user=lead.user,
            update_cadence=UpdateCadence.WEEKLY,
        )
        stored = ProjectPage.objects.get(pk=joint_project.pk)
        assert stored.update_cadence == UpdateCadence.WEEKLY
        assert stored.next_update_due == days(7)

    def test_a_new_cadence_keeps_an_existing_promise(self, joint_project, lead):
        set_cadence(joint_project, UpdateCadence.WEEKLY, next_update_due=days(3))
        project_update_basics(
            project=joint_project,
            actor=lead,
            user=lead.user,
            update_cadence=UpdateCadence.MONTHLY,
        )
        assert ProjectPage.objects.get(pk=joint_project.pk).next_update_due == days(3)

    def test_dropping_the_cadence_keeps_the_date_but_stops_the_flag(self, joint_project, lead):
        set_cadence(joint_project, UpdateCadence.WEEKLY, next_update_due=days(-2))
        project_update_basics(
            project=joint_project, actor=lead, user=lead.user, update_cadence=UpdateCadence.NONE
        )
        stored = ProjectPage.objects.get(pk=joint_project.pk)
        assert stored.next_update_due == days(-2)
        assert not stored.is_update_overdue
        assert not ProjectPage.objects.filter(pk=stored.pk).update_overdue().exists()

    def test_the_edit_form_offers_the_cadence(self, as_user, joint_project, lead):
        client = as_user(lead)
        assert "Every two weeks" in client.get(f"{joint_project.url}edit/").content.decode()
        response = client.post(
            f"{joint_project.url}edit/",
            {
                "title": "Faster answers",
                "purpose": "Answer faster",
                "status": "proposed",
                "visibility": "organisation",
                "update_cadence": "fortnightly",
            },
        )
        assert response.status_code == 302
        assert ProjectPage.objects.get(pk=joint_project.pk).next_update_due == days(14)

    def test_a_form_without_the_cadence_keeps_it(self, as_user, joint_project, lead):
        set_cadence(joint_project, UpdateCadence.MONTHLY, next_update_due=days(20))
        as_user(lead).post(
            f"{joint_project.url}edit/",
            {
                "title": "Faster answers",
                "purpose": "x",
                "status": "proposed",
                "visibility": "organisation",
            },
        )
        assert ProjectPage.objects.get(pk=joint_project.pk).update_cadence == UpdateCadence.MONTHLY


def test_a_user_without_a_person_sees_the_history(client, joint_project):
    client.force_login(UserFactory(is_superuser=True))
    assert client.get(updates_url(joint_project)).status_code == 200
