import pytest
from django.template import Context, Template
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from notifications.models import Notification, NotificationKind
from projects.cheer_selectors import win_comments_context
from projects.comment_forms import CommentForm
from projects.models import Visibility, WinComment
from projects.permissions import WinAccess
from projects.templatetags.win_tags import mentions
from tests.factories import (
    MembershipFactory,
    PersonFactory,
    ProjectPageFactory,
    UserFactory,
    WinCommentFactory,
    WinFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def win(joint_project, lead):
    return WinFactory(projects=[joint_project], posted_by=lead, title="First reply in an hour")


@pytest.fixture
def as_user(client):
    def login(person_or_user):
        client.force_login(getattr(person_or_user, "user", person_or_user))
        return client

    return login


def comment_url(win):
    return reverse("projects:comment", args=[win.pk])


def delete_url(comment):
    return reverse("projects:delete_comment", args=[comment.pk])


def mentioned(person):
    return Notification.objects.filter(recipient=person.user, kind=NotificationKind.MENTIONED)


def hide(project):
    project.visibility = Visibility.MEMBERS
    project.save_revision().publish()


class TestPosting:
    def test_a_comment_is_posted_and_the_page_opens_at_it(self, as_user, win, member):
        response = as_user(member).post(comment_url(win), {"text": "  Lovely work!  "})
        comment = WinComment.objects.get()
        assert (comment.author, comment.text) == (member, "Lovely work!")
        assert response.status_code == 302
        assert (
            response["Location"] == f"{reverse('projects:win', args=[win.pk])}#comment-{comment.pk}"
        )

    @pytest.mark.parametrize(
        ("text", "error"),
        [("   ", "Write something first."), ("x" * 2001, "Keep it to 2000 characters")],
    )
    def test_bad_input_shows_the_win_page_with_the_error_and_the_text_kept(
        self, as_user, win, member, text, error
    ):
        # Needs projects.views.wins.render_win_detail (the wins package).
        response = as_user(member).post(comment_url(win), {"text": text})
        assert response.status_code == 400
        html = response.content.decode()
        assert error in html
        assert 'id="id_comment_text"' in html
        if text.strip():
            assert text in html
        assert not WinComment.objects.exists()

    def test_get_is_405(self, as_user, win, member):
        assert as_user(member).get(comment_url(win)).status_code == 405

    def test_outsiders_of_a_members_only_project_get_404(self, as_user, win):
        hide(win.projects.get())
        assert as_user(PersonFactory()).post(comment_url(win), {"text": "Hi"}).status_code == 404
        assert not WinComment.objects.exists()

    def test_accounts_without_a_person_cannot_comment(self, as_user, win):
        admin = UserFactory(is_superuser=True, is_staff=True)
        assert as_user(admin).post(comment_url(win), {"text": "Hi"}).status_code == 403
        assert not WinComment.objects.exists()


class TestMentions:
    def post(self, as_user, win, author, text):
        response = as_user(author).post(comment_url(win), {"text": text})
        assert response.status_code == 302
        return WinComment.objects.latest("pk")

    def test_a_mentioned_person_is_notified_with_a_link_to_the_comment(
        self, as_user, win, member, lead
    ):
        colleague = PersonFactory(user__username="maria.nieminen")
        comment = self.post(as_user, win, member, "Thanks @maria.nieminen, and @nobody.here!")
        notification = mentioned(colleague).get()
        assert notification.actor == member
        assert notification.url.endswith(f"#comment-{comment.pk}")
        assert notification.subject.startswith("Thanks @maria.nieminen")
        # Unknown names are ignored, and people not mentioned hear nothing.
        assert Notification.objects.filter(kind=NotificationKind.MENTIONED).count() == 1

    def test_project_mention_notifies_every_member_of_every_project_once(
        self, as_user, win, member, lead, project_index
    ):
        second = ProjectPageFactory(parent=project_index, slug="second")
        MembershipFactory(project=second, person=lead)  # in both projects
        newcomer = MembershipFactory(project=second).person
        win.projects.add(second)
        self.post(as_user, win, member, "Well done @project! @lead")
        assert mentioned(lead).count() == 1
        assert mentioned(newcomer).count() == 1
        assert not mentioned(member).exists()  # the author is never notified

    def test_authors_mentioning_themselves_are_not_notified(self, as_user, win, member):
        self.post(as_user, win, member, "Note to self, @member")
        assert not Notification.objects.exists()

    def test_email_addresses_are_not_mentions(self, as_user, win, member, lead):
        self.post(as_user, win, member, "Write to lead@example.org or a@lead.fi")
        assert not Notification.objects.exists()

    def test_people_who_cannot_see_the_win_are_not_told_about_it(self, as_user, win, member):
        hide(win.projects.get())
        outsider = PersonFactory(user__username="out.sider")
        self.post(as_user, win, member, "Look @out.sider")
        assert not mentioned(outsider).exists()


class TestShowing:
    def test_mentions_filter_escapes_and_links_known_people(self):
        maria = PersonFactory(user__username="maria.n", user__first_name="Maria")
        html = mentions(
            "<script>alert(1)</script>\nHi @maria.n & @ghost,\n\nsee @project. a@maria.n",
            {"maria.n": maria},
        )
        assert "<script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;<br>" in html
        assert f'<a class="mention" href="{maria.get_absolute_url()}"' in html
        assert "@ghost" in html
        assert "&amp;" in html
        assert '<span class="mention mention--project">@project</span>' in html
        assert html.count("<p>") == 2
        assert "a@maria.n" in html  # an e-mail address is left alone

    def test_mentions_filter_in_a_template_is_safe_output(self):
        template = Template("{% load win_tags %}{{ text|mentions }}")
        html = template.render(Context({"text": 'Hi "<b>"'}))
        assert html == "<p>Hi &quot;&lt;b&gt;&quot;</p>"

    def test_comment_list_shows_author_department_and_escaped_text(self, win, member, lead):
        WinCommentFactory(win=win, author=member, text="<script>alert('x')</script> @lead")
        html = self.render(win, lead)
        assert "&lt;script&gt;" in html
        assert "<script>" not in html
        assert member.full_name in html
        assert member.department.name in html
        assert f'href="{lead.get_absolute_url()}"' in html
        assert "Mention someone with @first.last" in html

    def render(self, win, person_or_user):
        user = getattr(person_or_user, "user", person_or_user)
        request = RequestFactory().get("/")
        request.user = user
        context = win_comments_context(win, WinAccess(user, win))
        return render_to_string("projects/includes/win_comments.html", context, request=request)

    def test_delete_is_offered_to_the_author_and_administrators_only(self, win, member, lead):
        comment = WinCommentFactory(win=win, author=member)
        assert delete_url(comment) in self.render(win, member)
        assert delete_url(comment) in self.render(win, UserFactory(is_superuser=True))
        assert delete_url(comment) not in self.render(win, lead)

    def test_accounts_without_a_person_get_no_form(self, win):
        WinCommentFactory(win=win)
        context = win_comments_context(win, WinAccess(UserFactory(), win))
        assert context["comment_form"] is None
        html = self.render(win, UserFactory())
        assert 'name="text"' not in html

    def test_a_form_with_errors_is_kept(self, win, member):
        form = CommentForm({"text": ""})
        assert not form.is_valid()
        context = win_comments_context(win, WinAccess(member.user, win), comment_form=form)
        assert context["comment_form"] is form

    def test_fixed_number_of_queries_however_many_comments(
        self, django_assert_max_num_queries, win, member
    ):
        def measure():
            access = WinAccess(member.user, win)
            access.can_see  # noqa: B018  (the view has already asked)

            def render():
                context = win_comments_context(win, access)
                return render_to_string("projects/includes/win_comments.html", context)

            render()  # the first render creates the avatars' renditions
            with django_assert_max_num_queries(4) as captured:
                render()
            return len(captured)

        def add_comments(first, last):
            for number in range(first, last):
                author = PersonFactory(with_photo=True, user__username=f"writer{number}")
                WinCommentFactory(win=win, author=author, text=f"Great! @writer{number}")
            WinCommentFactory(win=win, author=member, text="Me too")  # an author without a photo

        add_comments(0, 1)
        few = measure()
        add_comments(1, 13)
        assert measure() == few


class TestDeleting:
    def test_authors_delete_their_own_comments(self, as_user, win, member):
        comment = WinCommentFactory(win=win, author=member)
        response = as_user(member).post(delete_url(comment))
        assert response["Location"] == f"{reverse('projects:win', args=[win.pk])}#comments"
        assert not WinComment.objects.exists()

    def test_administrators_delete_any_comment(self, as_user, win, member):
        comment = WinCommentFactory(win=win, author=member)
        as_user(UserFactory(is_superuser=True, is_staff=True)).post(delete_url(comment))
        assert not WinComment.objects.exists()

    def test_others_are_refused(self, as_user, win, member, lead):
        comment = WinCommentFactory(win=win, author=member)
        # Even the win's poster: a comment is its author's words.
        assert as_user(lead).post(delete_url(comment)).status_code == 403
        assert WinComment.objects.exists()

    def test_outsiders_of_a_members_only_project_get_404(self, as_user, win, member):
        comment = WinCommentFactory(win=win, author=member)
        hide(win.projects.get())
        assert as_user(PersonFactory()).post(delete_url(comment)).status_code == 404
        assert WinComment.objects.exists()

    def test_get_is_405(self, as_user, win, member):
        comment = WinCommentFactory(win=win, author=member)
        assert as_user(member).get(delete_url(comment)).status_code == 405
        assert WinComment.objects.exists()
