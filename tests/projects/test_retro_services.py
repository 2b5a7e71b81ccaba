"""The retrospective services (projects/retro_services.py): phase rules, grouping, dot votes,
action items, closing, anonymity, and what holds when many people click at once."""

import datetime
import threading

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from notifications.models import Notification, NotificationKind
from projects.models import (
    PHASE_ORDER,
    Activity,
    ActivityKind,
    Commitment,
    RetroColumn,
    RetroFormat,
    RetroFormatColumn,
    RetroItem,
    RetroParticipant,
    RetroPhase,
    Retrospective,
    RetroVote,
)
from projects.retro_services import (
    action_add,
    item_add,
    items_merge,
    note_add,
    retro_close,
    retro_create,
    retro_move,
    vote_cast,
    vote_withdraw,
)
from projects.services import ProjectActionError
from tests.factories import DepartmentFactory, MembershipFactory, PersonFactory, ProjectPageFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
NEXT_WEEK = TODAY + datetime.timedelta(days=7)


def start_stop():
    return RetroFormat.objects.get(name="Start / Stop / Continue")


def create(**overrides):
    values = {
        "retro_format": start_stop(),
        "title": "  Sprint 13 retrospective ",
        "held_on": TODAY,
    }
    return retro_create(**(values | overrides))


def refused_fields(call):
    """The fields a refusal names ("__all__" for a general message)."""
    with pytest.raises(ProjectActionError) as refusal:
        call()
    return set(refusal.value.message_dict) if hasattr(refusal.value, "error_dict") else {None}


def move_to(retro, *phases):
    for phase in phases:
        retro = retro_move(retro=retro, to_phase=phase)
    return retro


def close(retro, actor, summary=""):
    """Close the retrospective as the board does: from the actions phase."""
    retro.refresh_from_db()
    start = PHASE_ORDER.index(retro.phase) + 1
    move_to(retro, *PHASE_ORDER[start : PHASE_ORDER.index(RetroPhase.ACTIONS) + 1])
    return retro_close(retro=retro, actor=actor, summary=summary)


def add(retro, person, text="Stand-ups run long", *, column=0, anonymous=False):
    return item_add(
        retro=retro,
        person=person,
        column=retro.columns.all()[column],
        text=text,
        anonymous=anonymous,
    )


@pytest.fixture
def other_project(project_index, member):
    """A second project the Support member also belongs to, with its own lead from Finance."""
    project = ProjectPageFactory(parent=project_index, title="Invoices", slug="invoices")
    MembershipFactory(
        project=project,
        person=PersonFactory(department=DepartmentFactory(name="Finance")),
        role="lead",
    )
    MembershipFactory(project=project, person=member)
    return project


@pytest.fixture
def outsider(db):
    return PersonFactory()


class TestCreate:
    def test_columns_are_copied_from_the_format_in_order(self, joint_project, lead):
        retro = create(projects=[joint_project], facilitator=lead, created_by=lead)
        assert retro.title == "Sprint 13 retrospective"
        assert retro.phase == RetroPhase.REVIEW
        assert list(retro.projects.all()) == [joint_project]
        assert [(c.title, c.prompt, c.position) for c in retro.columns.all()] == [
            ("Start", "What should we begin doing?", 0),
            ("Stop", "What should we stop doing?", 1),
            ("Continue", "What works and should stay?", 2),
        ]

    def test_skipping_the_opening_review_starts_with_collecting(self, joint_project, lead):
        retro = create(
            projects=[joint_project], facilitator=lead, created_by=lead, skip_review=True
        )
        assert retro.phase == RetroPhase.COLLECT

    def test_editing_the_format_later_leaves_held_retrospectives_alone(self, joint_project, lead):
        retro = create(projects=[joint_project], facilitator=lead, created_by=lead)
        retro_format = start_stop()
        retro_format.columns.filter(title="Stop").update(title="Quit", prompt="Changed")
        RetroFormatColumn.objects.create(format=retro_format, title="Extra", sort_order=9)
        assert [c.title for c in RetroColumn.objects.filter(retrospective=retro)] == [
            "Start",
            "Stop",
            "Continue",
        ]

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"projects": []}, "projects"),
            ({"votes_per_person": 0}, "votes_per_person"),
            ({"votes_per_person": 21}, "votes_per_person"),
        ],
    )
    def test_bad_input_is_refused_and_nothing_is_saved(self, joint_project, lead, overrides, field):
        values = {"projects": [joint_project], "facilitator": lead, "created_by": lead}
        assert refused_fields(lambda: create(**(values | overrides))) == {field}
        assert not Retrospective.objects.exists()
        assert not RetroColumn.objects.exists()

    def test_the_facilitator_must_be_a_member_of_one_of_the_projects(
        self, joint_project, lead, outsider
    ):
        def facilitated_by_outsider():
            create(projects=[joint_project], facilitator=outsider, created_by=lead)

        assert refused_fields(facilitated_by_outsider) == {"facilitator"}
        assert not Retrospective.objects.exists()


