"""Starting retrospectives, a project's list of them, the opening review and the formats admin."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from projects.models import (
    CheckIn,
    Metric,
    ProjectPage,
    RetroFormat,
    RetroPhase,
    Retrospective,
    Visibility,
)
from projects.permissions import ProjectAccess, RetroAccess
from projects.retro_review import carried_over_actions, project_retros_context, review_context
from projects.retro_services import retro_create
from tests.factories import (
    CommitmentFactory,
    MembershipFactory,
    PersonFactory,
    ProjectPageFactory,
    UserFactory,
    WinFactory,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
CLASSIC = "Went well / To improve / Actions"


def days_ago(days):
    return TODAY - datetime.timedelta(days=days)


def at(day):
    """Noon on `day`, in the current time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def url(project, route):
    return project.url + project.reverse_subpage(route)


def make_retro(projects, facilitator, *, held_on=TODAY, phase=RetroPhase.COLLECT, **extra):
    retro = retro_create(
        projects=projects,
        facilitator=facilitator,
        created_by=facilitator,
        retro_format=RetroFormat.objects.get(name=CLASSIC),
        title=extra.pop("title", f"Retro of {held_on}"),
        held_on=held_on,
        skip_review=True,
    )
    Retrospective.objects.filter(pk=retro.pk).update(phase=phase, **extra)
    retro.refresh_from_db()
    return retro


def action(retro, project, owner, **fields):
    fields.setdefault("due_date", TODAY + datetime.timedelta(days=7))
    return CommitmentFactory(project=project, owner=owner, retrospective=retro, **fields)


def agreed_metric(project, author, **fields):
    fields = {
        "name": "First-contact resolution",
        "definition": "Solved in the first reply.",
        "unit": "percent",
        "baseline_value": Decimal(50),
        "baseline_date": days_ago(120),
        "target_value": Decimal(80),
        "target_date": TODAY + datetime.timedelta(days=60),
        "agreed_at": timezone.now(),
        **fields,
    }
    return Metric.objects.create(project=project, created_by=author, **fields)


def check_in(metric, day, value, author):
    return CheckIn.objects.create(metric=metric, day=day, value=Decimal(value), author=author)


