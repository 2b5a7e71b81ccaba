import threading

import pytest
from django.contrib.auth.models import Permission
from django.db import IntegrityError, connection
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse

from projects.cheer_selectors import attach_cheers
from projects.models import Cheer, Reaction, Visibility
from projects.services import ProjectActionError
from projects.win_services import cheer_toggle
from tests.factories import (
    CheerFactory,
    MembershipFactory,
    PersonFactory,
    ProjectPageFactory,
    UserFactory,
    WinFactory,
)

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true", "HX-Current-URL": "http://testserver/wins/?page=2"}


def cheer_url(win, reaction):
    return reverse("projects:cheer", args=[win.pk, reaction.pk])


@pytest.fixture
def win(joint_project, lead):
    return WinFactory(projects=[joint_project], posted_by=lead, title="First reply in an hour")


@pytest.fixture
def celebrate(db):
    # Seeded by migration 0004, like every installation's default set.
    return Reaction.objects.get(name="Celebrate")


@pytest.fixture
def retired(db):
    return Reaction.objects.create(name="Old joke", symbol="🦆", sort_order=99, is_offered=False)


@pytest.fixture
def as_user(client):
    def login(person_or_user):
        client.force_login(getattr(person_or_user, "user", person_or_user))
        return client

    return login


def person_named(first, last):
    return PersonFactory(user__first_name=first, user__last_name=last)


class TestToggle:
    def test_a_click_cheers_and_the_next_takes_it_back(self, as_user, win, member, celebrate):
        client = as_user(member)
        assert client.post(cheer_url(win, celebrate)).status_code == 302
        assert Cheer.objects.filter(win=win, person=member, reaction=celebrate).count() == 1
        client.post(cheer_url(win, celebrate))
        assert not Cheer.objects.filter(win=win, person=member).exists()

    def test_one_of_each_kind_per_person(self, as_user, win, member, celebrate):
        applause = Reaction.objects.get(name="Applause")
        client = as_user(member)
        # The button asks for the state it shows next: a double click cheers once.
        client.post(cheer_url(win, celebrate), {"cheer": "1"})
        client.post(cheer_url(win, celebrate), {"cheer": "1"})
        client.post(cheer_url(win, applause), {"cheer": "1"})
        assert Cheer.objects.filter(win=win, person=member, reaction=celebrate).count() == 1
        assert Cheer.objects.filter(win=win, person=member).count() == 2
        client.post(cheer_url(win, celebrate), {"cheer": "0"})
        client.post(cheer_url(win, celebrate), {"cheer": "0"})
        assert list(Cheer.objects.filter(win=win).values_list("reaction", flat=True)) == [
            applause.pk
        ]

    def test_the_database_refuses_a_second_identical_cheer(self, win, member, celebrate):
        CheerFactory(win=win, person=member, reaction=celebrate)
        with pytest.raises(IntegrityError):
            CheerFactory(win=win, person=member, reaction=celebrate)

    def test_retired_reaction_cannot_be_added_but_can_be_taken_back(
        self, as_user, win, member, lead, retired
    ):
        CheerFactory(win=win, person=lead, reaction=retired)
        client = as_user(member)
        response = client.post(cheer_url(win, retired), {"cheer": "1"}, follow=True)
        assert "no longer offered" in response.content.decode()
        assert not Cheer.objects.filter(person=member).exists()
        html = client.post(cheer_url(win, retired), {"cheer": "1"}, headers=HTMX).content.decode()
        assert 'role="alert"' in html
        assert "no longer offered" in html

        as_user(lead).post(cheer_url(win, retired), {"cheer": "0"})
        assert not Cheer.objects.filter(reaction=retired).exists()

    def test_unknown_reaction_is_404(self, as_user, win, member):
        response = as_user(member).post(reverse("projects:cheer", args=[win.pk, 999999]))
        assert response.status_code == 404


class TestResponses:
    def test_htmx_gets_only_this_wins_cheer_bar(self, as_user, win, member, lead, celebrate):
        CheerFactory(win=win, person=lead, reaction=celebrate)
        response = as_user(member).post(cheer_url(win, celebrate), {"cheer": "1"}, headers=HTMX)
        html = response.content.decode()
        assert response.status_code == 200
        assert "<html" not in html
        assert f'id="cheers-{win.pk}"' in html
        button = html.split(f'id="cheer-{win.pk}-{celebrate.pk}"')[1].split(">")[0]
        assert 'aria-pressed="true"' in button
        assert "2 cheers, from Lea" in button
        assert "and you" in button
        # The refreshed forms still lead back to the page the person is on, not to this address.
        assert 'name="next" value="/wins/?page=2"' in html
        assert 'name="cheer" value="0"' in html

    def test_without_javascript_back_to_the_page_the_form_was_on(
        self, as_user, win, member, celebrate
    ):
        response = as_user(member).post(cheer_url(win, celebrate), {"next": "/wins/?page=2"})
        assert response.status_code == 302
        assert response["Location"] == f"/wins/?page=2#cheers-{win.pk}"

    @pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/x", ""])
    def test_off_site_or_missing_next_goes_to_the_win(
        self, as_user, win, member, celebrate, next_url
    ):
        response = as_user(member).post(cheer_url(win, celebrate), {"next": next_url})
        win_page = reverse("projects:win", args=[win.pk])
        assert response["Location"] == f"{win_page}#cheers-{win.pk}"


