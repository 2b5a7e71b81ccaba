"""Posting and editing wins through the front end."""

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image as PILImage
from wagtail.images import get_image_model

from notifications.models import Notification, NotificationKind
from projects.metric_services import check_in
from projects.models import Activity, ActivityKind, Win
from tests.factories import (
    DepartmentFactory,
    MembershipFactory,
    PersonFactory,
    ProjectPageFactory,
    WinFactory,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def png(name="team.png", size=(40, 30)):
    buffer = io.BytesIO()
    PILImage.new("RGB", size, "#0e5e5a").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def win_form(**overrides):
    return {
        "title": "First-contact resolution passed 70 %",
        "story": "We rewrote the macros together.\n\nDetails: https://wiki.example.org/fcr",
        "day": TODAY.isoformat(),
        "credited": [],
        "also_credit": "",
        "check_in": "",
        **overrides,
    }


def text_of(response):
    """The page as a screen reader says it: hidden marks and tags removed, spaces collapsed."""
    html = re.sub(r'<span aria-hidden="true">[^<]*</span>', " ", response.content.decode())
    html = re.sub(r"<[^>]+>", "", html)
    return re.sub(r"\s+", " ", html)


@pytest.fixture
def engineer(joint_project):
    engineering = DepartmentFactory(name="Engineering")
    return PersonFactory(user__username="eve", user__first_name="Eve", department=engineering)


class TestPostWin:
    def test_the_form_prefills_the_poster_and_today(self, client, joint_project, member, lead):
        client.force_login(member.user)
        response = client.get(joint_project.url + "wins/new/")
        form = response.context["form"]
        assert response.status_code == 200
        assert form.initial["credited"] == [member.pk]
        assert form.initial["day"] == TODAY
        html = response.content.decode()
        assert f'value="{member.pk}"' in html
        assert f'value="{lead.pk}"' in html
        # Members are grouped by the department they represent.
        assert [d.name for d, _boxes in form.credit_groups] == ["Sales", "Support"]

    def test_members_post_a_win_crediting_people_across_departments(
        self, client, joint_project, member, lead, engineer
    ):
        client.force_login(member.user)
        response = client.post(
            joint_project.url + "wins/new/",
            win_form(credited=[lead.pk, member.pk], also_credit="EVE"),
        )
        win = Win.objects.get()
        assert response.status_code == 302
        assert response["Location"] == f"/wins/{win.pk}/"
        assert {c.person for c in win.credits.all()} == {lead, member, engineer}
        assert win.posted_by == member
        assert list(win.projects.all()) == [joint_project]
        assert win.story == (
            "<p>We rewrote the macros together.</p>"
            '<p>Details: <a href="https://wiki.example.org/fcr">https://wiki.example.org/fcr</a></p>'
        )
        page = client.get(response["Location"])
        assert "A win across Sales, Support and Engineering" in text_of(page)
        assert "Win posted." in page.content.decode()

    def test_credited_people_are_notified_except_the_poster_and_activity_is_recorded(
        self, client, joint_project, member, lead, engineer
    ):
        client.force_login(member.user)
        client.post(
            joint_project.url + "wins/new/",
            win_form(credited=[lead.pk, member.pk], also_credit="eve"),
        )
        notified = Notification.objects.filter(kind=NotificationKind.CREDITED)
        assert {n.recipient for n in notified} == {lead.user, engineer.user}
        assert all(n.url == f"/wins/{Win.objects.get().pk}/" for n in notified)
        activity = Activity.objects.get(kind=ActivityKind.WIN_POSTED)
        assert (activity.project, activity.actor) == (joint_project, member)

    def test_one_win_shared_with_several_projects_shows_on_each_wall(
        self, client, joint_project, project_index, member, lead
    ):
        other = ProjectPageFactory(parent=project_index, title="Self-service portal")
        MembershipFactory(project=other, person=member)
        client.force_login(member.user)
        form = client.get(joint_project.url + "wins/new/").context["form"]
        assert list(form.fields["also_share_with"].queryset) == [other]
        client.post(
            joint_project.url + "wins/new/",
            win_form(credited=[lead.pk], also_share_with=[other.pk]),
        )
        win = Win.objects.get()
        assert set(win.projects.all()) == {joint_project, other}
        for project in (joint_project, other):
            assert [w.pk for w in client.get(project.url + "wins/").context["wins"]] == [win.pk]
        assert Activity.objects.filter(kind=ActivityKind.WIN_POSTED).count() == 2

    def test_a_check_in_and_a_picture_show_on_the_win(
        self, client, joint_project, member, lead, metric
    ):
        check_in(metric=metric, author=lead, value=Decimal(66), day=TODAY - datetime.timedelta(7))
        latest = check_in(metric=metric, author=lead, value=Decimal("72.5"), day=TODAY)
        client.force_login(member.user)
        form = client.get(joint_project.url + "wins/new/").context["form"]
        labels = [label for _value, label in form.fields["check_in"].choices][1:]
        assert labels[0].startswith("FCR — ")
        assert [label.rsplit(": ", 1)[1] for label in labels] == ["72.5 %", "66 %"]
        response = client.post(
            joint_project.url + "wins/new/",
            win_form(credited=[member.pk], check_in=latest.pk, image=png()),
        )
        win = Win.objects.get()
        assert response.status_code == 302
        assert win.check_in == latest
        assert win.image.title == win.title
        page = client.get(f"/wins/{win.pk}/")
        assert "FCR 66 % to 72.5 %" in text_of(page)
        wall = client.get(joint_project.url + "wins/")
        assert "<img" in wall.content.decode()

    def test_the_check_in_compares_with_the_baseline_when_it_is_the_first(
        self, client, joint_project, member, lead, metric
    ):
        first = check_in(metric=metric, author=lead, value=Decimal(64), day=TODAY)
        WinFactory(projects=[joint_project], posted_by=member, check_in=first)
        client.force_login(member.user)
        assert "FCR 60 % to 64 %" in text_of(client.get("/wins/"))

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"credited": []}, "credited"),
            ({"title": ""}, "title"),
            ({"day": (TODAY + datetime.timedelta(days=1)).isoformat()}, "day"),
            ({"day": "yesterday"}, "day"),
            ({"also_credit": "nobody.here"}, "also_credit"),
        ],
    )
    def test_bad_input_keeps_what_was_typed_and_says_why(
        self, client, joint_project, member, overrides, field
    ):
        client.force_login(member.user)
        data = win_form(credited=[member.pk], **{"title": "Kept title"}) | overrides
        response = client.post(joint_project.url + "wins/new/", data)
        assert response.status_code == 400
        assert field in response.context["form"].errors
        assert "We rewrote the macros together." in response.content.decode()
        assert not Win.objects.exists()

    def test_a_check_in_of_another_projects_metric_is_refused(
        self, client, joint_project, project_index, member, lead, metric
    ):
        other = ProjectPageFactory(parent=project_index)
        metric.project = other
        metric.save()
        foreign = check_in(metric=metric, author=lead, value=Decimal(70), day=TODAY)
        client.force_login(member.user)
        response = client.post(
            joint_project.url + "wins/new/", win_form(credited=[member.pk], check_in=foreign.pk)
        )
        assert response.status_code == 400
        assert "check_in" in response.context["form"].errors
        assert not Win.objects.exists()

    def test_sharing_with_a_project_the_poster_is_not_in_is_refused(
        self, client, joint_project, project_index, member
    ):
        elsewhere = ProjectPageFactory(parent=project_index)
        client.force_login(member.user)
        response = client.post(
            joint_project.url + "wins/new/",
            win_form(credited=[member.pk], also_share_with=[elsewhere.pk]),
        )
        assert response.status_code == 400
        assert "also_share_with" in response.context["form"].errors
        assert not Win.objects.exists()

    def test_a_file_that_is_not_an_image_is_refused_and_nothing_is_saved(
        self, client, joint_project, member
    ):
        client.force_login(member.user)
        fake = SimpleUploadedFile("team.png", b"not really a picture", content_type="image/png")
        response = client.post(
            joint_project.url + "wins/new/", win_form(credited=[member.pk], image=fake)
        )
        assert response.status_code == 400
        assert "image" in response.context["form"].errors
        assert not Win.objects.exists()
        assert not get_image_model().objects.exists()

    def test_non_members_cannot_post(self, client, joint_project):
        client.force_login(PersonFactory().user)
        assert client.get(joint_project.url + "wins/new/").status_code == 403
        response = client.post(joint_project.url + "wins/new/", win_form())
        assert response.status_code == 403
        assert not Win.objects.exists()

    def test_members_only_projects_are_not_found_by_outsiders(self, client, joint_project, member):
        joint_project.visibility = "members"
        joint_project.save_revision().publish()
        client.force_login(PersonFactory().user)
        assert client.get(joint_project.url + "wins/new/").status_code == 404
        assert client.get(joint_project.url + "wins/").status_code == 404