class TestMove:
    def test_forwards_and_one_step_back(self, retro):
        revision = retro.revision
        retro = move_to(retro, RetroPhase.GROUP, RetroPhase.VOTE, RetroPhase.GROUP)
        assert retro.phase == RetroPhase.GROUP
        retro.refresh_from_db()
        assert retro.phase == RetroPhase.GROUP
        assert retro.revision == revision + 3

    def test_skipping_forwards_is_allowed(self, retro):
        assert move_to(retro, RetroPhase.DISCUSS).phase == RetroPhase.DISCUSS

    def test_going_back_two_phases_is_refused(self, retro):
        retro = move_to(retro, RetroPhase.GROUP, RetroPhase.VOTE)
        with pytest.raises(ProjectActionError):
            retro_move(retro=retro, to_phase=RetroPhase.COLLECT)
        retro.refresh_from_db()
        assert retro.phase == RetroPhase.VOTE

    def test_closing_is_not_a_move(self, retro):
        with pytest.raises(ProjectActionError):
            retro_move(retro=retro, to_phase=RetroPhase.CLOSED)
        retro.refresh_from_db()
        assert retro.phase == RetroPhase.COLLECT
        assert retro.closed_at is None

    def test_nothing_moves_after_closing(self, retro, lead):
        close(retro, lead, "Done.")
        with pytest.raises(ProjectActionError):
            retro_move(retro=retro, to_phase=RetroPhase.ACTIONS)
        retro.refresh_from_db()
        assert retro.phase == RetroPhase.CLOSED


class TestItems:
    def test_an_item_records_its_author_time_and_the_department_they_represent(self, retro, member):
        revision = retro.revision
        item = add(retro, member, "  Too many handovers  ", column=1)
        assert item.text == "Too many handovers"
        assert item.author == member
        assert item.created_at is not None
        assert item.column.title == "To improve"
        assert item.department.name == "Support"
        participant = RetroParticipant.objects.get(retrospective=retro)
        assert (participant.person, participant.department) == (member, member.department)
        retro.refresh_from_db()
        assert retro.revision == revision + 1

    def test_the_department_represented_in_the_project_counts(
        self, retro, joint_project, project_index
    ):
        """Someone seconded to the project speaks for the department they joined it for."""
        seconded = PersonFactory(department=DepartmentFactory(name="HR"))
        MembershipFactory(
            project=joint_project,
            person=seconded,
            department=DepartmentFactory(name="Operations"),
        )
        assert add(retro, seconded).department.name == "Operations"
        assert retro.participants.get().department.name == "Operations"

    def test_an_anonymous_item_stores_no_author_and_no_time(self, retro, member):
        item = add(retro, member, anonymous=True)
        item.refresh_from_db()
        assert item.is_anonymous
        assert item.author is None
        assert item.created_at is None
        assert item.department.name == "Support"
        # Taking part is recorded (the board counts voices), but nothing links it to the item.
        assert retro.participants.filter(person=member).exists()

    def test_a_person_takes_part_once_however_many_items_they_add(self, retro, member):
        add(retro, member, "One")
        add(retro, member, "Two", anonymous=True)
        assert retro.participants.count() == 1

    @pytest.mark.parametrize("phase", [RetroPhase.GROUP, RetroPhase.VOTE, RetroPhase.DISCUSS])
    def test_items_are_added_only_while_collecting(self, retro, member, phase):
        retro = move_to(retro, phase)
        with pytest.raises(ProjectActionError):
            add(retro, member)
        assert not RetroItem.objects.exists()

    def test_no_items_during_the_opening_review(self, joint_project, lead):
        retro = create(projects=[joint_project], facilitator=lead, created_by=lead)
        with pytest.raises(ProjectActionError):
            add(retro, lead)

    def test_blank_text_and_foreign_columns_are_refused(self, retro, member, joint_project, lead):
        assert refused_fields(lambda: add(retro, member, "   ")) == {"text"}
        elsewhere = create(
            projects=[joint_project], facilitator=lead, created_by=lead, skip_review=True
        )

        def into_foreign_column():
            item_add(retro=retro, person=member, column=elsewhere.columns.first(), text="Hello")

        assert refused_fields(into_foreign_column) == {"column"}
        assert not RetroItem.objects.exists()
        assert not RetroParticipant.objects.exists()


