"""The load run of `make bench`: how it counts writes, how its clients tell a request that
never left from one whose answer was lost, and a short run against a live server."""

import json
import socket
import threading
import time
from collections import Counter
from decimal import Decimal

import pytest

from commonground.benchmark import Report, markdown
from commonground.loadrun import (
    MARKER,
    OK,
    REFUSED,
    UNKNOWN,
    LoadClient,
    LoadRunResult,
    NotSent,
    Seat,
    Sent,
    Tally,
    answers_lost_by_restart,
    check_in_value,
    expected_dots,
    expected_marks,
    expected_states,
    prepare,
    reconcile,
    run,
    tidy,
)
from commonground.loadrun import tally as tally_of
from projects.models import Cheer, MetricChange, Retrospective, RetroVote, WinComment
from tests.factories import WinCommentFactory
from tests.projects.test_demo_scale import TINY

# Counting ------------------------------------------------------------------------------------


def comment(key, outcome):
    return Sent("comment", outcome, key=(key,))


def test_every_acknowledged_write_found_once_is_a_clean_count():
    sent = [comment("a", OK), comment("b", OK)]

    assert reconcile(expected_marks(sent), Counter({("a",): 1, ("b",): 1})) == (0, 0)


def test_an_acknowledged_write_missing_from_the_database_is_lost():
    sent = [comment("a", OK), comment("b", OK)]

    assert reconcile(expected_marks(sent), Counter({("a",): 1})) == (1, 0)


def test_a_write_found_twice_is_a_duplicate():
    sent = [comment("a", OK)]

    assert reconcile(expected_marks(sent), Counter({("a",): 2})) == (0, 1)


def test_a_lost_answer_may_or_may_not_have_been_committed_but_only_once():
    sent = [comment("a", UNKNOWN), comment("b", UNKNOWN)]
    expected = expected_marks(sent)

    assert reconcile(expected, Counter({("a",): 1})) == (0, 0)
    assert reconcile(expected, Counter({("a",): 2})) == (0, 1)


def test_a_refused_write_or_one_never_sent_must_not_be_there():
    sent = [comment("a", REFUSED)]

    assert reconcile(expected_marks(sent), Counter({("a",): 1, ("z",): 1})) == (0, 2)


def cheer(key, wanted, outcome=OK):
    return Sent("cheer", outcome, key=key, effect=wanted)


def test_a_cheer_ends_as_the_last_acknowledged_request_wanted_it():
    sent = [cheer("k", 1), cheer("k", 1), cheer("k", 0), cheer("j", 1, REFUSED)]
    expected = expected_states(sent, before=set())

    assert reconcile(expected, Counter()) == (0, 0)
    assert reconcile(expected, Counter({"k": 1})) == (0, 1)


def test_cheers_nobody_touched_stay_as_they_were():
    expected = expected_states([cheer("k", 1)], before={"old"})

    assert reconcile(expected, Counter({"k": 1})) == (1, 0)
    assert reconcile(expected, Counter({"k": 1, "old": 1})) == (0, 0)


def test_a_lost_answer_leaves_a_cheer_open_until_the_next_acknowledged_one():
    open_ended = expected_states([cheer("k", 1), cheer("k", 0, UNKNOWN)], before=set())
    settled = expected_states([cheer("k", 1, UNKNOWN), cheer("k", 0)], before=set())

    assert reconcile(open_ended, Counter({"k": 1})) == (0, 0)
    assert reconcile(open_ended, Counter()) == (0, 0)
    assert reconcile(settled, Counter({"k": 1})) == (0, 1)


def vote(person, item, effect, outcome=OK):
    return Sent("vote", outcome, key=(person, item), effect=effect)


def test_dots_are_counted_per_person_and_item():
    sent = [vote(1, 10, 1), vote(1, 10, 1), vote(1, 11, 1), vote(1, 10, -1)]
    expected = expected_dots(sent, votes_per_person=3)

    assert reconcile(expected, Counter({(1, 10): 1, (1, 11): 1})) == (0, 0)
    assert reconcile(expected, Counter({(1, 10): 2, (1, 11): 1})) == (0, 1)
    assert reconcile(expected, Counter({(1, 11): 1})) == (1, 0)


def test_after_a_lost_answer_a_persons_dots_are_only_bounded():
    sent = [vote(1, 10, 1), vote(1, 11, 1, UNKNOWN), vote(2, 10, 1)]
    expected = expected_dots(sent, votes_per_person=3)

    assert reconcile(expected, Counter({(1, 10): 3, (2, 10): 1})) == (0, 0)
    assert reconcile(expected, Counter({(1, 10): 4, (2, 10): 1})) == (0, 1)
    assert reconcile(expected, Counter({(1, 10): 3})) == (1, 0)


def test_a_lost_answer_is_put_down_to_the_restart_under_way_when_the_connection_dropped():
    sent = [
        Sent("read", UNKNOWN, ended_at=5.0),  # before any restart: a timeout, not a restart
        Sent("comment", UNKNOWN, ended_at=11.0),
        Sent("vote", UNKNOWN, ended_at=25.0),
        Sent("read", OK, ended_at=26.0),
    ]

    assert answers_lost_by_restart(sent, [10.0, 20.0]) == [1, 1]