class TestEditWin:
    @pytest.fixture
    def win(self, joint_project, member, lead):
        return WinFactory(
            projects=[joint_project],
            posted_by=member,
            credited=[member],
            story="<p>We <b>did</b> it.</p>",
        )

    def test_the_poster_corrects_the_win_and_new_credits_are_notified(
        self, client, win, member, lead
    ):
        client.force_login(member.user)
        form = client.get(f"/wins/{win.pk}/edit/").context["form"]
        assert form.initial["story"] == "We did it."
        response = client.post(
            f"/wins/{win.pk}/edit/",
            win_form(title="Fixed title", story="We did it.", credited=[lead.pk]),
        )
        win.refresh_from_db()
        assert response.status_code == 302
        assert win.title == "Fixed title"
        assert win.story == "<p>We <b>did</b> it.</p>"  # unchanged text keeps its formatting
        assert [c.person for c in win.credits.all()] == [lead]
        assert Notification.objects.get(kind=NotificationKind.CREDITED).recipient == lead.user

    def test_a_changed_story_is_stored_as_rich_text(self, client, win, member):
        client.force_login(member.user)
        client.post(f"/wins/{win.pk}/edit/", win_form(story="New <story>", credited=[member.pk]))
        win.refresh_from_db()
        assert win.story == "<p>New &lt;story&gt;</p>"

    def test_a_picture_is_replaced_and_removed(self, client, win, member):
        client.force_login(member.user)
        client.post(f"/wins/{win.pk}/edit/", win_form(credited=[member.pk], image=png()))
        win.refresh_from_db()
        assert win.image is not None
        client.post(f"/wins/{win.pk}/edit/", win_form(credited=[member.pk], remove_image="on"))
        win.refresh_from_db()
        assert win.image is None

    def test_bad_edits_are_refused_with_the_input_kept(self, client, win, member):
        client.force_login(member.user)
        future = (TODAY + datetime.timedelta(days=3)).isoformat()
        response = client.post(f"/wins/{win.pk}/edit/", win_form(day=future, credited=[]))
        assert response.status_code == 400
        assert {"day", "credited"} <= set(response.context["form"].errors)
        win.refresh_from_db()
        assert win.day == TODAY

    def test_only_the_poster_and_administrators_edit(self, client, win, lead):
        client.force_login(lead.user)
        assert client.get(f"/wins/{win.pk}/edit/").status_code == 403
        response = client.post(f"/wins/{win.pk}/edit/", win_form(title="Hijacked"))
        assert response.status_code == 403
        win.refresh_from_db()
        assert win.title != "Hijacked"
        admin = PersonFactory(user__is_superuser=True)
        client.force_login(admin.user)
        assert client.get(f"/wins/{win.pk}/edit/").status_code == 200
        assert "Edit" in client.get(f"/wins/{win.pk}/").content.decode()

    def test_outsiders_of_a_members_only_project_get_not_found(self, client, win, joint_project):
        joint_project.visibility = "members"
        joint_project.save_revision().publish()
        client.force_login(PersonFactory().user)
        assert client.get(f"/wins/{win.pk}/edit/").status_code == 404
