"""After the meeting: discussion by votes, notes, action items, closing, summary and exports."""

import csv
import datetime
import io
import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification, NotificationKind
from projects.models import (
    Activity,
    ActivityKind,
    Commitment,
    RetroFormat,
    RetroNote,
    RetroPhase,
)
from projects.permissions import RetroAccess
from projects.retro_phases import closed_context, discussion_context
from projects.retro_services import (
    action_add,
    item_add,
    items_merge,
    note_add,
    retro_close,
    retro_create,
    retro_move,
    vote_cast,
)
from projects.services import ProjectActionError
from projects.views import retro_board
from tests.factories import (
    DepartmentFactory,
    MembershipFactory,
    PersonFactory,
    ProjectPageFactory,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate
IN_TWO_WEEKS = datetime.timedelta(days=14)


def move(retro, *phases):
    for phase in phases:
        retro_move(retro=retro, to_phase=phase)
    retro.refresh_from_db()
    return retro


def url(name, retro, **kwargs):
    return reverse(f"projects:{name}", kwargs={"retro_id": retro.pk, **kwargs})


@pytest.fixture
def voter(joint_project):
    """A member of a third department who only votes: their name must appear nowhere."""
    person = PersonFactory(
        user__username="vic",
        user__first_name="Vic",
        user__last_name="Voterson",
        department=DepartmentFactory(name="Engineering"),
    )
    MembershipFactory(project=joint_project, person=person)
    return person


@pytest.fixture
def board(retro, lead, member, voter, metric):
    """A board in the discuss phase: four items in two columns (one anonymous, one merged into
    another), dot votes, one note and one action item linked to the metric."""
    went_well, to_improve = list(retro.columns.all())[:2]
    items = {
        "standups": item_add(retro=retro, person=lead, column=went_well, text="Standups ran long"),
        "release": item_add(
            retro=retro, person=member, column=to_improve, text="Release went smoothly"
        ),
        "worry": item_add(
            retro=retro, person=member, column=to_improve, text="Nobody owns QA", anonymous=True
        ),
        "duplicate": item_add(
            retro=retro, person=lead, column=to_improve, text="Smooth release again"
        ),
    }
    move(retro, RetroPhase.GROUP)
    items_merge(retro=retro, item=items["duplicate"], into=items["release"])
    move(retro, RetroPhase.VOTE)
    vote_cast(retro=retro, person=voter, item=items["release"])
    vote_cast(retro=retro, person=voter, item=items["release"])
    vote_cast(retro=retro, person=lead, item=items["worry"])
    vote_cast(retro=retro, person=member, item=items["standups"])
    move(retro, RetroPhase.DISCUSS)
    note_add(retro=retro, person=member, item=items["release"], text="Keep the checklist")
    action_add(
        retro=retro,
        actor=lead,
        project=retro.projects.get(),
        title="Name a QA owner",
        owner=member,
        due_date=TODAY() + IN_TWO_WEEKS,
        item=items["worry"],
        metric=metric,
    )
    retro.refresh_from_db()
    return items


def context_of(retro, user, provider=discussion_context):
    return provider(retro, RetroAccess(user, retro))


# Discuss: items by votes ----------------------------------------------------------------------


def test_discussion_lists_groups_by_votes_ties_in_column_order(board, retro, lead):
    ranked = context_of(retro, lead.user)["ranked_items"]

    assert [item.text for item in ranked] == [
        "Release went smoothly",  # 2 votes
        "Standups ran long",  # 1 vote, first column
        "Nobody owns QA",  # 1 vote, second column
    ]
    assert [item.vote_count for item in ranked] == [2, 1, 1]
    assert [child.text for child in ranked[0].children] == ["Smooth release again"]
    assert [note.text for note in ranked[0].note_list] == ["Keep the checklist"]
    assert ranked[2].by == "Anonymous"


def test_votes_on_a_duplicate_count_for_its_group(retro, lead, member):
    column = retro.columns.first()
    first = item_add(retro=retro, person=lead, column=column, text="Flaky tests")
    second = item_add(retro=retro, person=member, column=column, text="Tests are flaky")
    move(retro, RetroPhase.GROUP, RetroPhase.VOTE)
    vote_cast(retro=retro, person=lead, item=second)
    vote_cast(retro=retro, person=member, item=first)
    move(retro, RetroPhase.GROUP)  # one step back, to merge what turned out the same
    items_merge(retro=retro, item=second, into=first)
    move(retro, RetroPhase.VOTE, RetroPhase.DISCUSS)

    (group,) = context_of(retro, lead.user)["ranked_items"]

    assert group.vote_count == 2


def test_discussion_shows_counts_never_voters(board, retro, client, member):
    context = context_of(retro, member.user)
    html = _render_phase("discuss", retro, member.user, context)

    assert "2 votes" in html
    assert "Voterson" not in html


def test_forms_follow_roles_in_discussion(board, retro, lead, member, person):
    facilitator = context_of(retro, lead.user)
    participant = context_of(retro, member.user)
    onlooker = context_of(retro, person.user)  # can see the project, is no member

    assert facilitator["action_form"] is not None
    assert facilitator["close_form"] is None  # closing comes in the actions phase
    assert participant["action_form"] is None
    assert participant["note_form"] is not None
    assert onlooker["note_form"] is None
    assert onlooker["action_form"] is None

    move(retro, RetroPhase.ACTIONS)
    assert context_of(retro, lead.user)["close_form"] is not None
    assert context_of(retro, member.user)["close_form"] is None


def _render_phase(phase, retro, user, context):
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = user
    common = {"retro": retro, "access": RetroAccess(user, retro), "projects": [1]}
    return render_to_string(
        f"projects/retros/phases/{phase}.html", {**common, **context}, request=request
    )


def test_action_form_offers_members_by_department_and_the_projects_metrics(
    board, retro, lead, metric
):
    form = context_of(retro, lead.user)["action_form"]

    owner_groups = [group for group, _choices in form.fields["owner"].choices[1:]]
    assert owner_groups == ["Engineering", "Sales", "Support"]
    assert form.initial["due_date"] == TODAY() + IN_TWO_WEEKS
    assert "project" not in form.fields  # one project: nothing to choose
    assert [label for _pk, label in form.fields["metric"].choices] == ["None", "FCR"]


# Notes ----------------------------------------------------------------------------------------


def test_member_adds_a_note_while_discussing(board, retro, client, member):
    client.force_login(member.user)
    item = board["standups"]

    response = client.post(url("retro_add_note", retro, item_id=item.pk), {"text": "Timebox"})

    assert response.status_code == 302
    assert response.url.endswith(f"#item-{item.pk}")
    assert RetroNote.objects.filter(item=item, author=member, text="Timebox").exists()


@pytest.mark.parametrize(
    ("phase", "status"),
    [
        (RetroPhase.VOTE, 403),
        (RetroPhase.DISCUSS, 302),
        (RetroPhase.ACTIONS, 302),
    ],
)
def test_notes_only_while_discussing(board, retro, client, member, phase, status):
    if phase == RetroPhase.VOTE:
        move(retro, RetroPhase.VOTE)
    elif phase == RetroPhase.ACTIONS:
        move(retro, RetroPhase.ACTIONS)
    client.force_login(member.user)

    response = client.post(
        url("retro_add_note", retro, item_id=board["standups"].pk), {"text": "Timebox"}
    )

    assert response.status_code == status
    assert RetroNote.objects.filter(text="Timebox").exists() == (status == 302)


def test_no_notes_once_closed(board, retro, client, lead, member):
    move(retro, RetroPhase.ACTIONS)
    retro_close(retro=retro, actor=lead, summary="")
    client.force_login(member.user)

    response = client.post(
        url("retro_add_note", retro, item_id=board["standups"].pk), {"text": "Late"}
    )

    assert response.status_code == 403


def test_onlooker_cannot_take_notes(board, retro, client, person):
    client.force_login(person.user)

    response = client.post(
        url("retro_add_note", retro, item_id=board["standups"].pk), {"text": "Hi"}
    )

    assert response.status_code == 403


def test_outsider_of_a_members_only_project_gets_404(board, retro, client, person, joint_project):
    joint_project.visibility = "members"
    joint_project.save()
    client.force_login(person.user)

    note = client.post(url("retro_add_note", retro, item_id=board["standups"].pk), {"text": "x"})
    summary = client.get(url("retro_summary", retro))

    assert note.status_code == summary.status_code == 404


def test_empty_note_is_refused_next_to_the_field(board, retro, client, member):
    client.force_login(member.user)

    response = client.post(
        url("retro_add_note", retro, item_id=board["standups"].pk), {"text": "  "}
    )

    assert response.status_code == 400
    assert "Write something first." in response.content.decode()
    assert RetroNote.objects.count() == 1  # the fixture's


# Action items ---------------------------------------------------------------------------------


def action_data(owner, **overrides):
    return {
        "title": "Pair on the release checklist",
        "owner": owner.pk,
        "due_date": (TODAY() + IN_TWO_WEEKS).isoformat(),
        **overrides,
    }


def test_facilitator_adds_an_action_linked_to_an_item_and_metric(
    board, retro, client, lead, member, metric
):
    client.force_login(lead.user)

    response = client.post(
        url("retro_add_action", retro),
        action_data(member, item=board["release"].pk, metric=metric.pk),
    )

    assert response.status_code == 302
    assert response.url.endswith("#actions")
    action = Commitment.objects.get(title="Pair on the release checklist")
    assert (action.retrospective, action.retro_item, action.metric) == (
        retro,
        board["release"],
        metric,
    )
    assert action.owner == member


def test_members_who_do_not_facilitate_cannot_add_actions(board, retro, client, member):
    client.force_login(member.user)

    response = client.post(url("retro_add_action", retro), action_data(member))

    assert response.status_code == 403
    assert not Commitment.objects.filter(title="Pair on the release checklist").exists()


def outsider_as_owner(member):
    return {"owner": PersonFactory().pk}


def yesterday_as_due_date(member):
    return {"due_date": (TODAY() - datetime.timedelta(days=1)).isoformat()}


@pytest.mark.parametrize(
    ("bad_input", "field", "error"),
    [
        (outsider_as_owner, "owner", "Choose a member of the retrospective&#x27;s projects."),
        (yesterday_as_due_date, "due_date", "A promise needs a date today or later."),
    ],
)
def test_bad_action_is_refused_next_to_its_field_with_input_kept(
    board, retro, client, lead, member, bad_input, field, error
):
    client.force_login(lead.user)
    before = Commitment.objects.count()

    response = client.post(
        url("retro_add_action", retro),
        {**action_data(member, title="Keep me"), **bad_input(member)},
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert f'<p class="field__error" id="action-{field}_error">{error}</p>' in html
    assert 'value="Keep me"' in html
    assert Commitment.objects.count() == before


def test_action_needs_a_title(board, retro, client, lead, member):
    client.force_login(lead.user)

    response = client.post(url("retro_add_action", retro), action_data(member, title=""))

    assert response.status_code == 400
    assert "Say what will be done." in response.content.decode()


@pytest.fixture
def second_project(project_index, lead):
    """A second project the lead belongs to, with a member of its own."""
    project = ProjectPageFactory(parent=project_index, title="Cheaper shipping", slug="shipping")
    MembershipFactory(project=project, person=lead, role="lead")
    MembershipFactory(
        project=project,
        person=PersonFactory(user__first_name="Sam", department=DepartmentFactory(name="Ops")),
    )
    return project


@pytest.fixture
def joint_retro(joint_project, second_project, lead, member):
    retro = retro_create(
        projects=[joint_project, second_project],
        facilitator=lead,
        created_by=lead,
        retro_format=RetroFormat.objects.get(name="Start / Stop / Continue"),
        title="Quarterly retrospective",
        held_on=TODAY(),
        skip_review=True,
    )
    item_add(retro=retro, person=member, column=retro.columns.first(), text="Too many handovers")
    return move(retro, RetroPhase.GROUP, RetroPhase.VOTE, RetroPhase.DISCUSS)


def test_metric_of_another_project_is_refused(joint_retro, second_project, client, lead, metric):
    client.force_login(lead.user)

    response = client.post(
        url("retro_add_action", joint_retro),
        action_data(lead, project=second_project.pk, metric=metric.pk, title="Keep me"),
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="action-metric_error"' in html
    assert "Choose a metric of the same project." in html
    assert 'value="Keep me"' in html
    assert not Commitment.objects.filter(title="Keep me").exists()


def test_owner_must_belong_to_the_chosen_project(joint_retro, second_project, client, lead, member):
    client.force_login(lead.user)

    response = client.post(
        url("retro_add_action", joint_retro), action_data(member, project=second_project.pk)
    )

    assert response.status_code == 400
    assert "The owner must be a member of the project." in response.content.decode()


def test_metric_outside_the_retrospective_is_not_a_choice(
    board, retro, client, lead, member, second_project
):
    from projects.models import Metric

    other = Metric.objects.create(
        project=second_project,
        name="Shipping cost",
        definition="Per parcel.",
        unit="count",
        direction="decrease",
        baseline_value=10,
        baseline_date=TODAY(),
        target_value=5,
        target_date=TODAY() + IN_TWO_WEEKS,
        created_by=lead,
    )
    client.force_login(lead.user)

    response = client.post(url("retro_add_action", retro), action_data(member, metric=other.pk))

    assert response.status_code == 400
    assert "Choose a metric of the retrospective&#x27;s projects." in response.content.decode()


# Closing ----------------------------------------------------------------------------------------


def test_closing_publishes_tells_members_once_and_emails_them(
    joint_retro,
    joint_project,
    second_project,
    client,
    lead,
    member,
    django_capture_on_commit_callbacks,
):
    move(joint_retro, RetroPhase.ACTIONS)
    client.force_login(lead.user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("retro_close", joint_retro), {"decisions": "Fewer handovers."}, follow=True
        )

    assert response.redirect_chain[-1][0] == url("retro_summary", joint_retro)
    assert "Published: members have been told." in response.content.decode()
    joint_retro.refresh_from_db()
    assert joint_retro.phase == RetroPhase.CLOSED
    assert joint_retro.summary == "Fewer handovers."
    for project in (joint_project, second_project):
        assert Activity.objects.filter(
            project=project, kind=ActivityKind.RETRO_CLOSED, actor=lead
        ).exists()
    told = Notification.objects.filter(kind=NotificationKind.RETRO_SUMMARY)
    members = {member.user_id, second_project.memberships.exclude(person=lead).get().person.user_id}
    assert sorted(told.values_list("recipient_id", flat=True)) == sorted(members)
    email = next(e for e in mail.outbox if e.to == [member.user.email])
    assert email.subject == (
        f"{lead.full_name} closed the retrospective “Quarterly retrospective”: read the summary"
    )

    again = client.post(url("retro_close", joint_retro), {"decisions": "Twice?"})

    assert again.status_code == 403
    assert told.count() == 2
    with pytest.raises(ProjectActionError):
        retro_close(retro=joint_retro, actor=lead, summary="Twice?")
    assert told.count() == 2


def test_closing_waits_for_the_actions_phase(board, retro, client, lead):
    client.force_login(lead.user)

    response = client.post(url("retro_close", retro), {"decisions": "Too early"})

    retro.refresh_from_db()
    assert response.status_code == 302
    assert retro.phase == RetroPhase.DISCUSS


def test_only_facilitators_close(board, retro, client, member):
    move(retro, RetroPhase.ACTIONS)
    client.force_login(member.user)

    assert client.post(url("retro_close", retro), {"decisions": ""}).status_code == 403
    retro.refresh_from_db()
    assert retro.phase == RetroPhase.ACTIONS


# Summary --------------------------------------------------------------------------------------


@pytest.fixture
def closed(board, retro, lead):
    move(retro, RetroPhase.ACTIONS)
    retro_close(retro=retro, actor=lead, summary="Rotate the facilitator.\nShip on Tuesdays.")
    retro.refresh_from_db()
    return retro


def test_summary_shows_items_decisions_actions_and_turnout(closed, client, person):
    client.force_login(person.user)  # anyone who can see the project

    html = client.get(url("retro_summary", closed)).content.decode()

    assert html.index("Release went smoothly") < html.index("Standups ran long")
    assert html.index("Standups ran long") < html.index("Nobody owns QA")
    assert "Keep the checklist" in html
    assert "Rotate the facilitator.<br>Ship on Tuesdays." in html
    assert "Name a QA owner" in html
    assert "should move “FCR”" in html
    assert "Open</span>" in html
    for department in ("Engineering", "Sales", "Support"):
        assert re.search(rf">{department}</a>\s*<span>1 person</span>", html)
    assert "Voterson" not in html
    assert "Download Markdown" not in html  # exports are for members
    assert "@media print" not in html  # the stylesheet has the print rules


def test_summary_waits_until_closed(board, retro, client, member):
    client.force_login(member.user)

    response = client.get(url("retro_summary", retro))

    assert response.status_code == 302
    assert response.url == url("retro", retro)


def test_summary_lists_five_items_and_an_overdue_action(closed, client, member, lead):
    from projects.models import RetroItem

    column = closed.columns.first()
    for number in range(3):
        RetroItem.objects.create(
            retrospective=closed, column=column, text=f"Extra {number}", department=lead.department
        )
    Commitment.objects.filter(retrospective=closed).update(due_date=TODAY() - IN_TWO_WEEKS)
    client.force_login(member.user)

    html = client.get(url("retro_summary", closed)).content.decode()

    assert "Extra 0" in html
    assert "Extra 1" in html
    assert "Extra 2" not in html
    assert "The export has all 6 items." in html
    assert 'class="flag flag--overdue">Overdue' in html


def test_closed_board_context_is_the_summary(closed, member):
    context = context_of(closed, member.user, closed_context)

    assert context["can_export"] is True
    assert context["summary"].participation_text == (
        "Engineering: 1 person, Sales: 1 person, Support: 1 person"
    )
    assert [action.title for action in context["summary"].actions] == ["Name a QA owner"]


# Exports ----------------------------------------------------------------------------------------


def test_markdown_export(closed, client, member):
    from projects.models import RetroItem

    RetroItem.objects.create(
        retrospective=closed,
        column=closed.columns.first(),
        text="Pipes | and\nnew lines",
        department=member.department,
    )
    client.force_login(member.user)

    response = client.get(url("retro_export_markdown", closed))

    text = response.content.decode()
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    day = closed.held_on.isoformat()
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="sprint-12-retrospective-{day}.md"'
    )
    assert text.startswith("# Sprint 12 retrospective\n")
    assert "| To improve | Release went smoothly<br>Merged: Smooth release again (Lea" in text
    assert "| Nobody owns QA | Anonymous | 1 |" in text
    assert "Pipes \\| and<br>new lines" in text
    assert "Rotate the facilitator.  \nShip on Tuesdays." in text
    assert f"| Name a QA owner | {member.full_name} |" in text
    assert "| Engineering | 1 |" in text
    assert "Voterson" not in text


def test_csv_export_is_one_sheet_with_sections(closed, client, member):
    from projects.models import RetroItem

    RetroItem.objects.create(
        retrospective=closed,
        column=closed.columns.first(),
        text="=HYPERLINK(1)",
        department=member.department,
    )
    client.force_login(member.user)

    response = client.get(url("retro_export_csv", closed))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].endswith('.csv"')
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text[1:])))
    by_section = {}
    for row in rows:
        by_section.setdefault(row["section"], []).append(row)
    assert [r["item"] for r in by_section["item"]][:3] == [
        "Release went smoothly",
        "Standups ran long",
        "Nobody owns QA",
    ]
    assert by_section["item"][0]["votes"] == "2"
    assert by_section["item"][2]["author"] == "Anonymous"
    assert by_section["merged"][0]["item"] == "Smooth release again"
    assert by_section["note"][0]["note_or_owner"] == "Keep the checklist"
    assert by_section["decisions"][0]["item"].startswith("Rotate the facilitator.")
    (action,) = by_section["action"]
    assert (action["item"], action["note_or_owner"], action["metric"], action["state"]) == (
        "Name a QA owner",
        member.full_name,
        "FCR",
        "open",
    )
    assert {(r["department"], r["people"]) for r in by_section["participation"]} == {
        ("Engineering", "1"),
        ("Sales", "1"),
        ("Support", "1"),
    }
    assert "'=HYPERLINK(1)" in [r["item"] for r in by_section["item"]]
    assert "Voterson" not in text