class TestAnonymityConstraint:
    """The database itself refuses an anonymous item that keeps a trace of its author."""

    @pytest.mark.parametrize("trace", ["author", "created_at"])
    def test_an_anonymous_item_with_a_trace_cannot_be_saved(self, retro, member, trace):
        values = {"author": None, "created_at": None}
        values[trace] = member if trace == "author" else timezone.now()
        with pytest.raises(IntegrityError), transaction.atomic():
            RetroItem.objects.create(
                retrospective=retro,
                column=retro.columns.first(),
                text="Secret",
                department=member.department,
                is_anonymous=True,
                **values,
            )
        assert not RetroItem.objects.exists()


class TestMerge:
    @pytest.fixture
    def items(self, retro, lead, member):
        a, b, c, d = (add(retro, member, text) for text in "ABCD")
        move_to(retro, RetroPhase.GROUP)
        return a, b, c, d

    def test_a_duplicate_joins_an_item(self, retro, items):
        a, b, _c, _d = items
        revision = Retrospective.objects.get(pk=retro.pk).revision
        assert items_merge(retro=retro, item=b, into=a) == a
        b.refresh_from_db()
        assert b.merged_into == a
        assert Retrospective.objects.get(pk=retro.pk).revision == revision + 1

    def test_merging_into_a_merged_item_joins_its_group(self, retro, items):
        a, b, c, _d = items
        items_merge(retro=retro, item=b, into=a)
        assert items_merge(retro=retro, item=c, into=b) == a
        c.refresh_from_db()
        assert c.merged_into == a

    def test_a_group_merged_elsewhere_takes_its_children_along(self, retro, items):
        a, b, c, d = items
        items_merge(retro=retro, item=b, into=a)
        items_merge(retro=retro, item=c, into=a)
        items_merge(retro=retro, item=a, into=d)
        assert set(RetroItem.objects.filter(merged_into=d)) == {a, b, c}
        assert not RetroItem.objects.filter(merged_into=a).exists()

    def test_an_item_cannot_join_itself_or_its_own_child(self, retro, items):
        a, b, _c, _d = items
        with pytest.raises(ProjectActionError):
            items_merge(retro=retro, item=a, into=a)
        items_merge(retro=retro, item=b, into=a)
        with pytest.raises(ProjectActionError):
            items_merge(retro=retro, item=a, into=b)
        a.refresh_from_db()
        assert a.merged_into is None

    def test_items_of_another_board_cannot_be_merged(
        self, retro, items, joint_project, lead, member
    ):
        elsewhere = create(
            projects=[joint_project], facilitator=lead, created_by=lead, skip_review=True
        )
        stranger = add(elsewhere, member)
        with pytest.raises(ProjectActionError):
            items_merge(retro=retro, item=items[0], into=stranger)

    def test_grouping_happens_only_in_the_group_phase(self, retro, items):
        move_to(retro, RetroPhase.VOTE)
        with pytest.raises(ProjectActionError):
            items_merge(retro=retro, item=items[1], into=items[0])
        assert not RetroItem.objects.filter(merged_into__isnull=False).exists()


