"""The load run behind `make bench`: people reading and writing at once while the app server
is restarted under them, and every write counted afterwards against what the clients sent.

Each client is one generated person with a session of their own, posting the same forms a
browser posts (CSRF token and all): check-ins on a metric shared with four colleagues, cheers
and comments on their project's wins, dot votes on a retrospective, and page reads between
them. The app server is reloaded (SIGHUP), stopped and started (SIGTERM), and killed outright
with its workers (SIGKILL) during the run.

What a client cannot know is counted as such. A request that never reached the server
(connection refused while it restarts) is sent again after a short pause. A request whose
answer was lost (the connection dropped after it was sent) may or may not have been committed:
every write carries its own marker (a comment's text, a check-in's value), so afterwards each
one is found at most once, and every acknowledged one exactly once. Check-ins are one per
metric and day, a second replacing the first with the old value kept in the metric's history:
the history is the ledger they are counted in.

Everything the run wrote is removed afterwards, so the pages measured by the next benchmark
see the same organisation.
"""

import http.client
import json
import random
import re
import signal
import statistics
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

from django.db.models import Count, Max
from django.urls import reverse
from django.utils import timezone

from .benchmark import _percentile as percentile
from .benchmark import database_label, session_cookie

MARKER = "[load-run"
PEOPLE_PER_PROJECT = 5
ITEMS_PER_RETRO = 4
# What a client does next, by weight: about half the requests read, half write.
ACTIONS = {"read": 45, "check_in": 15, "cheer": 20, "comment": 10, "vote": 10}
# Two workers serve fifty people: an answer may take a while and still come.
REQUEST_TIMEOUT_SECONDS = 120
RETRY_PAUSE_SECONDS = 0.2
# A check-in's value says who sent it and which of their check-ins it was: 1.CCSSSS (%).
VALUE_STEP = Decimal("0.000001")


# Plan: who the clients are and what they write to --------------------------------------------


@dataclass
class Seat:
    """One client: a member of a project, signed in, with the things they will write to."""

    index: int
    person_id: int
    cookie: str
    project_url: str
    metric_id: int
    check_in_url: str
    win_ids: list[int]
    retro_id: int
    item_ids: list[int]


@dataclass
class Plan:
    run_id: str
    day: object
    seats: list[Seat]
    reaction_ids: list[int]
    votes_per_person: int
    retro_ids: list[int]
    # What existed before the run, to tell its writes apart and to put things back after.
    last_change_pk: int = 0
    last_activity_pk: int = 0
    started_at: object = None
    check_ins_before: dict = field(default_factory=dict)
    cheers_before: set = field(default_factory=set)
    session_keys: list[str] = field(default_factory=list)

    @property
    def person_ids(self):
        return [seat.person_id for seat in self.seats]

    @property
    def metric_ids(self):
        return sorted({seat.metric_id for seat in self.seats})

    @property
    def win_ids(self):
        return sorted({win for seat in self.seats for win in seat.win_ids})