class TestPermissions:
    def test_get_is_405(self, as_user, win, member, celebrate):
        assert as_user(member).get(cheer_url(win, celebrate)).status_code == 405

    def test_outsiders_of_a_members_only_project_get_404(self, as_user, win, celebrate):
        project = win.projects.get()
        project.visibility = Visibility.MEMBERS
        project.save_revision().publish()
        response = as_user(PersonFactory()).post(cheer_url(win, celebrate))
        assert response.status_code == 404
        assert not Cheer.objects.exists()

    def test_a_win_shared_with_a_visible_project_can_be_cheered(
        self, as_user, win, celebrate, project_index
    ):
        project = win.projects.get()
        project.visibility = Visibility.MEMBERS
        project.save_revision().publish()
        win.projects.add(ProjectPageFactory(parent=project_index, slug="open"))
        outsider = PersonFactory()
        assert as_user(outsider).post(cheer_url(win, celebrate)).status_code == 302
        assert Cheer.objects.filter(person=outsider).exists()

    def test_accounts_without_a_person_cannot_cheer(self, as_user, win, celebrate):
        admin = UserFactory(is_superuser=True, is_staff=True)
        assert as_user(admin).post(cheer_url(win, celebrate)).status_code == 403
        assert not Cheer.objects.exists()


class TestAttachCheers:
    def test_counts_names_and_the_viewers_own_cheers(self, win, celebrate, retired):
        maria, jussi, viewer = (
            person_named("Maria", "Nieminen"),
            person_named("Jussi", "Laine"),
            person_named("Viv", "Viewer"),
        )
        for person in (maria, viewer, jussi):
            CheerFactory(win=win, person=person, reaction=celebrate)
        CheerFactory(win=win, person=maria, reaction=retired)
        untouched = WinFactory()

        attach_cheers([win, untouched], viewer.user)

        offered = list(Reaction.objects.filter(is_offered=True))
        assert [s.reaction for s in win.cheer_summary] == [*offered, retired]
        celebrated = win.cheer_summary[0]
        assert celebrated.count == 3
        assert celebrated.names == ["Maria Nieminen", "Viv Viewer", "Jussi Laine"]
        assert celebrated.viewer_cheered
        assert celebrated.who == "Maria Nieminen, Jussi Laine and you"
        assert celebrated.label == (
            "🎉 Celebrate: 3 cheers, from Maria Nieminen, Jussi Laine and you"
        )
        duck = win.cheer_summary[-1]
        assert (duck.count, duck.viewer_cheered, duck.can_toggle) == (1, False, False)
        assert all(s.count == 0 for s in win.cheer_summary[1:-1])
        # A retired reaction shows only where it was given.
        assert [s.reaction for s in untouched.cheer_summary] == offered

    def test_viewer_may_be_a_person_or_an_account_without_one(self, win, celebrate, member):
        CheerFactory(win=win, person=member, reaction=celebrate)
        attach_cheers([win], member)
        assert win.cheer_summary[0].viewer_cheered
        attach_cheers([win], UserFactory())
        assert not win.cheer_summary[0].viewer_cheered
        assert win.cheer_summary[0].label == f"🎉 Celebrate: 1 cheer, from {member.full_name}"

    def test_fixed_number_of_queries_however_many_wins(
        self, django_assert_max_num_queries, celebrate, retired, member
    ):
        def measure(wins):
            with django_assert_max_num_queries(2) as captured:
                attach_cheers(wins, member.user)
            return len(captured)

        people = [PersonFactory() for _ in range(6)]
        few = [WinFactory() for _ in range(2)]
        many = [WinFactory() for _ in range(40)]
        for win in few + many:
            for person in people:
                CheerFactory(win=win, person=person, reaction=celebrate)
            CheerFactory(win=win, person=member, reaction=retired)
        member.user.person  # noqa: B018  (loaded once per request, like request.user.person)
        assert measure(few) == measure(many) == 2
        assert all(w.cheer_summary[0].count == 6 for w in many)


