"""The retrospective board: the page, its live refresh, and the collect, group and vote phases."""

import re

import pytest
from django.contrib.messages import get_messages

from projects.models import (
    RetroItem,
    RetroParticipant,
    RetroPhase,
    Retrospective,
    RetroVote,
    Visibility,
)
from projects.retro_services import items_merge, vote_cast
from tests.factories import (
    DepartmentFactory,
    MembershipFactory,
    PersonFactory,
)

from . import retro_board_support as support
from .retro_board_support import add, board_url, set_phase

# The shared fixtures, made visible to this module's tests.
board, facilitator, viewer = support.board, support.facilitator, support.viewer

pytestmark = pytest.mark.django_db

FILLED_DOT = 'class="retro-dot"'


def page(client, person, retro, **params):
    client.force_login(person.user)
    response = client.get(board_url(retro), params)
    assert response.status_code == 200
    return response.content.decode()


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


# The page


def test_board_shows_facts_stepper_and_live_region(client, board, member, facilitator):
    html = page(client, member, board)
    assert "Sprint 12 retrospective" in html
    assert "Fay" in html
    assert "Went well / To improve / Actions" in html
    assert "Faster answers" in html
    current = re.findall(r'<li class="retro-steps__step[^"]*" aria-current="step">', html)
    assert len(current) == 1
    assert "--current" in current[0]
    assert html.index("Opening review") < html.index("Collect") < html.index("Closed")
    poll = board_url(board, "projects:retro_board") + f"?since={board.revision}"
    assert f'hx-get="{poll}"' in html
    assert 'hx-trigger="every 2s"' in html
    assert 'hx-swap="outerHTML"' in html
    assert f'href="{board_url(board)}">Refresh</a>' in html


def test_board_is_not_found_for_people_who_cannot_see_the_project(
    client, board, joint_project, viewer
):
    joint_project.visibility = Visibility.MEMBERS
    joint_project.save()
    client.force_login(viewer.user)
    assert client.get(board_url(board)).status_code == 404
    assert client.get(board_url(board, "projects:retro_board")).status_code == 404
    assert client.get(board_url(board, "projects:retro_board"), {"since": 0}).status_code == 404


def test_facilitator_sees_phase_controls_and_members_do_not(client, board, member, facilitator):
    assert "Next: Group" in page(client, facilitator, board)
    assert "Back to Opening review" in page(client, facilitator, board)
    html = page(client, member, board)
    assert "Next: Group" not in html
    assert "Facilitator controls" not in html


def test_review_phase_offers_to_skip_it(client, board, facilitator):
    set_phase(board, RetroPhase.REVIEW)
    html = page(client, facilitator, board)
    assert "Skip the review" in html
    assert "Next: Collect" in html
    assert "Back to" not in html


def test_moving_on_and_back(client, board, facilitator):
    client.force_login(facilitator.user)
    url = board_url(board, "projects:retro_phase")
    response = client.post(url, {"phase": "group"})
    assert response.status_code == 302
    assert response["Location"] == board_url(board)
    board.refresh_from_db()
    assert board.phase == RetroPhase.GROUP
    assert "The board is now in the group phase." in messages_of(response)
    response = client.post(url, {"phase": "review"})  # two steps back: refused
    board.refresh_from_db()
    assert board.phase == RetroPhase.GROUP
    assert "Go back one phase at a time." in messages_of(response)
    response = client.post(url, {"phase": "nonsense"})
    assert "Choose a phase to move to." in messages_of(response)
    client.post(url, {"phase": "collect"})
    board.refresh_from_db()
    assert board.phase == RetroPhase.COLLECT


def test_actions_phase_offers_no_next_button(client, board, facilitator):
    """Closing publishes a summary: it has its own form, not a "Next" button."""
    set_phase(board, RetroPhase.ACTIONS)
    html = page(client, facilitator, board)
    assert "Next:" not in html
    assert "Back to Discuss" in html