def prepare(clients, *, run_id=None):
    """Seats for `clients` people, five per generated project with a metric, wins and enough
    members, each project given a retrospective in its voting phase for the run."""
    from projects.demo_scale import SLUG_PREFIX
    from projects.models import (
        Activity,
        Membership,
        Metric,
        MetricChange,
        ProjectPage,
        Reaction,
        RetroFormat,
        RetroPhase,
        Visibility,
        Win,
    )
    from projects.retro_services import item_add, retro_create, retro_move

    run_id = run_id or timezone.now().strftime("%H%M%S")
    started_at = timezone.now()
    _remove_leftovers()
    needed = -(-clients // PEOPLE_PER_PROJECT)
    projects = list(
        ProjectPage.objects.live()
        .filter(slug__startswith=SLUG_PREFIX, visibility=Visibility.ORGANISATION)
        .annotate(
            member_total=Count("memberships", distinct=True),
            metric_total=Count("metrics", distinct=True),
        )
        .filter(member_total__gte=PEOPLE_PER_PROJECT, metric_total__gte=1)
        .filter(pk__in=Win.projects.through.objects.values("projectpage_id"))
        .order_by("pk")[:needed]
    )
    if len(projects) < needed:
        raise RuntimeError(f"The load run needs {needed} generated projects (seed_demo --scale).")
    # Before the run's own retrospectives: whatever comes after this is the run's.
    last_change_pk = MetricChange.objects.aggregate(last=Max("pk"))["last"] or 0
    last_activity_pk = Activity.objects.aggregate(last=Max("pk"))["last"] or 0
    retro_format = RetroFormat.objects.prefetch_related("columns").first()
    today = timezone.localdate()
    seats, retro_ids = [], []
    for project in projects:
        memberships = list(
            Membership.objects.filter(project=project)
            .select_related("person__user")
            .order_by("pk")[:PEOPLE_PER_PROJECT]
        )
        people = [membership.person for membership in memberships]
        metric = Metric.objects.filter(project=project).order_by("pk").first()
        win_ids = list(Win.objects.filter(projects=project).order_by("pk")[:3].values_list("pk"))
        retro = retro_create(
            projects=[project],
            facilitator=people[0],
            created_by=people[0],
            retro_format=retro_format,
            title=f"{MARKER} {run_id}] {project.title}",
            held_on=today,
            skip_review=True,
        )
        columns = list(retro.columns.all())
        item_ids = [
            item_add(
                retro=retro,
                person=people[number % len(people)],
                column=columns[number % len(columns)],
                text=f"{MARKER} {run_id}] item {number + 1}",
            ).pk
            for number in range(ITEMS_PER_RETRO)
        ]
        retro_move(retro=retro, to_phase=RetroPhase.VOTE)
        retro_ids.append(retro.pk)
        for person in people:
            if len(seats) == clients:
                break
            seats.append(
                Seat(
                    index=len(seats),
                    person_id=person.pk,
                    cookie=session_cookie(person.user),
                    project_url=project.url,
                    metric_id=metric.pk,
                    check_in_url=f"{project.url}metrics/{metric.pk}/check-in/",
                    win_ids=[pk for (pk,) in win_ids],
                    retro_id=retro.pk,
                    item_ids=item_ids,
                )
            )
    plan = Plan(
        run_id=run_id,
        day=today,
        seats=seats,
        reaction_ids=list(Reaction.objects.filter(is_offered=True).values_list("pk", flat=True)),
        votes_per_person=retro.votes_per_person,
        retro_ids=retro_ids,
        last_change_pk=last_change_pk,
        last_activity_pk=last_activity_pk,
        started_at=started_at,
    )
    _snapshot(plan)
    return plan


# What a replacing check-in changes, and the run puts back.
CHECK_IN_FIELDS = ["value", "note", "confidence", "author_id"]


def _remove_leftovers():
    """What a run stopped before it tidied up left behind, found by its marker."""
    from projects.models import CheckIn, Retrospective, WinComment

    Retrospective.objects.filter(title__startswith=MARKER).delete()
    WinComment.objects.filter(text__startswith=MARKER).delete()
    CheckIn.objects.filter(note__startswith=MARKER).delete()


def _snapshot(plan):
    from projects.models import CheckIn, Cheer

    plan.check_ins_before = {
        row.pop("metric_id"): row
        for row in CheckIn.objects.filter(metric__in=plan.metric_ids, day=plan.day).values(
            "metric_id", *CHECK_IN_FIELDS
        )
    }
    plan.cheers_before = set(
        Cheer.objects.filter(win__in=plan.win_ids, person__in=plan.person_ids).values_list(
            "win_id", "person_id", "reaction_id"
        )
    )
    plan.session_keys = [seat.cookie.split("=", 1)[1] for seat in plan.seats if "=" in seat.cookie]


# Clients --------------------------------------------------------------------------------------

OK, REFUSED, SERVER_ERROR, UNKNOWN = "ok", "refused", "server error", "unknown"


@dataclass
class Sent:
    """One request a client sent, and what became of it as far as the client knows."""

    kind: str
    outcome: str
    status: int = 0
    key: tuple = ()
    # check-ins: the value; cheers: the wanted state (1 or 0); votes: +1 or -1.
    effect: object = None
    milliseconds: float = 0.0
    # When the exchange ended (time.monotonic), to tell which restart lost its answer.
    ended_at: float = 0.0


class NotSent(Exception):
    """The server was not there: nothing reached it, so sending again is safe."""


class LoadClient(threading.Thread):
    def __init__(self, seat, plan, base_url, deadline, seed):
        super().__init__(name=f"load-client-{seat.index}", daemon=True)
        self.seat, self.plan, self.deadline = seat, plan, deadline
        address = urlsplit(base_url)
        self.host, self.port = address.hostname, address.port
        self.rng = random.Random(seed)  # noqa: S311 - a mix of actions, not a secret  # nosec B311
        self.cookies = {name: morsel.value for name, morsel in SimpleCookie(seat.cookie).items()}
        self.sent, self.resent = [], 0
        self.last_milliseconds = self.last_ended_at = 0.0
        self.sequence = 0
        self.dots = Counter()
        self.votes_uncertain = False
        self.failure = None

    # One exchange ---------------------------------------------------------------------------

    def exchange(self, method, path, form=None):
        """(status, headers); NotSent if no connection was made; (0, None) if the answer was
        lost after the request went out."""
        connection = http.client.HTTPConnection(
            self.host, self.port, timeout=REQUEST_TIMEOUT_SECONDS
        )
        try:
            try:
                connection.connect()
            except OSError as refused:
                raise NotSent from refused
            headers = {
                "Cookie": "; ".join(f"{name}={value}" for name, value in self.cookies.items()),
                "Accept-Language": "en",
            }
            body = None
            if form is not None:
                form = {"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **form}
                body = urlencode(form)
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            try:
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                response.read()
            except (OSError, http.client.HTTPException):
                return 0, None
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            return response.status, response.headers
        finally:
            connection.close()

    def send(self, method, path, form=None):
        """Send until the request reaches the server or the run is over (None: never sent)."""
        while form is not None and "csrftoken" not in self.cookies:
            # A browser has read a page with the form first, which set the CSRF cookie.
            if time.monotonic() >= self.deadline:
                return None
            self.read_page(reverse("projects:wins"))
        while time.monotonic() < self.deadline:
            started = time.perf_counter()
            try:
                status, _headers = self.exchange(method, path, form)
            except NotSent:
                self.resent += 1
                time.sleep(RETRY_PAUSE_SECONDS)
                continue
            self.last_milliseconds = (time.perf_counter() - started) * 1000
            self.last_ended_at = time.monotonic()
            return status
        return None

    def record(self, kind, status, key=(), effect=None):
        if status is None:
            return
        if status == 0:
            outcome = UNKNOWN
        elif status >= 500:
            outcome = SERVER_ERROR
        elif status >= 400:
            outcome = REFUSED
        else:
            outcome = OK
        self.sent.append(
            Sent(kind, outcome, status, key, effect, self.last_milliseconds, self.last_ended_at)
        )

    # The run --------------------------------------------------------------------------------

    def run(self):
        try:
            actions, weights = zip(*ACTIONS.items(), strict=True)
            while time.monotonic() < self.deadline:
                action = self.rng.choices(actions, weights)[0]
                getattr(self, action)()
        except Exception as error:  # reported with the results, never lost in a thread
            self.failure = repr(error)

    def read(self):
        seat = self.seat
        path = self.rng.choice(
            [
                seat.project_url,
                reverse("projects:wins"),
                reverse("projects:win", kwargs={"win_id": self.rng.choice(seat.win_ids)}),
                reverse("projects:retro", kwargs={"retro_id": seat.retro_id}),
            ]
        )
        self.read_page(path)

    def read_page(self, path):
        self.record("read", self.send("GET", path))

    def next_marker(self):
        self.sequence += 1
        return f"{MARKER} {self.plan.run_id}-{self.seat.index}-{self.sequence}]"

    def check_in(self):
        marker = self.next_marker()
        value = check_in_value(self.seat.index, self.sequence)
        form = {
            "value": str(value),
            "day": self.plan.day.isoformat(),
            "confidence": "medium",
            "note": f"{marker} measured under load",
        }
        status = self.send("POST", self.seat.check_in_url, form)
        self.record("check-in", status, key=(self.seat.metric_id, value))

    def cheer(self):
        win = self.rng.choice(self.seat.win_ids)
        reaction = self.rng.choice(self.plan.reaction_ids)
        wanted = 1 if self.rng.random() < 0.6 else 0
        path = reverse("projects:cheer", kwargs={"win_id": win, "reaction_id": reaction})
        key = (win, self.seat.person_id, reaction)
        # Now and then a double click: the same state posted twice must count once.
        for _click in range(2 if self.rng.random() < 0.2 else 1):
            self.record("cheer", self.send("POST", path, {"cheer": str(wanted)}), key, wanted)

    def comment(self):
        win = self.rng.choice(self.seat.win_ids)
        marker = self.next_marker()
        path = reverse("projects:comment", kwargs={"win_id": win})
        status = self.send("POST", path, {"text": f"{marker} Well done, all!"})
        self.record("comment", status, key=(marker,))

    def vote(self):
        if self.votes_uncertain:
            # After a lost answer this client no longer knows its dots: it stops voting.
            return self.read()
        item = self.rng.choice(self.seat.item_ids)
        if sum(self.dots.values()) < self.plan.votes_per_person:
            name, effect = "projects:retro_vote", 1
        else:
            item = self.rng.choice([voted for voted, dots in self.dots.items() if dots])
            name, effect = "projects:retro_unvote", -1
        path = reverse(name, kwargs={"retro_id": self.seat.retro_id, "item_id": item})
        status = self.send("POST", path, {})
        key = (self.seat.person_id, item)
        self.record("vote", status, key, effect)
        if status is not None and 200 <= status < 400:
            self.dots[item] += effect
        elif status == 0:
            self.votes_uncertain = True
        return None


def check_in_value(client_index, sequence):
    """1 + client/100 + sequence/1,000,000 (%): unique per check-in for up to 9,999 each."""
    return 1 + client_index * Decimal("0.01") + sequence * VALUE_STEP


# Restarts -------------------------------------------------------------------------------------

RESTARTS = [
    (signal.SIGHUP, "graceful reload of the workers (SIGHUP)"),
    (signal.SIGTERM, "graceful stop of the server, then a new one (SIGTERM)"),
    (signal.SIGKILL, "server and workers killed (SIGKILL), then a new one"),
]


def restart(server, how):
    if how == signal.SIGHUP:
        server.reload()
    else:
        server.stop(how)
        server.start()


# Results --------------------------------------------------------------------------------------


@dataclass
class Tally:
    """One kind of request: what the clients saw, and what the database holds afterwards."""

    kind: str
    sent: int = 0
    acknowledged: int = 0
    refused: int = 0
    unknown: int = 0
    server_errors: int = 0
    committed: int | None = None
    lost: int = 0
    extra: int = 0
    median_ms: float = 0.0
    p95_ms: float = 0.0
    # Writes found by their marker: how many whose answer was lost were committed all the same.
    unknown_committed: int | None = None


@dataclass
class LoadRunResult:
    clients: int
    seconds: float
    database: str
    restarts: list[str] = field(default_factory=list)
    tallies: list[Tally] = field(default_factory=list)
    resent: int = 0
    client_failures: list[str] = field(default_factory=list)

    @property
    def passed(self):
        # A run in which no write got an answer proves nothing: it does not pass either.
        writes = [tally for tally in self.tallies if tally.committed is not None]
        return (
            not self.client_failures
            and any(tally.acknowledged for tally in writes)
            and not any(tally.server_errors or tally.lost or tally.extra for tally in self.tallies)
        )

    def as_dict(self):
        return asdict(self) | {"passed": self.passed}

    def markdown_lines(self):
        lines = [
            "",
            f"## Load run: {self.clients} people reading and writing for {self.seconds:.0f} s",
            "",
            "| Requests | Sent | Acknowledged | Refused (4xx) | Answer lost | 5xx "
            "| In the database | Lost | Duplicated or unexpected | Median ms | p95 ms |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for tally in self.tallies:
            committed = "" if tally.committed is None else tally.committed
            lines.append(
                f"| {tally.kind} | {tally.sent} | {tally.acknowledged} | {tally.refused} "
                f"| {tally.unknown} | {tally.server_errors} | {committed} | {tally.lost} "
                f"| {tally.extra} | {tally.median_ms} | {tally.p95_ms} |"
            )
        lines += [""]
        lines += [f"- Restarted during the run: {restart}." for restart in self.restarts]
        lines.append(
            f"- Requests sent again because the server was not there: {self.resent}. "
            "An answer lost after the request went out is not sent again; the write is "
            "looked for by its marker instead."
        )
        marked = [tally for tally in self.tallies if tally.unknown_committed is not None]
        if any(tally.unknown for tally in marked):
            lines.append(
                "- Writes whose answer was lost but which were committed all the same (each "
                "found once by its marker): "
                + ", ".join(
                    f"{tally.kind} {tally.unknown_committed} of {tally.unknown}" for tally in marked
                )
                + "."
            )
        lines += [f"- A client failed: {failure}" for failure in self.client_failures]
        verdict = "passed" if self.passed else "**failed**"
        lines.append(
            f"- Writes acknowledged, zero 5xx, zero lost and zero duplicated writes: {verdict}."
        )
        return lines


def write_result(result, folder):
    """The load run on its own (`bench --load-run-only`), beside the full benchmark's files."""
    folder.mkdir(parents=True, exist_ok=True)
    text = "\n".join(result.markdown_lines()).lstrip() + "\n"
    (folder / "load-run.md").write_text(text)
    (folder / "load-run.json").write_text(json.dumps(result.as_dict(), indent=2))
    return text


def reconcile(expected, committed):
    """(lost, extra): rows missing from, or beyond, what each key should have.

    `expected` maps a key to the (fewest, most) rows it may have: (1, 1) for an acknowledged
    write, (0, 1) when its answer was lost, (0, 0) for a refused one; `committed` counts the
    rows found per key. Keys found but never sent count as extra.
    """
    lost = extra = 0
    for key in expected.keys() | committed.keys():
        fewest, most = expected.get(key, (0, 0))
        found = committed.get(key, 0)
        lost += max(0, fewest - found)
        extra += max(0, found - most)
    return lost, extra


def expected_marks(sent):
    """Writes found by their own marker (comments, check-ins): each at most once."""
    bounds = {OK: (1, 1), UNKNOWN: (0, 1), REFUSED: (0, 0), SERVER_ERROR: (0, 1)}
    return {request.key: bounds[request.outcome] for request in sent}


def expected_states(sent, before):
    """Cheers: each key ends as its last acknowledged request wanted it, or as it was before
    the run if none was; a lost answer leaves it open until a later acknowledged one."""
    expected = dict.fromkeys(before, (1, 1))
    for request in sent:
        if request.outcome == OK:
            expected[request.key] = (request.effect, request.effect)
        elif request.outcome in (UNKNOWN, SERVER_ERROR):
            expected[request.key] = (0, 1)
    return expected


def expected_dots(sent, votes_per_person):
    """Votes: acknowledged dots added and taken back per item; a person whose answer was lost
    may have anything from none to all their dots on each item."""
    dots, uncertain = Counter(), set()
    for request in sent:
        person, _item = request.key
        if request.outcome == OK:
            dots[request.key] += request.effect
        elif request.outcome in (UNKNOWN, SERVER_ERROR):
            uncertain.add(person)
    return {
        key: (0, votes_per_person) if key[0] in uncertain else (count, count)
        for key, count in dots.items()
    }


def committed_writes(plan):
    """What the database holds of the run's writes, per kind, counted per key."""
    from projects.models import CheckIn, Cheer, MetricChange, RetroVote, WinComment

    marker = re.compile(re.escape(MARKER) + r" [^\]]+\]")
    comments = Counter(
        (marker.match(text).group(0),)
        for text in WinComment.objects.filter(
            win__in=plan.win_ids, text__startswith=f"{MARKER} {plan.run_id}-"
        ).values_list("text", flat=True)
    )
    cheers = Counter(
        Cheer.objects.filter(win__in=plan.win_ids, person__in=plan.person_ids).values_list(
            "win_id", "person_id", "reaction_id"
        )
    )
    votes = Counter()
    for person, item in RetroVote.objects.filter(retrospective__in=plan.retro_ids).values_list(
        "person_id", "item_id"
    ):
        votes[(person, item)] += 1
    # Check-ins: the day's first value, then each replacement's, from the metric's history.
    changes = MetricChange.objects.filter(
        metric__in=plan.metric_ids,
        field=f"check-in {plan.day.isoformat()}",
        pk__gt=plan.last_change_pk,
    ).order_by("pk")
    history = {}
    for change in changes:
        history.setdefault(change.metric_id, []).append(change)
    check_ins = Counter()
    for metric_id, value in CheckIn.objects.filter(
        metric__in=plan.metric_ids, day=plan.day
    ).values_list("metric_id", "value"):
        replaced = history.get(metric_id, [])
        if metric_id not in plan.check_ins_before:
            first = replaced[0].old_value if replaced else value
            check_ins[(metric_id, _decimal(first))] += 1
        for change in replaced:
            check_ins[(metric_id, _decimal(change.new_value))] += 1
    return {"check-in": check_ins, "cheer": cheers, "comment": comments, "vote": votes}


def _decimal(value):
    # Decimals equal in value are equal keys, whatever their exponent: 1.03 and 1.030000.
    return Decimal(str(value))


def answers_lost_by_restart(sent, moments):
    """How many answers each restart lost: those whose connection dropped after it began (and
    before the next one began)."""
    lost = [0] * len(moments)
    for request in sent:
        if request.outcome == UNKNOWN:
            begun = [number for number, moment in enumerate(moments) if moment <= request.ended_at]
            if begun:
                lost[begun[-1]] += 1
    return lost


def tally(plan, sent):
    """Per kind of request: what the clients saw beside what the database holds."""
    committed = committed_writes(plan)
    expectations = {
        "check-in": expected_marks,
        "comment": expected_marks,
        "cheer": lambda requests: expected_states(requests, plan.cheers_before),
        "vote": lambda requests: expected_dots(requests, plan.votes_per_person),
    }
    tallies = []
    for kind in ["read", "check-in", "cheer", "comment", "vote"]:
        requests = [request for request in sent if request.kind == kind]
        outcomes = Counter(request.outcome for request in requests)
        answered = [request.milliseconds for request in requests if request.outcome != UNKNOWN]
        result = Tally(
            kind=kind,
            sent=len(requests),
            acknowledged=outcomes[OK],
            refused=outcomes[REFUSED],
            unknown=outcomes[UNKNOWN],
            server_errors=outcomes[SERVER_ERROR],
            median_ms=round(statistics.median(answered), 1) if answered else 0.0,
            p95_ms=round(percentile(answered, 95), 1) if answered else 0.0,
        )
        if kind in expectations:
            found = committed[kind]
            result.lost, result.extra = reconcile(expectations[kind](requests), found)
            if expectations[kind] is expected_marks:
                result.unknown_committed = sum(
                    1 for r in requests if r.outcome == UNKNOWN and found.get(r.key, 0)
                )
            result.committed = sum(found.values())
        tallies.append(result)
    return tallies


# The whole run --------------------------------------------------------------------------------


def run(plan, *, base_url, duration, server=None, seed=20261123):
    """The plan's clients against `base_url` for `duration` seconds; given the `server` (a
    running benchmark.Gunicorn), it is restarted three times during the run."""
    started = time.monotonic()
    deadline = started + duration
    clients = [LoadClient(seat, plan, base_url, deadline, seed + seat.index) for seat in plan.seats]
    for client in clients:
        client.start()
    done = []
    if server is not None:
        for number, (how, description) in enumerate(RESTARTS, start=1):
            moment = started + duration * number / (len(RESTARTS) + 1)
            time.sleep(max(0.0, moment - time.monotonic()))
            restart(server, how)
            done.append((description, moment))
    for client in clients:
        client.join(timeout=duration + REQUEST_TIMEOUT_SECONDS * 2)
    sent = [request for client in clients for request in client.sent]
    return LoadRunResult(
        clients=len(clients),
        seconds=round(time.monotonic() - started, 1),
        database=database_label(),
        restarts=[
            f"{description} at {moment - started:.0f} s: {lost} answers lost"
            for (description, moment), lost in zip(
                done, answers_lost_by_restart(sent, [moment for _, moment in done]), strict=True
            )
        ],
        tallies=tally(plan, sent),
        resent=sum(client.resent for client in clients),
        client_failures=[
            f"client {client.seat.index}: {client.failure}" for client in clients if client.failure
        ],
    )


def tidy(plan):
    """Remove what the run wrote and put back the cheers it changed."""
    from django.contrib.sessions.models import Session
    from django.db import transaction
    from django_tasks_db.models import DBTaskResult

    from projects.models import (
        Activity,
        CheckIn,
        Cheer,
        MetricChange,
        Retrospective,
        WinComment,
    )

    with transaction.atomic():
        Retrospective.objects.filter(pk__in=plan.retro_ids).delete()
        WinComment.objects.filter(
            win__in=plan.win_ids, text__startswith=f"{MARKER} {plan.run_id}-"
        ).delete()
        MetricChange.objects.filter(metric__in=plan.metric_ids, pk__gt=plan.last_change_pk).delete()
        CheckIn.objects.filter(metric__in=plan.metric_ids, day=plan.day).exclude(
            metric__in=list(plan.check_ins_before)
        ).delete()
        for metric_id, row in plan.check_ins_before.items():
            CheckIn.objects.filter(metric=metric_id, day=plan.day).update(**row)
        Activity.objects.filter(pk__gt=plan.last_activity_pk, actor__in=plan.person_ids).delete()
        now = set(
            Cheer.objects.filter(win__in=plan.win_ids, person__in=plan.person_ids).values_list(
                "win_id", "person_id", "reaction_id"
            )
        )
        for win, person, reaction in now - plan.cheers_before:
            Cheer.objects.filter(win=win, person=person, reaction=reaction).delete()
        Cheer.objects.bulk_create(
            Cheer(win_id=win, person_id=person, reaction_id=reaction)
            for win, person, reaction in plan.cheers_before - now
        )
        Session.objects.filter(session_key__in=plan.session_keys).delete()
        # Search index updates the run's retrospectives queued, for a worker that never runs.
        DBTaskResult.objects.filter(enqueued_at__gte=plan.started_at).delete()