@pytest.mark.parametrize("export", ["retro_export_markdown", "retro_export_csv"])
def test_exports_are_for_members(closed, client, person, export):
    client.force_login(person.user)  # sees the project, is no member

    assert client.get(url(export, closed)).status_code == 403


@pytest.mark.parametrize("export", ["retro_export_markdown", "retro_export_csv"])
def test_exports_are_hidden_from_outsiders(closed, client, person, joint_project, export):
    joint_project.visibility = "members"
    joint_project.save()
    client.force_login(person.user)

    assert client.get(url(export, closed)).status_code == 404


def test_members_see_export_links_on_the_summary(closed, client, member):
    client.force_login(member.user)

    html = client.get(url("retro_summary", closed)).content.decode()

    assert url("retro_export_markdown", closed) in html
    assert url("retro_export_csv", closed) in html


# Query counts -----------------------------------------------------------------------------------


def add_more(retro, lead, member, voter, metric, *, count):
    """More of everything the pages show: items, duplicates, votes, notes, actions, people."""
    from projects.models import RetroItem, RetroParticipant, RetroVote

    column = retro.columns.last()
    groups = RetroItem.objects.bulk_create(
        RetroItem(retrospective=retro, column=column, text=f"Item {n}", author=lead,
                  department=lead.department, created_at=timezone.now())
        for n in range(count)
    )  # fmt: skip
    RetroItem.objects.bulk_create(
        RetroItem(retrospective=retro, column=column, text=f"Dup {n}", is_anonymous=True,
                  department=member.department, merged_into=group)
        for n, group in enumerate(groups)
    )  # fmt: skip
    people = [PersonFactory(department=DepartmentFactory()) for _n in range(count)]
    for person in people:
        MembershipFactory(project=retro.projects.get(), person=person)
    RetroParticipant.objects.bulk_create(
        RetroParticipant(retrospective=retro, person=p, department=p.department) for p in people
    )
    RetroVote.objects.bulk_create(
        RetroVote(retrospective=retro, item=group, person=person, slot=1)
        for group, person in zip(groups, people, strict=True)
    )
    RetroNote.objects.bulk_create(
        RetroNote(item=group, author=member, text=f"Note {n}") for n, group in enumerate(groups)
    )
    for n, group in enumerate(groups):
        Commitment.objects.create(
            project=retro.projects.get(), title=f"Action {n}", owner=people[n],
            due_date=TODAY(), created_by=lead, retrospective=retro, retro_item=group,
            metric=metric,
        )  # fmt: skip