def test_actions_are_post_only(client, board, member):
    client.force_login(member.user)
    item = add(board, member, "Mine")
    for name, kwargs in [
        ("projects:retro_phase", {}),
        ("projects:retro_add_item", {}),
        ("projects:retro_edit_item", {"item_id": item.pk}),
        ("projects:retro_delete_item", {"item_id": item.pk}),
        ("projects:retro_merge_item", {"item_id": item.pk}),
        ("projects:retro_unmerge_item", {"item_id": item.pk}),
        ("projects:retro_vote", {"item_id": item.pk}),
        ("projects:retro_unvote", {"item_id": item.pk}),
    ]:
        assert client.get(board_url(board, name, **kwargs)).status_code == 405, name


def test_actions_need_the_csrf_token(board, member):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(member.user)
    column = board.columns.first()
    response = client.post(board_url(board, "projects:retro_add_item"), {"column": column.pk})
    assert response.status_code == 403
    assert not RetroItem.objects.exists()


# Collect


def test_collect_adds_an_item_and_keeps_it_from_others(client, board, member, lead):
    client.force_login(member.user)
    column = list(board.columns.all())[1]
    response = client.post(
        board_url(board, "projects:retro_add_item"),
        {"column": column.pk, "text": "Handovers between shifts get lost"},
    )
    assert response.status_code == 302
    assert response["Location"] == board_url(board) + f"#column-{column.pk}"
    item = RetroItem.objects.get()
    assert (item.author, item.column, item.department.name) == (member, column, "Support")
    assert "Handovers between shifts get lost" in page(client, member, board)

    html = page(client, lead, board)
    assert "Handovers between shifts get lost" not in html
    assert "1 more item, hidden until the facilitator reveals it" in html
    client.force_login(lead.user)
    fragment = client.get(board_url(board, "projects:retro_board")).content.decode()
    assert "Handovers between shifts get lost" not in fragment
    assert "1 more item, hidden" in fragment


def test_add_item_form_explains_anonymity_and_survives_refreshes(client, board, member):
    html = page(client, member, board)
    assert "Post anonymously" in html
    assert "Nobody, not even administrators, can see who wrote it" in html
    for column in board.columns.all():
        assert re.search(rf'<form class="retro-add" id="add-item-{column.pk}" hx-preserve', html)
    assert len(set(re.findall(r'id="(id_item_\d+_text)"', html))) == 3  # ids of their own