class TestVotes:
    @pytest.fixture
    def items(self, retro, lead, member):
        first, second, child = (add(retro, lead, text) for text in ("First", "Second", "Child"))
        move_to(retro, RetroPhase.GROUP)
        items_merge(retro=retro, item=child, into=first)
        move_to(retro, RetroPhase.VOTE)
        child.refresh_from_db()
        return first, second, child

    def test_n_dots_then_refused(self, retro, member, items):
        first, second, _child = items
        assert vote_cast(retro=retro, person=member, item=first) == 2
        assert vote_cast(retro=retro, person=member, item=first) == 1
        assert vote_cast(retro=retro, person=member, item=second) == 0
        with pytest.raises(ProjectActionError, match="all your 3 votes"):
            vote_cast(retro=retro, person=member, item=second)
        assert RetroVote.objects.filter(person=member).count() == 3
        assert sorted(RetroVote.objects.values_list("slot", flat=True)) == [1, 2, 3]

    def test_withdrawing_a_dot_frees_it(self, retro, member, items):
        first, second, _child = items
        for _ in range(3):
            vote_cast(retro=retro, person=member, item=first)
        assert vote_withdraw(retro=retro, person=member, item=first) is True
        assert vote_withdraw(retro=retro, person=member, item=second) is False
        assert vote_cast(retro=retro, person=member, item=second) == 0
        assert RetroVote.objects.filter(item=first).count() == 2
        assert RetroVote.objects.filter(item=second).count() == 1

    def test_the_limit_is_per_person(self, retro, lead, member, items):
        first, _second, _child = items
        for person in (lead, member):
            for _ in range(3):
                vote_cast(retro=retro, person=person, item=first)
        assert RetroVote.objects.filter(item=first).count() == 6

    def test_a_merged_child_cannot_be_voted_for(self, retro, member, items):
        _first, _second, child = items
        with pytest.raises(ProjectActionError):
            vote_cast(retro=retro, person=member, item=child)
        assert not RetroVote.objects.exists()

    def test_voting_records_taking_part(self, retro, member, items):
        assert not retro.participants.filter(person=member).exists()
        vote_cast(retro=retro, person=member, item=items[0])
        assert retro.participants.get(person=member).department == member.department

    @pytest.mark.parametrize("phase", [RetroPhase.GROUP, RetroPhase.DISCUSS])
    def test_votes_are_cast_only_while_voting(self, retro, member, items, phase):
        move_to(retro, phase)
        with pytest.raises(ProjectActionError):
            vote_cast(retro=retro, person=member, item=items[0])
        with pytest.raises(ProjectActionError):
            vote_withdraw(retro=retro, person=member, item=items[0])
        assert not RetroVote.objects.exists()


@pytest.fixture
def discussed(retro, lead):
    """The retrospective in the discuss phase, with one item."""
    item = add(retro, lead, "Deploys are scary")
    move_to(retro, RetroPhase.DISCUSS)
    return retro, item