def test_check_in_values_are_unique_per_client_and_request():
    values = {check_in_value(client, sequence) for client in range(50) for sequence in range(500)}

    assert len(values) == 50 * 500
    assert check_in_value(3, 12) == Decimal("1.030012")
    assert max(values) < 100  # a percentage


def test_the_report_fails_the_run_on_a_lost_write_and_shows_it_in_the_benchmark():
    lost_one = Tally("comment", sent=3, acknowledged=3, committed=2, lost=1)
    result = LoadRunResult(50, 30.0, "postgresql (bench)", tallies=[lost_one])
    report = Report("postgresql (bench)", "quick")
    report.load_run = result

    table = markdown(report)

    assert not result.passed
    assert json.loads(json.dumps(result.as_dict()))["passed"] is False
    assert "| comment | 3 | 3 | 0 | 0 | 0 | 2 | 1 | 0 | 0.0 | 0.0 |" in table
    assert "zero lost and zero duplicated writes: **failed**." in table
    clean = Tally("comment", sent=3, acknowledged=3, committed=3)
    assert LoadRunResult(50, 30.0, "x", tallies=[clean]).passed
    # Nothing acknowledged: nothing was shown, so the run does not pass.
    unanswered = Tally("comment", sent=3, unknown=3, committed=0)
    assert not LoadRunResult(50, 30.0, "x", tallies=[unanswered]).passed


# The client's view of a request -------------------------------------------------------------


def client_for(port):
    seat = Seat(0, 1, "sessionid=x", "/", 1, "/", [1], 1, [1])
    return LoadClient(seat, plan=None, base_url=f"http://127.0.0.1:{port}", deadline=0, seed=1)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_refused_connection_means_the_request_never_left():
    with pytest.raises(NotSent):
        client_for(free_port()).exchange("POST", "/wins/1/comments/", {"text": "hi"})


def test_a_connection_dropped_after_sending_is_an_unknown_outcome():
    listener = socket.create_server(("127.0.0.1", 0))
    received = []

    def hang_up():
        connection, _ = listener.accept()
        received.append(connection.recv(4096))
        connection.close()

    thread = threading.Thread(target=hang_up)
    thread.start()
    try:
        port = listener.getsockname()[1]
        answer = client_for(port).exchange("POST", "/wins/1/comments/", {"text": "hi"})
    finally:
        thread.join()
        listener.close()

    assert answer == (0, None)
    assert received[0].startswith(b"POST /wins/1/comments/")


# A short run against a live server ----------------------------------------------------------


@pytest.fixture
def generated_org(pristine_database):
    from projects.demo_scale import seed_scale

    seed_scale(TINY, log=lambda line: None)


def test_five_people_for_three_seconds_lose_and_duplicate_nothing(generated_org, live_server):
    cheers_before = set(Cheer.objects.values_list("win", "person", "reaction"))
    leftover = WinCommentFactory(text=f"{MARKER} crashed-1-1] left by a run that never tidied")
    plan = prepare(5, run_id="test")
    assert not WinComment.objects.filter(pk=leftover.pk).exists()

    result = run(plan, base_url=live_server.url, duration=3)

    tallies = {tally.kind: tally for tally in result.tallies}
    assert result.client_failures == []
    assert result.passed
    assert sum(tally.acknowledged for tally in result.tallies) > 10
    writes = ["check-in", "cheer", "comment", "vote"]
    assert sum(tallies[kind].acknowledged for kind in writes) > 0
    assert all(tally.server_errors == 0 and tally.unknown == 0 for tally in result.tallies)
    # Without restarts every answer came: what was acknowledged is exactly what is there.
    assert tallies["comment"].committed == tallies["comment"].acknowledged
    assert (
        WinComment.objects.filter(text__startswith=MARKER).count() == tallies["comment"].committed
    )
    assert "zero lost and zero duplicated writes: passed." in result.markdown_lines()[-1]

    tidy(plan)

    assert not WinComment.objects.filter(text__startswith=MARKER).exists()
    assert not Retrospective.objects.filter(pk__in=plan.retro_ids).exists()
    assert not RetroVote.objects.filter(retrospective__in=plan.retro_ids).exists()
    assert set(Cheer.objects.values_list("win", "person", "reaction")) == cheers_before


def test_a_write_removed_behind_the_clients_back_is_reported_lost(generated_org, live_server):
    plan = prepare(1, run_id="drop")
    client = LoadClient(plan.seats[0], plan, live_server.url, time.monotonic() + 60, seed=1)
    for _ in range(3):
        client.comment()
        client.check_in()
    client.vote()
    assert {request.outcome for request in client.sent} == {OK}
    assert all(tally.lost == tally.extra == 0 for tally in tally_of(plan, client.sent))

    WinComment.objects.filter(text__startswith=MARKER).first().delete()
    MetricChange.objects.filter(metric=plan.seats[0].metric_id).order_by("pk").last().delete()
    RetroVote.objects.filter(retrospective__in=plan.retro_ids).delete()
    counted = {found.kind: found for found in tally_of(plan, client.sent)}

    assert (counted["comment"].lost, counted["check-in"].lost, counted["vote"].lost) == (1, 1, 1)
    tidy(plan)