def test_add_item_with_bad_input_shows_the_error_and_keeps_the_input(client, board, member):
    client.force_login(member.user)
    column = list(board.columns.all())[2]
    too_long = "x" * 1001
    response = client.post(
        board_url(board, "projects:retro_add_item"),
        {"column": column.pk, "text": too_long, "anonymous": "on"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Keep it to 1000 characters: this one has 1001." in html
    assert too_long in html
    assert f'id="id_item_{column.pk}_anonymous" checked' in html
    response = client.post(board_url(board, "projects:retro_add_item"), {"column": column.pk})
    assert response.status_code == 400
    assert "Write something first." in response.content.decode()
    assert not RetroItem.objects.exists()


def test_add_item_to_another_boards_column_is_refused(client, board, member, joint_project):
    other = Retrospective.objects.create(
        title="Other",
        facilitator=member,
        created_by=member,
        format=board.format,
        phase=RetroPhase.COLLECT,
    )
    other_column = other.columns.create(title="Elsewhere")
    client.force_login(member.user)
    response = client.post(
        board_url(board, "projects:retro_add_item"), {"column": other_column.pk, "text": "Hi"}
    )
    assert response.status_code == 400
    assert "Choose one of this board&#x27;s columns." in response.content.decode()
    assert not RetroItem.objects.exists()


def test_edit_and_delete_own_item(client, board, member):
    item = add(board, member, "Typo in her")
    client.force_login(member.user)
    response = client.post(
        board_url(board, "projects:retro_edit_item", item_id=item.pk), {"text": "Typo in here"}
    )
    assert response["Location"] == board_url(board) + f"#item-{item.pk}"
    item.refresh_from_db()
    assert item.text == "Typo in here"

    response = client.post(
        board_url(board, "projects:retro_edit_item", item_id=item.pk), {"text": "  "}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Write something first." in html
    assert f'<details class="retro-item__edit" id="edit-item-{item.pk}" hx-preserve open>' in html

    client.post(board_url(board, "projects:retro_delete_item", item_id=item.pk))
    assert not RetroItem.objects.filter(pk=item.pk).exists()


def test_nobody_edits_or_deletes_someone_elses_item(client, board, member, lead):
    item = add(board, member, "Mine, not yours")
    anonymous = add(board, member, "Nobody's", anonymous=True)
    client.force_login(lead.user)
    for target in (item, anonymous):
        edit = board_url(board, "projects:retro_edit_item", item_id=target.pk)
        delete = board_url(board, "projects:retro_delete_item", item_id=target.pk)
        assert client.post(edit, {"text": "Changed"}).status_code == 403
        assert client.post(delete).status_code == 403
    assert RetroItem.objects.count() == 2
    assert not RetroItem.objects.filter(text="Changed").exists()


# Group


def test_reveal_shows_every_item_with_its_author(client, board, member, lead):
    add(board, member, "Handovers get lost")
    add(board, member, "Too many meetings", anonymous=True)
    set_phase(board, RetroPhase.GROUP)
    html = page(client, lead, board)
    assert "Handovers get lost" in html
    assert "Too many meetings" in html
    item_html = html[html.index("Too many meetings") :]
    item_html = item_html[: item_html.index("</li>")]
    assert "Anonymous" in item_html
    assert "department-badge" not in item_html
    signed = html[html.index("Handovers get lost") :]
    assert "Mo " in signed[: signed.index("</li>")] or "Mo<" in signed[: signed.index("</li>")]
    assert ">Support</a>" in signed[: signed.index("</li>")]
    assert "hidden until the facilitator" not in html


def test_facilitator_merges_and_unmerges_without_javascript(client, board, member, facilitator):
    first = add(board, member, "Handovers get lost")
    duplicate = add(board, facilitator, "Shift handover loses details", column=1)
    set_phase(board, RetroPhase.GROUP)
    client.force_login(facilitator.user)

    html = client.get(board_url(board)).content.decode()
    assert f'href="?merge={duplicate.pk}#merging"' in html
    html = client.get(board_url(board), {"merge": duplicate.pk}).content.decode()
    assert "Merging a duplicate" in html
    assert f'<option value="{first.pk}">Handovers get lost</option>' in html
    assert f'<option value="{duplicate.pk}"' not in html
    assert f"&amp;merge={duplicate.pk}" in html  # the poll keeps the picked item

    response = client.post(
        board_url(board, "projects:retro_merge_item", item_id=duplicate.pk), {"into": first.pk}
    )
    assert response["Location"] == board_url(board) + f"#item-{first.pk}"
    duplicate.refresh_from_db()
    assert duplicate.merged_into == first
    html = client.get(board_url(board)).content.decode()
    assert "1 merged item" in html
    unmerge = board_url(board, "projects:retro_unmerge_item", item_id=duplicate.pk)
    assert f'action="{unmerge}"' in html

    client.post(unmerge)
    duplicate.refresh_from_db()
    assert duplicate.merged_into is None


def test_merging_needs_a_target_of_this_board(client, board, member, facilitator):
    item = add(board, member, "Alone")
    set_phase(board, RetroPhase.GROUP)
    client.force_login(facilitator.user)
    url = board_url(board, "projects:retro_merge_item", item_id=item.pk)
    response = client.post(url, {"into": "nope"})
    assert response["Location"] == board_url(board) + f"?merge={item.pk}#item-{item.pk}"
    assert "Choose the item it duplicates." in messages_of(response)
    response = client.post(url, {"into": item.pk})
    assert "Choose two different items of this board." in messages_of(response)
    item.refresh_from_db()
    assert item.merged_into is None


def test_members_see_groups_without_merge_controls(client, board, member, lead):
    first = add(board, member, "One")
    items_merge_into = add(board, lead, "One again")
    set_phase(board, RetroPhase.GROUP)
    items_merge(retro=board, item=items_merge_into, into=first)
    html = page(client, member, board)
    assert "One again" in html
    assert "1 merged item" in html
    assert "Merge into…" not in html
    assert "Unmerge" not in html


# Vote


def test_vote_shows_own_dots_and_dots_left_never_totals(client, board, member, lead):
    item = add(board, member, "Handovers get lost")
    set_phase(board, RetroPhase.VOTE)
    vote_cast(retro=board, person=lead, item=item)
    vote_cast(retro=board, person=lead, item=item)

    html = page(client, member, board)
    assert "Votes left: 3 of 3" in html
    assert FILLED_DOT not in html  # the lead's two dots are nobody else's business

    client.force_login(member.user)
    response = client.post(board_url(board, "projects:retro_vote", item_id=item.pk))
    assert response["Location"] == board_url(board) + f"#item-{item.pk}"
    html = page(client, member, board)
    assert "Votes left: 2 of 3" in html
    assert html.count(FILLED_DOT) == 2  # one on the item, one in "your dots"
    assert "You put 1 dot here" in html
    item_html = html[html.index(f'id="item-{item.pk}"') :]
    item_html = item_html[: item_html.index("</li>")]
    assert item_html.count(FILLED_DOT) == 1
    for total in ("3 dots", "3 votes", "Total", "total"):
        assert total not in item_html
    assert "Lea" not in html

    client.post(board_url(board, "projects:retro_unvote", item_id=item.pk))
    assert "Votes left: 3 of 3" in page(client, member, board)


def test_vote_with_htmx_answers_with_the_board_fragment(client, board, member):
    item = add(board, member, "Handovers get lost")
    set_phase(board, RetroPhase.VOTE)
    client.force_login(member.user)
    response = client.post(
        board_url(board, "projects:retro_vote", item_id=item.pk), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="retro-board-live"')
    assert "Votes left: 2 of 3" in html
    board.refresh_from_db()
    assert f"since={board.revision}" in html


def test_used_up_dots_are_refused_with_a_reason(client, board, member):
    item = add(board, member, "Handovers get lost")
    set_phase(board, RetroPhase.VOTE)
    client.force_login(member.user)
    url = board_url(board, "projects:retro_vote", item_id=item.pk)
    for _dot in range(3):
        client.post(url)
    html = page(client, member, board)
    assert "Votes left: 0 of 3" in html
    assert re.search(r'<button type="submit" class="button button--small" disabled>\+1 dot', html)
    response = client.post(url)
    assert "You have used all your 3 votes. Take one back to move it." in messages_of(response)
    response = client.post(url, headers={"HX-Request": "true"})
    assert "You have used all your 3 votes." in response.content.decode()
    assert RetroVote.objects.count() == 3


def test_viewers_see_the_vote_without_buttons(client, board, member, viewer):
    add(board, member, "Handovers get lost")
    set_phase(board, RetroPhase.VOTE)
    html = page(client, viewer, board)
    assert "Handovers get lost" in html
    assert "+1 dot" not in html
    assert "Votes left" not in html
    assert "Members of the projects are voting." in html


# Live refresh


def test_fragment_answers_no_content_until_the_board_changes(
    client, board, member, django_assert_num_queries
):
    client.force_login(member.user)
    url = board_url(board, "projects:retro_board")
    # The session, the user, and one single-column query for the revision.
    with django_assert_num_queries(3):
        response = client.get(url, {"since": board.revision})
    assert response.status_code == 204
    assert response.content == b""
    seen = board.revision
    add(board, member, "Something new")
    response = client.get(url, {"since": seen})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Something new" in html
    assert "<html" not in html
    board.refresh_from_db()
    assert f"since={board.revision}" in html
    assert client.get(url).status_code == 200  # no revision: always the fragment


def test_closed_board_does_not_poll(client, board, member):
    set_phase(board, RetroPhase.CLOSED)
    html = page(client, member, board)
    assert 'id="retro-board-live"' in html
    assert "hx-trigger" not in html
    assert "Refresh</a>" not in html


# Every voice lands


def test_silent_departments_are_highlighted(client, board, member, lead):
    html = page(client, lead, board)
    assert html.count("Not heard yet") == 3  # Finance, Sales and Support
    add(board, member, "Handovers get lost")
    html = page(client, lead, board)
    assert html.count("Not heard yet") == 2
    assert "2 departments have not contributed yet." in html
    support = html[html.index(">Support</a>") :]
    assert "1 participant" in support[: support.index("</li>")]


def test_anonymous_counts_appear_only_with_enough_participants(
    client, board, joint_project, member
):
    add(board, member, "Quiet worry", anonymous=True)
    html = page(client, member, board)
    support = html[html.index(">Support</a>") :]
    support = support[: support.index("</li>")]
    assert "hidden to protect anonymity" in support
    assert not re.search(r"\d+ anonymous item", support)
    support_department = member.department
    for name in ("sam", "sid"):
        colleague = PersonFactory(user__username=name, department=support_department)
        MembershipFactory(project=joint_project, person=colleague)
        add(board, colleague, f"Signed by {name}")
    html = page(client, member, board)
    support = html[html.index(">Support</a>") :]
    support = support[: support.index("</li>")]
    assert "3 participants" in support
    assert "1 anonymous item" in support


# Query counts


def _fill(retro, *, items, people, votes_each):
    """A board with `items` items (a third anonymous, some merged), `people` participants in
    two departments, and votes; all rows with bulk_create."""
    project = retro.projects.get()
    departments = [DepartmentFactory(), DepartmentFactory()]
    persons = []
    for index in range(people):
        person = PersonFactory(department=departments[index % 2])
        MembershipFactory(project=project, person=person)
        persons.append(person)
    RetroParticipant.objects.bulk_create(
        RetroParticipant(retrospective=retro, person=p, department=p.department) for p in persons
    )
    columns = list(retro.columns.all())
    created = RetroItem.objects.bulk_create(
        RetroItem(
            retrospective=retro,
            column=columns[index % len(columns)],
            text=f"Item {index}",
            department=persons[index % people].department,
            is_anonymous=index % 3 == 0,
            author=None if index % 3 == 0 else persons[index % people],
        )
        for index in range(items)
    )
    RetroItem.objects.filter(pk__in=[i.pk for i in created[1::5]]).update(merged_into=created[0])
    top_level = [item for index, item in enumerate(created) if index % 5 != 1]
    RetroVote.objects.bulk_create(
        RetroVote(
            retrospective=retro,
            person=person,
            item=top_level[(n + slot) % len(top_level)],
            slot=slot,
        )
        for n, person in enumerate(persons)
        for slot in range(1, votes_each + 1)
    )
    return persons


@pytest.mark.parametrize("phase", [RetroPhase.COLLECT, RetroPhase.GROUP, RetroPhase.VOTE])
def test_board_queries_do_not_grow_with_the_board(client, count_queries, board, member, phase):
    client.force_login(member.user)

    def measure():
        set_phase(board, phase)
        return (
            count_queries(board_url(board), ceiling=25),
            count_queries(board_url(board, "projects:retro_board"), ceiling=25),
        )

    add(board, member, "My own item")
    _fill(board, items=10, people=4, votes_each=2)
    RetroVote.objects.create(
        retrospective=board,
        person=member,
        item=RetroItem.objects.filter(merged_into=None).first(),
        slot=1,
    )
    small = measure()
    _fill(board, items=300, people=40, votes_each=3)
    assert measure() == small