class TestCheerBarTemplate:
    def render(self, win, *, can_cheer):
        request = RequestFactory().get("/wins/")
        return render_to_string(
            "projects/includes/win_cheers.html",
            {"win": win, "can_cheer": can_cheer, "request": request},
        )

    def test_people_get_a_toggle_per_reaction_with_who_on_focus(self, win, member, celebrate):
        CheerFactory(win=win, person=member, reaction=celebrate)
        attach_cheers([win], member)
        html = self.render(win, can_cheer=True)
        assert html.count('type="submit"') == Reaction.objects.filter(is_offered=True).count()
        assert f'action="{cheer_url(win, celebrate)}"' in html
        assert f'hx-post="{cheer_url(win, celebrate)}"' in html
        assert 'aria-pressed="true"' in html
        assert 'class="cheer__tooltip"' in html
        assert 'name="next" value="/wins/"' in html

    def test_accounts_without_a_person_see_counts_only(self, win, member, celebrate, retired):
        CheerFactory(win=win, person=member, reaction=celebrate)
        attach_cheers([win], UserFactory())
        html = self.render(win, can_cheer=False)
        assert "<form" not in html
        assert f"🎉 Celebrate: 1 cheer, from {member.full_name}" in html
        assert 'tabindex="0"' in html  # the names are reachable by keyboard too
        assert "Applause" not in html  # nobody gave it: nothing to show

    def test_names_are_escaped(self, win, celebrate):
        CheerFactory(win=win, person=person_named("<b>Bo</b>", "X"), reaction=celebrate)
        attach_cheers([win], None)
        html = self.render(win, can_cheer=False)
        assert "<b>Bo" not in html
        assert "&lt;b&gt;Bo" in html


class TestReactionSnippets:
    def test_administrators_see_the_set_and_retire_a_reaction(self, client, celebrate):
        client.force_login(UserFactory(is_superuser=True, is_staff=True))
        html = client.get(reverse("wagtailsnippets_projects_reaction:list")).content.decode()
        assert "Celebrate" in html
        assert "Cheers given" in html
        edit = reverse("wagtailsnippets_projects_reaction:edit", args=[celebrate.pk])
        response = client.post(
            edit, {"symbol": "🎉", "name": "Celebrate", "sort_order": 0, "is_offered": ""}
        )
        assert response.status_code == 302
        celebrate.refresh_from_db()
        assert not celebrate.is_offered

    def test_a_reaction_with_cheers_is_retired_not_deleted(self, client, celebrate):
        CheerFactory(reaction=celebrate)
        client.force_login(UserFactory(is_superuser=True, is_staff=True))
        delete = reverse("wagtailsnippets_projects_reaction:delete", args=[celebrate.pk])
        response = client.post(delete, follow=True)
        assert Reaction.objects.filter(pk=celebrate.pk).exists()
        assert "cannot be deleted" in response.content.decode()

    def test_only_people_with_the_model_permissions_edit_reactions(self, client, celebrate):
        editor = UserFactory()
        editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
        client.force_login(editor)
        edit = reverse("wagtailsnippets_projects_reaction:edit", args=[celebrate.pk])
        assert client.get(edit).status_code in (302, 403)
        editor.user_permissions.add(Permission.objects.get(codename="change_reaction"))
        editor = type(editor).objects.get(pk=editor.pk)  # drop the cached permissions
        client.force_login(editor)
        assert client.get(edit).status_code == 200


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="real parallel writers need PostgreSQL (CI runs it)"
)
class TestParallelClicks:
    def run_in_parallel(self, calls):
        barrier = threading.Barrier(len(calls))
        failures = []

        def run(call):
            try:
                barrier.wait()
                call()
            except Exception as error:  # a thread's failure must fail the test
                failures.append(error)
            finally:
                connection.close()

        threads = [threading.Thread(target=run, args=(call,)) for call in calls]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not failures

    def test_eight_people_double_clicking_give_eight_cheers(self, pristine_database):
        celebrate = Reaction.objects.get(name="Celebrate")
        people = [PersonFactory() for _ in range(8)]
        win = WinFactory(posted_by=people[0])
        url = cheer_url(win, celebrate)
        clients = []
        for person in people:
            for _tab in range(2):  # two browser tabs, or a double click's two requests
                clients.append(Client())
                clients[-1].force_login(person.user)
        responses = []

        def click(client):
            return lambda: responses.append(client.post(url, {"cheer": "1"}).status_code)

        self.run_in_parallel([click(client) for client in clients])
        assert responses == [302] * 16
        assert Cheer.objects.filter(win=win, reaction=celebrate).count() == 8

    def test_one_person_clicking_ten_times_cheers_once(self, pristine_database):
        celebrate = Reaction.objects.get(name="Celebrate")
        person = PersonFactory()
        win = WinFactory(posted_by=person)
        results = []

        def click():
            results.append(cheer_toggle(win=win, person=person, reaction=celebrate, cheer=True))

        self.run_in_parallel([click] * 10)
        assert Cheer.objects.filter(win=win).count() == 1
        assert all(cheered for cheered, _count in results)


def test_cheering_a_retired_reaction_is_refused_by_the_service(win, member, retired):
    with pytest.raises(ProjectActionError):
        cheer_toggle(win=win, person=member, reaction=retired, cheer=True)
    assert not Cheer.objects.exists()


def test_a_person_from_another_project_can_cheer_an_organisation_wide_win(
    as_user, win, celebrate, project_index
):
    outsider = MembershipFactory(
        project=ProjectPageFactory(parent=project_index, slug="elsewhere")
    ).person
    assert as_user(outsider).post(cheer_url(win, celebrate)).status_code == 302
