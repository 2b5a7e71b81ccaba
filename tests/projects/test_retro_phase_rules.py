"""What each role may do on the board in each phase, hidden-until-reveal, anonymity, vote limits.

Statuses: 302 back to the board when allowed, 403 for people who may see the board but not do
this (now), 404 for people who cannot see it, and the login page for anonymous visitors.
"""

import json
import logging

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core import serializers
from django.shortcuts import resolve_url
from django.utils import timezone

from notifications.models import Notification
from organisation.models import Person
from projects.models import (
    PHASE_ORDER,
    Activity,
    RetroItem,
    RetroParticipant,
    RetroPhase,
    Retrospective,
    RetroVote,
    Visibility,
)

from . import retro_board_support as support
from .retro_board_support import add, board_url, set_phase

# The shared fixtures, made visible to this module's tests.
board, facilitator, viewer = support.board, support.facilitator, support.viewer

pytestmark = pytest.mark.django_db

ROLES = ["facilitator", "lead", "member", "viewer", "outsider", "anonymous"]
ACTIONS = ["add_item", "edit_own_item", "merge", "vote", "move_phase"]
# Who may do each action, and in which phases (everyone else who can see the board: 403).
ALLOWED = {
    "add_item": ({"facilitator", "lead", "member"}, {RetroPhase.COLLECT}),
    "edit_own_item": ({"facilitator", "lead", "member"}, {RetroPhase.COLLECT}),
    "merge": ({"facilitator", "lead"}, {RetroPhase.GROUP}),
    "vote": ({"facilitator", "lead", "member"}, {RetroPhase.VOTE}),
    "move_phase": ({"facilitator", "lead"}, set(PHASE_ORDER) - {RetroPhase.CLOSED}),
}


def expected_status(role, action, phase):
    if role == "anonymous":
        return "login"
    if role == "outsider":
        return 404
    roles, phases = ALLOWED[action]
    return 302 if role in roles and phase in phases else 403


def _actor(role, request):
    if role in ("anonymous", "outsider"):
        return None
    return request.getfixturevalue(role)


def _prepare(client, board, action, actor, member):
    """Set the action up and return the POST that does it (as the client's user)."""
    columns = list(board.columns.all())
    if action == "add_item":
        url = board_url(board, "projects:retro_add_item")
        return lambda: client.post(url, {"column": columns[0].pk, "text": "A new thought"})
    if action == "edit_own_item":
        # Written straight into the table: the item is the actor's whatever the phase.
        owner = actor or member
        item = RetroItem.objects.create(
            retrospective=board, column=columns[0], text="Typo", author=owner,
            department=owner.department, created_at=timezone.now(),
        )  # fmt: skip
        url = board_url(board, "projects:retro_edit_item", item_id=item.pk)
        return lambda: client.post(url, {"text": "Fixed"})
    if action == "merge":
        first = add(board, member, "Handovers get lost")
        second = add(board, member, "Shift handover loses details")
        url = board_url(board, "projects:retro_merge_item", item_id=second.pk)
        return lambda: client.post(url, {"into": first.pk})
    if action == "vote":
        item = add(board, member, "Handovers get lost")
        return lambda: client.post(board_url(board, "projects:retro_vote", item_id=item.pk))
    index = PHASE_ORDER.index(board.phase)
    # A move retro_move accepts: the next phase, or one back where the next is closing.
    target = PHASE_ORDER[index + 1] if index + 2 < len(PHASE_ORDER) else PHASE_ORDER[index - 1]
    url = board_url(board, "projects:retro_phase")
    return lambda: client.post(url, {"phase": target.value})


@pytest.mark.parametrize("phase", PHASE_ORDER)
@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("role", ROLES)
def test_phase_rules(request, client, board, joint_project, member, role, action, phase):
    actor = _actor(role, request)
    if role == "outsider":
        joint_project.visibility = Visibility.MEMBERS
        joint_project.save()
        actor = request.getfixturevalue("viewer")
    if actor is not None:
        client.force_login(actor.user)
    set_phase(board, phase)
    post = _prepare(client, board, action, actor, member)
    revision = Retrospective.objects.get(pk=board.pk).revision

    response = post()

    expected = expected_status(role, action, phase)
    if expected == "login":
        assert response.status_code == 302
        assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))
    else:
        assert response.status_code == expected
    # Refusals change nothing; every allowed action changes the board (and its revision).
    changed = Retrospective.objects.get(pk=board.pk).revision != revision
    assert changed == (expected == 302)


# Hidden until the reveal


def test_other_peoples_items_are_not_in_the_page_until_the_reveal(client, board, member, lead):
    add(board, member, "Support is drowning in tickets")
    add(board, member, "Nobody reads the wiki", anonymous=True)
    client.force_login(lead.user)
    for url in (board_url(board), board_url(board, "projects:retro_board")):
        html = client.get(url).content.decode()
        assert "Support is drowning" not in html
        assert "Nobody reads the wiki" not in html
        assert "2 more items, hidden until the facilitator reveals them" in html
    set_phase(board, RetroPhase.GROUP)
    html = client.get(board_url(board)).content.decode()
    assert "Support is drowning in tickets" in html
    assert "Nobody reads the wiki" in html


