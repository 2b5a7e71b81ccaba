"""A generated organisation at scale, for the benchmark: `seed_demo --scale large|quick`.

Everything is made with bulk inserts from a seeded random generator, so two runs on an empty
database build the same organisation. Only the project pages go one by one: Wagtail's page
tree (materialised paths, the page's own table beside its type's table) has no bulk insert.
The generated organisation sits beside the hand-written demo and is recognised by its
department slugs, so a second run reuses it instead of adding another.
"""

import datetime
import logging
import random
from dataclasses import dataclass
from decimal import Decimal
from itertools import islice

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from intranet.models import HomePage
from intranet.planner_statistics import refresh_planner_statistics
from organisation.models import Department, Person

from .models import (
    CheckIn,
    Cheer,
    Confidence,
    Direction,
    Health,
    Membership,
    Metric,
    MetricUnit,
    ProjectIndexPage,
    ProjectPage,
    ProjectStatus,
    Reaction,
    RetroColumn,
    RetroFormat,
    RetroItem,
    RetroParticipant,
    RetroPhase,
    Retrospective,
    RetroVote,
    Role,
    StatusUpdate,
    UpdateCadence,
    Visibility,
    Win,
    WinComment,
    WinCredit,
)

SLUG_PREFIX = "gen-"
BATCH = 2_000


@dataclass(frozen=True)
class Scale:
    """How much to generate. Per-project figures are averages the totals divide evenly into."""

    departments: int
    people: int
    projects: int
    metrics_per_project: int
    check_ins_per_metric: int
    wins_per_project: int
    updates_per_project: int
    retros_per_project: int
    items_per_retro: int

    @property
    def totals(self):
        return {
            "departments": self.departments,
            "people": self.people,
            "projects": self.projects,
            "metrics": self.projects * self.metrics_per_project,
            "check_ins": self.projects * self.metrics_per_project * self.check_ins_per_metric,
            "wins": self.projects * self.wins_per_project,
            "status_updates": self.projects * self.updates_per_project,
            "retrospectives": self.projects * self.retros_per_project,
            "retro_items": self.projects * self.retros_per_project * self.items_per_retro,
        }


# 50 departments, 5,000 people, 1,000 projects, 5,000 metrics with 1,000,000 check-ins,
# 50,000 wins, 20,000 status updates, 2,000 retrospectives with 60,000 items.
LARGE = Scale(50, 5_000, 1_000, 5, 200, 50, 20, 2, 30)
# A tenth of every count; the departments too, but never fewer than a joint project needs.
QUICK = Scale(10, 500, 100, 5, 200, 50, 20, 2, 30)
SCALES = {"large": LARGE, "quick": QUICK}

FUNCTIONS = [
    "Customer Support",
    "Sales",
    "Marketing",
    "Engineering",
    "Product",
    "Finance",
    "Operations",
    "HR",
    "Legal",
    "Data & Analytics",
]
REGIONS = ["North", "South", "East", "West", "Central"]
FIRST_NAMES = [
    "Aino", "Eero", "Helmi", "Juho", "Kaisa", "Lauri", "Mirja", "Niko", "Oona", "Pekka",
    "Riikka", "Sami", "Tiina", "Ville", "Anna", "Ben", "Chloe", "David", "Ella", "Farid",
    "Grace", "Hugo", "Ines", "Jonas", "Kofi", "Lena", "Malik", "Nora", "Omar", "Priya",
]  # fmt: skip
LAST_NAMES = [
    "Virtanen", "Korhonen", "Mäkinen", "Nieminen", "Hämäläinen", "Laine", "Heikkinen",
    "Koskinen", "Järvinen", "Lehtonen", "Smith", "García", "Okafor", "Müller", "Rossi",
    "Dubois", "Kowalski", "Svensson", "Novak", "Tanaka",
]  # fmt: skip
TOPICS = [
    "onboarding", "renewals", "invoicing", "pricing", "churn", "handovers", "forecasting",
    "self-service", "response times", "documentation", "hiring", "quality", "returns",
]  # fmt: skip


def generated_departments():
    return Department.objects.filter(slug__startswith=SLUG_PREFIX)


def seed_scale(scale, *, password=None, today=None, log=print):
    """Build the generated organisation unless it exists; returns the totals created (or found).

    Generated people log in with `password` when one is given (development), else not at all.
    """
    if generated_departments().exists():
        log("The generated organisation exists already: reusing it.")
        refresh_planner_statistics()
        return {"reused": True, **scale.totals}
    today = today or timezone.localdate()
    # A fixed seed, not secrets: the same organisation each time, so benchmarks compare.
    rng = random.Random(20261123)  # noqa: S311 - demo data, not secrets  # nosec B311
    generator = _Generator(scale, today, rng, log)
    # Hashed once: hashing a password for each of 5,000 people would take minutes.
    generator.password = make_password(password)
    generator.run()
    # A million rows arrived at once: the query planner must know before the first search.
    refresh_planner_statistics()
    return {"reused": False, **scale.totals}