class TestNotes:
    @pytest.mark.parametrize("phase", [RetroPhase.DISCUSS, RetroPhase.ACTIONS])
    def test_notes_are_taken_while_discussing_and_agreeing_actions(self, discussed, member, phase):
        retro, item = discussed
        move_to(retro, phase)
        note = note_add(retro=retro, person=member, item=item, text=" Pair on the next one ")
        assert (note.item, note.author, note.text) == (item, member, "Pair on the next one")

    def test_no_notes_before_the_discussion(self, retro, lead, member):
        item = add(retro, lead)
        with pytest.raises(ProjectActionError):
            note_add(retro=retro, person=member, item=item, text="Too early")

    def test_no_notes_after_closing(self, discussed, lead, member):
        retro, item = discussed
        close(retro, lead)
        with pytest.raises(ProjectActionError):
            note_add(retro=retro, person=member, item=item, text="Too late")

    def test_blank_notes_and_foreign_items_are_refused(
        self, discussed, joint_project, lead, member
    ):
        retro, item = discussed
        elsewhere = create(
            projects=[joint_project], facilitator=lead, created_by=lead, skip_review=True
        )
        stranger = add(elsewhere, lead)
        blank = lambda: note_add(retro=retro, person=member, item=item, text="  ")  # noqa: E731
        assert refused_fields(blank) == {"text"}
        with pytest.raises(ProjectActionError):
            note_add(retro=retro, person=member, item=stranger, text="Hi")


class TestActions:
    def act(self, retro, lead, **overrides):
        values = {
            "retro": retro,
            "actor": lead,
            "project": retro.projects.get(),
            "title": "Rehearse the deploy",
            "owner": lead,
            "due_date": NEXT_WEEK,
        }
        return action_add(**(values | overrides))

    def test_an_action_item_is_a_commitment_linked_to_its_item_and_metric(
        self, discussed, lead, member, metric, joint_project
    ):
        retro, item = discussed
        commitment = self.act(retro, lead, owner=member, item=item, metric=metric)
        commitment.refresh_from_db()
        assert commitment.project == joint_project
        assert (commitment.owner, commitment.created_by) == (member, lead)
        assert commitment.due_date == NEXT_WEEK
        assert commitment.retrospective == retro
        assert commitment.retro_item == item
        assert commitment.metric == metric
        assert list(retro.actions.all()) == [commitment]
        assert list(metric.commitments.all()) == [commitment]
        assert Activity.objects.filter(
            project=joint_project, kind=ActivityKind.COMMITMENT_MADE, summary=commitment.title
        ).exists()

    def test_the_metric_must_belong_to_the_same_project(
        self, discussed, lead, other_project, project_index
    ):
        from projects.models import Metric

        retro, _item = discussed
        foreign = Metric.objects.create(
            project=other_project,
            created_by=lead,
            name="Invoices on time",
            definition="x",
            unit="percent",
            direction="increase",
            baseline_value=1,
            baseline_date=TODAY,
            target_value=2,
            target_date=NEXT_WEEK,
        )
        assert refused_fields(lambda: self.act(retro, lead, metric=foreign)) == {"metric"}
        assert not Commitment.objects.exists()

    def test_the_project_must_be_one_of_the_retrospective(self, discussed, lead, other_project):
        retro, _item = discussed
        assert refused_fields(lambda: self.act(retro, lead, project=other_project)) == {"project"}
        assert not Commitment.objects.exists()

    def test_the_owner_must_be_a_member_and_the_date_not_past(self, discussed, lead, outsider):
        retro, _item = discussed
        assert refused_fields(lambda: self.act(retro, lead, owner=outsider)) == {"owner"}
        yesterday = TODAY - datetime.timedelta(days=1)
        assert refused_fields(lambda: self.act(retro, lead, due_date=yesterday)) == {"due_date"}
        assert not Commitment.objects.exists()

    def test_action_items_only_while_discussing_or_agreeing_actions(self, retro, lead):
        with pytest.raises(ProjectActionError):
            self.act(retro, lead)
        move_to(retro, RetroPhase.GROUP, RetroPhase.VOTE)
        with pytest.raises(ProjectActionError):
            self.act(retro, lead)
        move_to(retro, RetroPhase.ACTIONS)
        assert self.act(retro, lead).retrospective == retro