def queries(function):
    with CaptureQueriesContext(connection) as captured:
        function()
    return len(captured)


@pytest.mark.parametrize("provider", [discussion_context, closed_context])
def test_phase_context_queries_do_not_grow(board, retro, lead, member, voter, metric, provider):
    user = lead.user

    def measure():
        fresh = type(retro).objects.select_related("facilitator__user", "format").get(pk=retro.pk)
        return queries(lambda: provider(fresh, RetroAccess(user, fresh)))

    small = measure()
    add_more(retro, lead, member, voter, metric, count=12)
    assert measure() == small <= 10


def test_summary_page_queries_do_not_grow(
    closed, lead, member, voter, metric, client, count_queries
):
    client.force_login(member.user)
    small = count_queries(url("retro_summary", closed), ceiling=20)

    add_more(closed, lead, member, voter, metric, count=12)

    assert count_queries(url("retro_summary", closed), ceiling=20) == small


@pytest.mark.parametrize("phase", [RetroPhase.DISCUSS, RetroPhase.ACTIONS])
def test_board_queries_do_not_grow_while_discussing(
    board, retro, lead, member, voter, metric, client, count_queries, phase
):
    if "Placeholder" in (retro_board.__doc__ or ""):
        pytest.skip("the board page (projects/views/retro_board.py) has not landed yet")
    if phase == RetroPhase.ACTIONS:
        move(retro, RetroPhase.ACTIONS)
    client.force_login(lead.user)
    small = count_queries(url("retro", retro), ceiling=40)

    add_more(retro, lead, member, voter, metric, count=12)

    html = client.get(url("retro", retro)).content.decode()
    assert "Item 11" in html
    assert "Note 11" in html
    assert count_queries(url("retro", retro), ceiling=40) == small