def test_even_administrators_see_no_items_before_the_reveal(client, board, member):
    from tests.factories import UserFactory

    add(board, member, "Support is drowning in tickets")
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    html = client.get(board_url(board)).content.decode()
    assert "Support is drowning" not in html
    assert "1 more item, hidden" in html


# Anonymity


def _database_as_json():
    rows = []
    for model in apps.get_models():
        rows.extend(json.loads(serializers.serialize("json", model._default_manager.all())))
    return rows


def test_an_anonymous_item_keeps_no_trace_of_its_author(client, board, member, caplog):
    secret = "Our manager takes credit for Support's work"
    client.force_login(member.user)
    with caplog.at_level(logging.DEBUG):
        response = client.post(
            board_url(board, "projects:retro_add_item"),
            {"column": board.columns.first().pk, "text": secret, "anonymous": "on"},
        )
    assert response.status_code == 302

    item = RetroItem.objects.get()
    assert item.text == secret
    assert (item.author_id, item.created_at, item.is_anonymous) == (None, None, True)
    assert item.department == member.department  # kept for counts above the threshold
    assert not Activity.objects.filter(summary__contains=secret).exists()
    assert not Notification.objects.exists()

    # The serialised database: the text is in one row only, the item's, and nothing in that
    # row points at a person or an account.
    rows = [row for row in _database_as_json() if secret in json.dumps(row)]
    assert [row["model"] for row in rows] == ["projects.retroitem"]
    for field in RetroItem._meta.concrete_fields:
        if field.related_model in (Person, get_user_model()) or field.name == "created_at":
            assert rows[0]["fields"][field.name] is None, field.name
    assert member.user.username not in json.dumps(rows)
    # Sessions are stored encoded: look inside them too.
    for session in Session.objects.all():
        assert secret not in json.dumps(session.get_decoded())
    # No row refers to the item (a vote or a note would carry a person next to it).
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if field.related_model is RetroItem and model is not RetroItem:
                assert not model._default_manager.filter(**{field.name: item}).exists()
    # The participation is recorded (who took part, per department), with no time nor item.
    participant = RetroParticipant.objects.get()
    assert set(json.loads(serializers.serialize("json", [participant]))[0]["fields"]) == {
        "retrospective",
        "person",
        "department",
    }

    logged = caplog.text + " ".join(str(record.args) for record in caplog.records)
    assert member.user.username not in logged
    assert secret not in logged


def test_an_anonymous_item_shows_no_author_after_the_reveal(client, board, member, lead):
    add(board, member, "Quiet worry", anonymous=True)
    set_phase(board, RetroPhase.GROUP)
    client.force_login(lead.user)
    html = client.get(board_url(board)).content.decode()
    item_html = html[html.index("Quiet worry") :]
    item_html = item_html[: item_html.index("</li>")]
    assert "Anonymous" in item_html
    assert "Mo" not in item_html
    assert "Support" not in item_html


# Vote limits


def test_a_fourth_vote_is_refused_and_taking_one_back_frees_a_dot(client, board, member):
    first = add(board, member, "Handovers get lost")
    second = add(board, member, "Too many meetings")
    set_phase(board, RetroPhase.VOTE)
    client.force_login(member.user)
    vote = board_url(board, "projects:retro_vote", item_id=first.pk)
    for _dot in range(3):
        assert client.post(vote).status_code == 302
    response = client.post(board_url(board, "projects:retro_vote", item_id=second.pk))
    assert response.status_code == 302
    assert RetroVote.objects.filter(person=member).count() == 3
    assert not RetroVote.objects.filter(item=second).exists()

    client.post(board_url(board, "projects:retro_unvote", item_id=first.pk))
    assert RetroVote.objects.filter(person=member, item=first).count() == 2
    client.post(board_url(board, "projects:retro_vote", item_id=second.pk))
    assert RetroVote.objects.filter(person=member, item=second).count() == 1
    assert RetroVote.objects.filter(person=member).count() == 3


def test_votes_per_person_is_the_boards_own(client, board, member):
    Retrospective.objects.filter(pk=board.pk).update(votes_per_person=1)
    item = add(board, member, "Handovers get lost")
    set_phase(board, RetroPhase.VOTE)
    client.force_login(member.user)
    html = client.get(board_url(board)).content.decode()
    assert "Votes left: 1 of 1" in html
    url = board_url(board, "projects:retro_vote", item_id=item.pk)
    client.post(url)
    client.post(url)
    assert RetroVote.objects.filter(person=member).count() == 1


def test_merged_items_take_no_votes(client, board, member, facilitator):
    first = add(board, member, "Handovers get lost")
    duplicate = add(board, member, "Handover loses details")
    RetroItem.objects.filter(pk=duplicate.pk).update(merged_into=first)
    set_phase(board, RetroPhase.VOTE)
    client.force_login(member.user)
    response = client.post(board_url(board, "projects:retro_vote", item_id=duplicate.pk))
    assert response.status_code == 302
    assert not RetroVote.objects.exists()
    html = client.get(board_url(board)).content.decode()
    # Only the group has dot buttons; the duplicate sits inside it.
    assert html.count("+1 dot") == 1