class TestClose:
    @pytest.fixture
    def spanning(self, joint_project, other_project, lead):
        return create(
            projects=[joint_project, other_project],
            facilitator=lead,
            created_by=lead,
            skip_review=True,
        )

    def test_closing_publishes_on_every_project_and_notifies_members_once(
        self, spanning, joint_project, other_project, lead, member
    ):
        retro = close(spanning, lead, "We pair on deploys.")
        retro.refresh_from_db()
        assert retro.phase == RetroPhase.CLOSED
        assert retro.is_closed
        assert retro.summary == "We pair on deploys."
        assert retro.closed_at is not None
        for project in (joint_project, other_project):
            assert (
                Activity.objects.filter(
                    project=project, kind=ActivityKind.RETRO_CLOSED, summary=retro.title
                ).count()
                == 1
            )
        notices = Notification.objects.filter(kind=NotificationKind.RETRO_SUMMARY)
        finance_lead = other_project.memberships.get(role="lead").person
        # The member of both projects hears once; the facilitator who closed it not at all.
        assert sorted(n.recipient_id for n in notices) == sorted(
            [member.user_id, finance_lead.user_id]
        )
        assert {n.subject for n in notices} == {retro.title}
        assert all(f"/retros/{retro.pk}/" in n.url for n in notices)

    def test_closing_before_the_actions_phase_is_refused(self, spanning, lead):
        with pytest.raises(ProjectActionError):
            retro_close(retro=spanning, actor=lead, summary="Too soon")
        spanning.refresh_from_db()
        assert spanning.phase == RetroPhase.COLLECT
        assert not Notification.objects.filter(kind=NotificationKind.RETRO_SUMMARY).exists()

    def test_a_second_close_is_refused_and_changes_nothing(self, spanning, lead):
        close(spanning, lead, "First")
        with pytest.raises(ProjectActionError):
            retro_close(retro=spanning, actor=lead, summary="Second")
        spanning.refresh_from_db()
        assert spanning.summary == "First"
        assert Activity.objects.filter(kind=ActivityKind.RETRO_CLOSED).count() == 2
        assert Notification.objects.filter(kind=NotificationKind.RETRO_SUMMARY).count() == 2


def run_in_parallel(calls):
    """Start every call at the same moment, each in its own thread and connection; returns
    the ProjectActionErrors raised (any other failure fails the test)."""
    barrier = threading.Barrier(len(calls))
    refusals, failures = [], []

    def run(call):
        try:
            barrier.wait()
            call()
        except ProjectActionError as refusal:
            refusals.append(refusal)
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
    return refusals


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="real parallel writers need PostgreSQL (CI runs it)"
)
class TestParallelSessions:
    def test_ten_clicks_at_once_give_exactly_the_allowed_dots(
        self, pristine_database, retro, member
    ):
        items = [add(retro, member, f"Item {n}") for n in range(2)]
        retro = move_to(retro, RetroPhase.GROUP, RetroPhase.VOTE)

        def click(item):
            return lambda: vote_cast(retro=retro, person=member, item=item)

        refusals = run_in_parallel([click(items[n % 2]) for n in range(10)])
        assert RetroVote.objects.filter(person=member).count() == retro.votes_per_person == 3
        assert len(refusals) == 7
        assert sorted(RetroVote.objects.values_list("slot", flat=True)) == [1, 2, 3]
        assert retro.participants.filter(person=member).count() == 1

    def test_six_people_adding_items_at_once_lose_nothing(
        self, pristine_database, retro, joint_project
    ):
        people = [PersonFactory() for _ in range(6)]
        for person in people:
            MembershipFactory(project=joint_project, person=person)
        column = retro.columns.first()
        revision = Retrospective.objects.get(pk=retro.pk).revision

        def post(person):
            return lambda: item_add(
                retro=retro, person=person, column=column, text=f"From {person.pk}"
            )

        assert run_in_parallel([post(person) for person in people]) == []
        assert set(RetroItem.objects.values_list("text", flat=True)) == {
            f"From {person.pk}" for person in people
        }
        assert Retrospective.objects.get(pk=retro.pk).revision == revision + 6
        assert retro.participants.count() == 6