def _batched(iterable, size=BATCH):
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk


class _Generator:
    def __init__(self, scale, today, rng, log):
        self.scale, self.today, self.rng, self.log = scale, today, rng, log

    def run(self):
        steps = [
            self.departments_and_people,
            self.projects,
            self.memberships,
            self.metrics,
            self.check_ins,
            self.wins,
            self.status_updates,
            self.retrospectives,
        ]
        # One log line per page would bury the progress lines under 1,000 others.
        wagtail_log = logging.getLogger("wagtail")
        level = wagtail_log.level
        wagtail_log.setLevel(logging.WARNING)
        try:
            for step in steps:
                started = timezone.now()
                with transaction.atomic():
                    step()
                seconds = (timezone.now() - started).total_seconds()
                self.log(f"  {step.__name__.replace('_', ' ')}: {seconds:.1f} s")
        finally:
            wagtail_log.setLevel(level)

    # Organisation -------------------------------------------------------------------------

    def departments_and_people(self):
        names = [f"{function} {region}" for region in REGIONS for function in FUNCTIONS]
        self.department_list = Department.objects.bulk_create(
            Department(
                name=name,
                slug=SLUG_PREFIX + slugify(name),
                colour=f"#{self.rng.randrange(0x202020, 0xB0B0B0):06x}",
                description=f"Generated for the benchmark: the {name} team.",
            )
            for name in names[: self.scale.departments]
        )
        users = get_user_model().objects.bulk_create(
            get_user_model()(
                username=f"gen{number:05d}",
                first_name=self.rng.choice(FIRST_NAMES),
                last_name=self.rng.choice(LAST_NAMES),
                email=f"gen{number:05d}@example.org",
                password=self.password,
                date_joined=timezone.now() - datetime.timedelta(days=self.rng.randrange(2000)),
            )
            for number in range(self.scale.people)
        )
        people = Person.objects.bulk_create(
            (
                Person(
                    user=user,
                    department=self.department_list[number % len(self.department_list)],
                    job_title=f"Specialist, {self.rng.choice(TOPICS)}",
                )
                for number, user in enumerate(users)
            ),
            batch_size=BATCH,
        )
        self.people_by_department = {department.pk: [] for department in self.department_list}
        for person in people:
            self.people_by_department[person.department_id].append(person)

    # Projects -----------------------------------------------------------------------------

    def projects(self):
        home = HomePage.objects.get(sites_rooted_here__is_default_site=True)
        index = ProjectIndexPage.objects.child_of(home).first()
        if index is None:
            index = home.add_child(instance=ProjectIndexPage(title="Projects", slug="projects"))
        statuses = [ProjectStatus.ACTIVE] * 6 + [ProjectStatus.PAUSED, ProjectStatus.PROPOSED]
        statuses += [ProjectStatus.COMPLETED] * 2
        self.project_list, self.project_status = [], {}
        for number in range(self.scale.projects):
            topic = self.rng.choice(TOPICS)
            project = ProjectPage(
                title=f"Better {topic} #{number + 1}",
                slug=f"{SLUG_PREFIX}project-{number + 1}",
                purpose=f"Fix {topic} together, end to end.",
                status=ProjectStatus.PROPOSED,  # active once members from two departments join
                visibility=Visibility.MEMBERS if number % 10 == 9 else Visibility.ORGANISATION,
                start_date=self.today - datetime.timedelta(days=self.rng.randrange(60, 400)),
                target_date=self.today + datetime.timedelta(days=self.rng.randrange(30, 300)),
                update_cadence=self.rng.choice(
                    [UpdateCadence.WEEKLY, UpdateCadence.FORTNIGHTLY, UpdateCadence.MONTHLY]
                ),
                next_update_due=self.today + datetime.timedelta(days=self.rng.randrange(-10, 20)),
            )
            index.add_child(instance=project)
            self.project_list.append(project)
            self.project_status[project.pk] = self.rng.choice(statuses)

    def memberships(self):
        memberships, self.team = [], {}
        for project in self.project_list:
            departments = self.rng.sample(
                self.department_list, min(len(self.department_list), self.rng.randint(2, 6))
            )
            size = max(self.rng.randint(5, 30), len(departments))
            chosen = {}
            for position in range(size):
                department = departments[position % len(departments)]
                person = self.rng.choice(self.people_by_department[department.pk])
                chosen.setdefault(person.pk, (person, department))
            team = list(chosen.values())
            self.team[project.pk] = team
            for position, (person, department) in enumerate(team):
                role = (
                    Role.LEAD if position == 0 else Role.SPONSOR if position == 1 else Role.MEMBER
                )
                memberships.append(
                    Membership(
                        project=project,
                        person=person,
                        department=department,
                        role=role,
                        whats_in_it_for_my_team=(
                            f"Fewer {self.rng.choice(TOPICS)} surprises for {department.name}."
                            if position % 4 == 0
                            else ""
                        ),
                    )
                )
        Membership.objects.bulk_create(memberships, batch_size=BATCH)
        for status in ProjectStatus.values:
            ProjectPage.objects.filter(
                pk__in=[pk for pk, chosen in self.project_status.items() if chosen == status]
            ).update(status=status)

    # Metrics ------------------------------------------------------------------------------

    def metrics(self):
        days = self.scale.check_ins_per_metric
        metrics, self.metric_team = [], []
        for project in self.project_list:
            team = self.team[project.pk]
            for number in range(self.scale.metrics_per_project):
                baseline = Decimal(self.rng.randrange(20, 80))
                direction = self.rng.choice([Direction.INCREASE, Direction.DECREASE])
                step = Decimal(self.rng.randrange(5, 25))
                metrics.append(
                    Metric(
                        project=project,
                        name=f"{self.rng.choice(TOPICS).capitalize()} score {number + 1}",
                        definition="Generated for the benchmark.",
                        unit=MetricUnit.PERCENT,
                        direction=direction,
                        baseline_value=baseline,
                        baseline_date=self.today - datetime.timedelta(days=days + 10),
                        target_value=baseline + step
                        if direction == Direction.INCREASE
                        else baseline - step,
                        target_date=self.today + datetime.timedelta(days=90),
                        created_by=team[0][0],
                        agreed_at=timezone.now(),
                    )
                )
                self.metric_team.append(team)
        self.metric_list = Metric.objects.bulk_create(metrics, batch_size=BATCH)
        owners = Metric.owning_departments.through
        owner_rows = []
        for metric, team in zip(self.metric_list, self.metric_team, strict=True):
            departments = {department.pk for _, department in team}
            for department_id in self.rng.sample(sorted(departments), min(2, len(departments))):
                owner_rows.append(owners(metric_id=metric.pk, department_id=department_id))
        owners.objects.bulk_create(owner_rows, batch_size=BATCH)

    def check_ins(self):
        days = self.scale.check_ins_per_metric
        confidences = [Confidence.LOW, Confidence.MEDIUM, Confidence.HIGH]
        self.last_check_in = {}

        def rows():
            for metric, team in zip(self.metric_list, self.metric_team, strict=True):
                value = float(metric.baseline_value)
                drift = 0.05 if metric.direction == Direction.INCREASE else -0.05
                for day in range(days):
                    value += drift + self.rng.uniform(-0.4, 0.4)
                    yield CheckIn(
                        metric=metric,
                        day=metric.baseline_date + datetime.timedelta(days=day + 1),
                        value=Decimal(f"{value:.2f}"),
                        confidence=confidences[day % 3],
                        author=team[day % len(team)][0],
                    )

        for chunk in _batched(rows(), 10_000):
            CheckIn.objects.bulk_create(chunk, batch_size=BATCH)

    # Celebrations -------------------------------------------------------------------------

    def wins(self):
        reactions = list(Reaction.objects.filter(is_offered=True))
        wins, win_projects, credits_by_win = [], [], []
        for project in self.project_list:
            team = self.team[project.pk]
            for number in range(self.scale.wins_per_project):
                day = self.today - datetime.timedelta(days=self.rng.randrange(365))
                wins.append(
                    Win(
                        title=f"{self.rng.choice(TOPICS).capitalize()} milestone {number + 1}",
                        story=f"<p>Together we moved {self.rng.choice(TOPICS)} forward.</p>",
                        day=day,
                        posted_by=team[0][0],
                        created_at=timezone.make_aware(
                            datetime.datetime.combine(day, datetime.time(12))
                        ),
                    )
                )
                win_projects.append(project)
                credits_by_win.append(self.rng.sample(team, min(len(team), self.rng.randint(2, 4))))
        created = []
        for chunk in _batched(wins):
            created += Win.objects.bulk_create(chunk)
        links = Win.projects.through
        links.objects.bulk_create(
            (
                links(win_id=win.pk, projectpage_id=project.pk)
                for win, project in zip(created, win_projects, strict=True)
            ),
            batch_size=BATCH,
        )
        credits, cheers, comments = [], [], []
        for win, credited, project in zip(created, credits_by_win, win_projects, strict=True):
            for person, department in credited:
                credits.append(WinCredit(win=win, person=person, department=department))
            team = self.team[project.pk]
            for person, _ in self.rng.sample(team, min(len(team), self.rng.randint(0, 4))):
                cheers.append(Cheer(win=win, person=person, reaction=self.rng.choice(reactions)))
            if self.rng.random() < 0.5:
                comments.append(
                    WinComment(win=win, author=self.rng.choice(team)[0], text="Well done, all!")
                )
        WinCredit.objects.bulk_create(credits, batch_size=BATCH)
        Cheer.objects.bulk_create(cheers, batch_size=BATCH)
        WinComment.objects.bulk_create(comments, batch_size=BATCH)

    def status_updates(self):
        count = self.scale.updates_per_project
        healths = [Health.ON_TRACK] * 3 + [Health.AT_RISK, Health.OFF_TRACK]
        updates = []
        for project in self.project_list:
            team = self.team[project.pk]
            for number in range(count):
                written = timezone.now() - datetime.timedelta(days=7 * (count - number))
                updates.append(
                    StatusUpdate(
                        project=project,
                        author=team[0][0],
                        health=self.rng.choice(healths),
                        what_happened=f"Week {number + 1}: progress on {self.rng.choice(TOPICS)}.",
                        whats_next=f"Next: {self.rng.choice(TOPICS)} with the partner teams.",
                        next_update_due=written.date() + datetime.timedelta(days=7),
                        created_at=written,
                    )
                )
        StatusUpdate.objects.bulk_create(updates, batch_size=BATCH)

    # Retrospectives -----------------------------------------------------------------------

    def retrospectives(self):
        retro_format = RetroFormat.objects.prefetch_related("columns").first()
        column_specs = [(column.title, column.prompt) for column in retro_format.columns.all()]
        retros, retro_projects = [], []
        for project in self.project_list:
            team = self.team[project.pk]
            for number in range(self.scale.retros_per_project):
                closed = number % 2 == 0
                held_on = self.today - datetime.timedelta(days=30 if closed else 0)
                retros.append(
                    Retrospective(
                        title=f"{project.title}: retrospective {number + 1}",
                        held_on=held_on,
                        facilitator=team[0][0],
                        format=retro_format,
                        phase=RetroPhase.CLOSED if closed else RetroPhase.COLLECT,
                        created_by=team[0][0],
                        closed_at=timezone.now() - datetime.timedelta(days=29) if closed else None,
                        summary="We agreed to hand over earlier and measure it." if closed else "",
                    )
                )
                retro_projects.append(project)
        retros = Retrospective.objects.bulk_create(retros, batch_size=BATCH)
        links = Retrospective.projects.through
        links.objects.bulk_create(
            (
                links(retrospective_id=retro.pk, projectpage_id=project.pk)
                for retro, project in zip(retros, retro_projects, strict=True)
            ),
            batch_size=BATCH,
        )
        columns = RetroColumn.objects.bulk_create(
            (
                RetroColumn(retrospective=retro, title=title, prompt=prompt, position=position)
                for retro in retros
                for position, (title, prompt) in enumerate(column_specs)
            ),
            batch_size=BATCH,
        )
        columns_by_retro = {}
        for column in columns:
            columns_by_retro.setdefault(column.retrospective_id, []).append(column)
        participants, items, item_owners = [], [], []
        for retro, project in zip(retros, retro_projects, strict=True):
            taking_part = self.rng.sample(self.team[project.pk], min(6, len(self.team[project.pk])))
            for person, department in taking_part:
                participants.append(
                    RetroParticipant(retrospective=retro, person=person, department=department)
                )
            for number in range(self.scale.items_per_retro):
                person, department = taking_part[number % len(taking_part)]
                anonymous = number % 5 == 4
                items.append(
                    RetroItem(
                        retrospective=retro,
                        column=self.rng.choice(columns_by_retro[retro.pk]),
                        text=f"{self.rng.choice(TOPICS).capitalize()}: what we noticed.",
                        author=None if anonymous else person,
                        department=department,
                        is_anonymous=anonymous,
                        created_at=None if anonymous else timezone.now(),
                    )
                )
            item_owners.append((retro, taking_part))
        RetroParticipant.objects.bulk_create(participants, batch_size=BATCH)
        items = RetroItem.objects.bulk_create(items, batch_size=BATCH)
        per_retro = self.scale.items_per_retro
        votes = []
        for position, (retro, taking_part) in enumerate(item_owners):
            retro_items = items[position * per_retro : (position + 1) * per_retro]
            for person, _ in taking_part:
                for slot in range(1, retro.votes_per_person + 1):
                    votes.append(
                        RetroVote(
                            retrospective=retro,
                            item=self.rng.choice(retro_items),
                            person=person,
                            slot=slot,
                        )
                    )
        RetroVote.objects.bulk_create(votes, batch_size=BATCH)