def start_data(project, person, **changes):
    data = {
        "title": "Autumn look back",
        "held_on": TODAY.isoformat(),
        "format": RetroFormat.objects.get(name="Start / Stop / Continue").pk,
        "facilitator": person.pk,
        "votes_per_person": "5",
        "start_with_review": "on",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def viewer_client(client, joint_project):
    client.force_login(PersonFactory().user)
    return client


@pytest.fixture
def member_of_project_client(client, member):
    client.force_login(member.user)
    return client


@pytest.fixture
def other_project(project_index, member):
    """Another project the member belongs to, for retrospectives spanning both."""
    project = ProjectPageFactory(parent=project_index, title="Shared inbox", slug="shared-inbox")
    MembershipFactory(project=project, person=member)
    return project


# Starting a retrospective ---------------------------------------------------------------


def test_the_start_form_is_prefilled(member_of_project_client, joint_project, member):
    response = member_of_project_client.get(url(joint_project, "new_retro"))
    assert response.status_code == 200
    form = response.context["form"]
    month = timezone.localdate().strftime("%B %Y")
    assert form.initial["title"] == f"Faster answers retrospective, {month}"
    assert form.initial["held_on"] == TODAY
    assert form.initial["facilitator"] == member.pk
    assert form.initial["votes_per_person"] == 3
    assert form.initial["start_with_review"] is True
    html = response.content.decode()
    # Each format as a card with its columns.
    assert "Start / Stop / Continue" in html
    assert "Longed for" in html


def test_the_form_offers_last_times_format_and_votes(member_of_project_client, joint_project, lead):
    previous = make_retro([joint_project], lead, held_on=days_ago(30))
    Retrospective.objects.filter(pk=previous.pk).update(
        format=RetroFormat.objects.get(name="4Ls"), votes_per_person=5
    )
    form = member_of_project_client.get(url(joint_project, "new_retro")).context["form"]
    assert form.initial["format"] == RetroFormat.objects.get(name="4Ls").pk
    assert form.initial["votes_per_person"] == 5


def test_starting_opens_the_board_in_the_review(member_of_project_client, joint_project, member):
    response = member_of_project_client.post(
        url(joint_project, "new_retro"), start_data(joint_project, member)
    )
    retro = Retrospective.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("projects:retro", kwargs={"retro_id": retro.pk})
    assert retro.phase == RetroPhase.REVIEW
    assert retro.title == "Autumn look back"
    assert retro.votes_per_person == 5
    assert retro.facilitator == member
    assert retro.created_by == member
    assert list(retro.projects.all()) == [joint_project]
    assert [c.title for c in retro.columns.all()] == ["Start", "Stop", "Continue"]


def test_skipping_the_review_starts_collecting(member_of_project_client, joint_project, member):
    member_of_project_client.post(
        url(joint_project, "new_retro"),
        start_data(joint_project, member, start_with_review=None),
    )
    assert Retrospective.objects.get().phase == RetroPhase.COLLECT


def test_bad_input_is_shown_next_to_the_fields_and_kept(
    member_of_project_client, joint_project, member
):
    response = member_of_project_client.post(
        url(joint_project, "new_retro"),
        start_data(joint_project, member, title="  ", votes_per_person="0"),
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["title"] == ["Give the retrospective a title."]
    assert "votes_per_person" in form.errors
    html = response.content.decode()
    assert 'id="id_title_error"' in html
    assert 'id="id_votes_per_person_error"' in html
    # The choices made are kept.
    assert form["format"].value() == str(RetroFormat.objects.get(name="Start / Stop / Continue").pk)
    assert not Retrospective.objects.exists()


def test_the_facilitator_must_be_a_member(member_of_project_client, joint_project, member):
    outsider = PersonFactory()
    response = member_of_project_client.post(
        url(joint_project, "new_retro"),
        start_data(joint_project, member, facilitator=outsider.pk),
    )
    assert response.status_code == 400
    assert "facilitator" in response.context["form"].errors
    assert not Retrospective.objects.exists()


def test_a_retro_spanning_projects_is_listed_in_each(
    member_of_project_client, joint_project, other_project, member
):
    response = member_of_project_client.post(
        url(joint_project, "new_retro"),
        {**start_data(joint_project, member), "also_projects": [other_project.pk]},
    )
    assert response.status_code == 302
    retro = Retrospective.objects.get()
    assert set(retro.projects.all()) == {joint_project, other_project}
    for project, other in [(joint_project, other_project), (other_project, joint_project)]:
        html = member_of_project_client.get(url(project, "retros")).content.decode()
        assert "Autumn look back" in html
        assert re.search(rf"Together with\s*<a href=\"{other.url}\">{other.title}</a>", html)


def test_only_the_persons_own_projects_can_be_included(
    member_of_project_client, joint_project, project_index, member
):
    not_mine = ProjectPageFactory(parent=project_index, title="Elsewhere", slug="elsewhere")
    form = member_of_project_client.get(url(joint_project, "new_retro")).context["form"]
    assert list(form.fields["also_projects"].queryset) == []
    response = member_of_project_client.post(
        url(joint_project, "new_retro"),
        {**start_data(joint_project, member), "also_projects": [not_mine.pk]},
    )
    assert response.status_code == 400
    assert "also_projects" in response.context["form"].errors


def test_viewers_may_not_start_one(viewer_client, joint_project):
    assert viewer_client.get(url(joint_project, "new_retro")).status_code == 403
    response = viewer_client.post(url(joint_project, "new_retro"), {"title": "Sneaky"})
    assert response.status_code == 403
    assert not Retrospective.objects.exists()


def test_members_only_projects_are_not_found_by_outsiders(client, joint_project):
    ProjectPage.objects.filter(pk=joint_project.pk).update(visibility=Visibility.MEMBERS)
    client.force_login(PersonFactory().user)
    assert client.get(url(joint_project, "new_retro")).status_code == 404
    assert client.get(url(joint_project, "retros")).status_code == 404


# The project's retrospectives -----------------------------------------------------------


def test_the_list_shows_open_ones_then_closed_ones_with_their_actions(
    member_of_project_client, joint_project, lead, member
):
    running = make_retro([joint_project], lead, title="Running now", phase=RetroPhase.VOTE)
    old = make_retro(
        [joint_project], lead, held_on=days_ago(60), title="Spring", phase=RetroPhase.CLOSED
    )
    newer = make_retro(
        [joint_project], lead, held_on=days_ago(30), title="Summer", phase=RetroPhase.CLOSED
    )
    action(newer, joint_project, member, delivered_on=days_ago(2))
    action(newer, joint_project, member)
    response = member_of_project_client.get(url(joint_project, "retros"))
    assert response.status_code == 200
    assert [r.pk for r in response.context["open_retros"]] == [running.pk]
    assert [r.pk for r in response.context["closed_retros"].object_list] == [newer.pk, old.pk]
    text = " ".join(strip_tags(response.content.decode()).split())
    assert "Phase: Vote" in text
    assert "facilitated by Lea" in text
    assert "1 of 2 actions delivered" in text
    assert "No action items" in text
    html = response.content.decode()
    assert reverse("projects:retro", kwargs={"retro_id": running.pk}) in html
    assert reverse("projects:retro_summary", kwargs={"retro_id": newer.pk}) in html
    assert url(joint_project, "new_retro") in html


def test_viewers_see_the_list_without_the_start_button(viewer_client, joint_project, lead):
    make_retro([joint_project], lead, title="Running now")
    response = viewer_client.get(url(joint_project, "retros"))
    assert response.status_code == 200
    assert "Running now" in response.content.decode()
    assert url(joint_project, "new_retro") not in response.content.decode()


def test_a_hidden_partner_project_is_not_named(
    member_of_project_client, joint_project, project_index, lead
):
    secret = ProjectPageFactory(
        parent=project_index, title="Secret merger", slug="secret", visibility=Visibility.MEMBERS
    )
    MembershipFactory(project=secret, person=lead)
    make_retro([joint_project, secret], lead, title="Joint one")
    html = member_of_project_client.get(url(joint_project, "retros")).content.decode()
    assert "Joint one" in html
    assert "Secret merger" not in html


def _listing_data(project, lead, member, count):
    for n in range(count):
        make_retro([project], lead, held_on=days_ago(n + 1), title=f"Open {n}")
        closed = make_retro(
            [project, ProjectPageFactory(parent=project.get_parent())],
            lead,
            held_on=days_ago(100 + n),
            title=f"Closed {n}",
            phase=RetroPhase.CLOSED,
        )
        action(closed, project, member, delivered_on=days_ago(3))
        action(closed, project, member)


def test_pages_make_the_same_number_of_queries_with_more_data(
    client, joint_project, lead, member, count_queries
):
    client.force_login(member.user)
    _listing_data(joint_project, lead, member, 1)
    MembershipFactory(project=ProjectPageFactory(parent=joint_project.get_parent()), person=member)
    small = [
        count_queries(url(joint_project, "retros"), ceiling=25),
        count_queries(url(joint_project, "new_retro"), ceiling=25),
    ]
    _listing_data(joint_project, lead, member, 12)
    for _n in range(5):
        MembershipFactory(
            project=ProjectPageFactory(parent=joint_project.get_parent()), person=member
        )
        MembershipFactory(project=joint_project)
    large = [
        count_queries(url(joint_project, "retros"), ceiling=25),
        count_queries(url(joint_project, "new_retro"), ceiling=25),
    ]
    assert large == small


# The opening review ---------------------------------------------------------------------


@pytest.fixture
def history(joint_project, lead, member, project_index):
    """An earlier retrospective 30 days ago with actions, a metric with check-ins, wins, and
    today's retrospective in the review phase.

    The metric: baseline 50 %, check-ins 61 % (60 days ago) and 72 % (10 days ago).
    """
    metric = agreed_metric(joint_project, lead)
    check_in(metric, days_ago(60), 61, lead)
    check_in(metric, days_ago(10), 72, lead)
    earlier = make_retro([joint_project], lead, held_on=days_ago(30), phase=RetroPhase.CLOSED)
    linked = action(
        earlier,
        joint_project,
        member,
        title="Answer from the shared inbox",
        metric=metric,
        created_at=at(days_ago(40)),
        due_date=days_ago(5),
    )
    plain = action(earlier, joint_project, lead, title="Write the FAQ")
    delivered = action(
        earlier, joint_project, lead, title="Train the new hires", delivered_on=days_ago(20)
    )
    action(earlier, joint_project, lead, title="Delivered long ago", delivered_on=days_ago(35))
    # Not carried over: a plain commitment, and an action of another project's retrospective.
    CommitmentFactory(project=joint_project, owner=lead, title="Not from a retro")
    elsewhere = ProjectPageFactory(parent=project_index, title="Elsewhere", slug="elsewhere")
    MembershipFactory(project=elsewhere, person=lead)
    action(make_retro([elsewhere], lead, held_on=days_ago(3)), elsewhere, lead, title="Theirs")

    recent_win = WinFactory(projects=[joint_project], day=days_ago(5), title="Replies in a day")
    WinFactory(projects=[joint_project], day=days_ago(31), title="Before the last retro")
    WinFactory(projects=[elsewhere], day=days_ago(2), title="Another project's win")

    retro = make_retro([joint_project], lead, phase=RetroPhase.REVIEW, title="Today")
    action(retro, joint_project, lead, title="Decided today")
    return {
        "retro": retro,
        "earlier": earlier,
        "metric": metric,
        "linked": linked,
        "plain": plain,
        "delivered": delivered,
        "recent_win": recent_win,
    }


def test_the_review_carries_over_open_actions_with_their_metrics_movement(history, member):
    context = review_context(history["retro"], RetroAccess(member.user, history["retro"]))
    assert context["review_since"] == days_ago(30)
    assert context["previous_retro"] == history["earlier"]
    carried = context["carried_over"]
    assert [a.title for a in carried] == ["Answer from the shared inbox", "Write the FAQ"]
    linked = carried[0]
    assert linked.is_overdue
    assert linked.retrospective == history["earlier"]
    # Agreed 40 days ago: the latest check-in then was 61 %; the latest now is 72 %.
    assert (linked.movement.before, linked.movement.after) == (Decimal(61), Decimal(72))
    assert linked.movement.unit == "%"
    assert linked.movement.trend == "better"
    assert linked.movement.measured_since
    assert carried[1].movement is None
    assert [a.title for a in context["delivered_since"]] == ["Train the new hires"]


def test_the_review_shows_wins_and_metric_movement_since_the_last_retro(history, member):
    context = review_context(history["retro"], RetroAccess(member.user, history["retro"]))
    assert [w.title for w in context["review_wins"]] == ["Replies in a day"]
    assert context["review_win_count"] == 1
    [movement] = context["metric_movements"]
    # On the last retrospective's date (30 days ago) the latest check-in was 61 %.
    assert (movement.metric, movement.before, movement.after) == (
        history["metric"],
        Decimal(61),
        Decimal(72),
    )


def test_the_review_page_reads_well(history, member, rf):
    retro = history["retro"]
    context = review_context(retro, RetroAccess(member.user, retro))
    request = rf.get("/")
    request.user = member.user
    html = render_to_string(
        "projects/retros/phases/review.html",
        {**context, "retro": retro, "projects": [retro.projects.get()]},
        request=request,
    )
    text = " ".join(strip_tags(html).split())
    assert "First-contact resolution 61 % →to 72 % better" in text
    assert "Answer from the shared inbox" in text
    assert "Overdue" in text
    assert f"from {history['earlier'].title}" in text
    assert "Replies in a day" in text
    assert "Before the last retro" not in text
    assert "Train the new hires" in text


def test_without_an_earlier_retro_the_review_looks_back_to_the_start(joint_project, lead):
    retro = make_retro([joint_project], lead, phase=RetroPhase.REVIEW)
    access = RetroAccess(lead.user, retro)
    assert review_context(retro, access)["review_since"] == days_ago(90)
    ProjectPage.objects.filter(pk=joint_project.pk).update(start_date=days_ago(20))
    context = review_context(retro, access)
    assert context["review_since"] == days_ago(20)
    assert context["previous_retro"] is None


def test_a_metric_without_check_ins_since_says_so(joint_project, lead):
    metric = agreed_metric(joint_project, lead, direction="decrease")
    check_in(metric, days_ago(40), 30, lead)
    make_retro([joint_project], lead, held_on=days_ago(30))
    retro = make_retro([joint_project], lead, phase=RetroPhase.REVIEW)
    [movement] = review_context(retro, RetroAccess(lead.user, retro))["metric_movements"]
    assert (movement.before, movement.after, movement.measured_since) == (
        Decimal(30),
        Decimal(30),
        False,
    )
    # Lower is better: a new lower check-in is better.
    check_in(metric, days_ago(1), 25, lead)
    [movement] = review_context(retro, RetroAccess(lead.user, retro))["metric_movements"]
    assert movement.trend == "better"


def test_carried_over_actions_are_there_for_every_phase(history, lead):
    retro = history["retro"]
    Retrospective.objects.filter(pk=retro.pk).update(phase=RetroPhase.VOTE)
    carried = carried_over_actions(retro)
    assert [a.pk for a in carried] == [history["linked"].pk, history["plain"].pk]
    assert carried[0].movement.after == Decimal(72)


def test_carried_over_actions_leave_out_projects_the_viewer_cannot_see(
    joint_project, project_index, lead
):
    secret = ProjectPageFactory(
        parent=project_index, title="Secret", slug="secret", visibility=Visibility.MEMBERS
    )
    MembershipFactory(project=secret, person=lead)
    earlier = make_retro([joint_project, secret], lead, held_on=days_ago(10))
    action(earlier, joint_project, lead, title="Open to all")
    action(earlier, secret, lead, title="Secret plan")
    retro = make_retro([joint_project, secret], lead)
    outsider = UserFactory()
    assert [a.title for a in carried_over_actions(retro, user=outsider)] == ["Open to all"]
    assert len(carried_over_actions(retro, user=lead.user)) == 2


def _review_data(project, lead, member, count, earlier):
    for n in range(count):
        metric = agreed_metric(project, lead, name=f"Metric {n}")
        check_in(metric, days_ago(50), 40 + n, lead)
        check_in(metric, days_ago(2), 60 + n, lead)
        action(earlier, project, member, metric=metric, created_at=at(days_ago(45)))
        action(earlier, project, lead, delivered_on=days_ago(5))
        WinFactory(projects=[project], day=days_ago(3), check_in=metric.check_ins.last())


def test_the_review_makes_the_same_number_of_queries_with_more_data(joint_project, lead, member):
    earlier = make_retro([joint_project], lead, held_on=days_ago(30))
    retro = make_retro([joint_project], lead, phase=RetroPhase.REVIEW)

    def measure():
        review_context(retro, RetroAccess(member.user, retro))  # warm caches (reactions…)
        with CaptureQueriesContext(connection) as captured:
            review_context(retro, RetroAccess(member.user, retro))
            carried_over_actions(retro)
        return len(captured)

    _review_data(joint_project, lead, member, 2, earlier)
    small = measure()
    _review_data(joint_project, lead, member, 20, earlier)
    assert measure() == small
    assert small <= 25


# The project page's panel ---------------------------------------------------------------


def test_the_panel_shows_the_retro_under_way_and_open_actions(joint_project, lead, member):
    access = ProjectAccess(member.user, joint_project)
    empty = project_retros_context(joint_project, access)
    assert (empty["current_retro"], empty["retro_count"], empty["can_start_retro"]) == (
        None,
        0,
        True,
    )
    closed = make_retro([joint_project], lead, held_on=days_ago(30), phase=RetroPhase.CLOSED)
    action(closed, joint_project, member, due_date=days_ago(1))
    action(closed, joint_project, member)
    action(closed, joint_project, member, delivered_on=days_ago(2))
    context = project_retros_context(joint_project, access)
    assert context["latest_closed_retro"] == closed
    assert (context["open_retro_actions"], context["overdue_retro_actions"]) == (2, 1)
    running = make_retro([joint_project], lead)
    context = project_retros_context(joint_project, access)
    assert (context["current_retro"], context["latest_closed_retro"]) == (running, None)
    assert context["retro_count"] == 2
    viewer = ProjectAccess(PersonFactory().user, joint_project)
    assert project_retros_context(joint_project, viewer)["can_start_retro"] is False


def test_the_panel_renders(joint_project, lead, member, rf):
    running = make_retro([joint_project], lead, title="Running now")
    request = rf.get("/")
    request.user = member.user
    context = project_retros_context(joint_project, ProjectAccess(member.user, joint_project))
    html = render_to_string(
        "projects/includes/retros_panel.html", {**context, "page": joint_project}, request=request
    )
    assert reverse("projects:retro", kwargs={"retro_id": running.pk}) in html
    assert "Start a retrospective" in html
    assert re.search(r"The retrospective\s*</a>", html)


# Formats in the admin -------------------------------------------------------------------


def test_formats_are_snippets_editors_manage(client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    response = client.get(reverse("wagtailsnippets_projects_retroformat:list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Start / Stop / Continue" in html
    assert "Start · Stop · Continue" in html
    assert client.get(reverse("wagtailsnippets_projects_retroformat:add")).status_code == 200
