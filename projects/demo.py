"""Demo joint projects: six that span 2 to 5 departments, and one still looking for a partner."""

import datetime

from django.db import transaction
from django.utils import timezone

from intranet.models import HomePage
from organisation.demo import demo_username
from organisation.models import Person

from .models import (
    Activity,
    ActivityKind,
    Commitment,
    DepartmentStake,
    Idea,
    IdeaVote,
    JoinRequest,
    Membership,
    ProjectIndexPage,
    ProjectPage,
    ProjectStatus,
    Role,
    Visibility,
)
from .services import commitment_deliver, commitment_from_idea, idea_post, record_activity

# Each project: title, slug, purpose, status, visibility, start (days ago), target (days ahead),
# members as (name, role, what I bring, what's in it for my team), stakes, ideas.
PROJECTS = [
    {
        "title": "First-contact resolution",
        "slug": "first-contact-resolution",
        "purpose": "Customers get their answer in the first conversation, not the third.",
        "status": ProjectStatus.ACTIVE,
        "start": 120,
        "target": 90,
        "members": [
            (
                "Maria Nieminen",
                Role.LEAD,
                "Ten years of support tickets and their patterns.",
                "Fewer repeat contacts and calmer queues.",
            ),
            (
                "Mikko Laine",
                Role.SPONSOR,
                "Engineering time for the fixes that cause tickets.",
                "Fewer interruptions from escalations.",
            ),
            (
                "Daniel Okafor",
                Role.MEMBER,
                "Log reading and API troubleshooting.",
                "Bugs found earlier, with better reproduction steps.",
            ),
            (
                "Amira Haddad",
                Role.MEMBER,
                "Knows which slow queries make customers call.",
                "A backlog ordered by customer pain.",
            ),
            (
                "Eeva Saarinen",
                Role.MEMBER,
                "Churn and contact-reason data.",
                "One shared definition of 'resolved'.",
            ),
            ("Elina Salo", Role.MEMBER, "The knowledge base and its macros.", ""),
        ],
        "stakes": {
            "Customer Support": "Repeat contacts are a third of our volume.",
            "Engineering": "Every escalation interrupts a sprint.",
            "Data & Analytics": "We can finally agree on what 'resolved' means.",
        },
        "ideas": [
            (
                "Tag tickets by root cause",
                "So Engineering sees which bugs cost the most calls.",
                "Daniel Okafor",
                ["Maria Nieminen", "Mikko Laine", "Amira Haddad"],
            ),
            (
                "Weekly 'top five pains' review",
                "Support and Engineering look at the list together.",
                "Maria Nieminen",
                ["Mikko Laine", "Eeva Saarinen"],
            ),
            (
                "Self-service password reset",
                "The single most common ticket.",
                "Elina Salo",
                ["Daniel Okafor"],
            ),
        ],
        "commitments": [
            ("Tag tickets by root cause", "Daniel Okafor", -20, -22),
            ("Weekly 'top five pains' review", "Maria Nieminen", 10, None),
        ],
    },
    {
        "title": "Quote to cash in one week",
        "slug": "quote-to-cash",
        "purpose": "From a signed quote to the first invoice in five working days.",
        "status": ProjectStatus.ACTIVE,
        "start": 90,
        "target": 60,
        "members": [
            (
                "Aino Lehtonen",
                Role.LEAD,
                "The sales side of every handover.",
                "Customers who start using what they bought sooner.",
            ),
            (
                "Kaisa Rantanen",
                Role.SPONSOR,
                "Budget and a seat at the leadership table.",
                "Cash earlier in the quarter.",
            ),
            (
                "Aisha Bello",
                Role.MEMBER,
                "Invoicing, and the questions customers ask about it.",
                "Fewer corrected invoices.",
            ),
            (
                "Pekka Manninen",
                Role.MEMBER,
                "Delivery capacity planning.",
                "Orders that arrive with everything we need.",
            ),
            ("Oliver Smith", Role.MEMBER, "CRM hygiene.", "Clean pipeline data."),
        ],
        "stakes": {
            "Sales": "Customers wait too long after they sign.",
            "Finance": "Late invoices push revenue into the next quarter.",
            "Operations": "Incomplete orders cause rework.",
        },
        "ideas": [
            (
                "One order form for Sales and Operations",
                "Stop re-typing orders.",
                "Pekka Manninen",
                ["Aino Lehtonen", "Aisha Bello", "Oliver Smith", "Kaisa Rantanen"],
            ),
            ("Invoice straight from the CRM", "", "Aisha Bello", ["Kaisa Rantanen"]),
        ],
        "commitments": [
            ("One order form for Sales and Operations", "Pekka Manninen", -33, -30),
            ("Invoice straight from the CRM", "Aisha Bello", -5, None),
        ],
    },
    {
        "title": "Onboarding that sticks",
        "slug": "onboarding-that-sticks",
        "purpose": "New colleagues are productive and connected across teams within a month.",
        "status": ProjectStatus.ACTIVE,
        "start": 60,
        "target": 120,
        "members": [
            (
                "Riikka Tuominen",
                Role.LEAD,
                "The onboarding programme as it is today.",
                "New people who stay.",
            ),
            (
                "Rafael Costa",
                Role.MEMBER,
                "Laptops and access on day one.",
                "Fewer first-week tickets.",
            ),
            ("Leila Karimi", Role.MEMBER, "The cross-department mentoring programme.", ""),
            (
                "Chen Wei",
                Role.MEMBER,
                "An engineer's view of a confusing first week.",
                "Faster first pull requests.",
            ),
        ],
        "stakes": {
            "HR": "A third of leavers leave in their first year.",
            "Operations": "Day-one access problems eat IT's Mondays.",
            "Engineering": "New engineers wait a week for the right access.",
        },
        "ideas": [
            (
                "A buddy from another department",
                "Everyone gets one for their first month.",
                "Leila Karimi",
                ["Riikka Tuominen", "Chen Wei"],
            ),
            ("Access checklist per role", "", "Rafael Costa", ["Chen Wei"]),
        ],
        "commitments": [("Access checklist per role", "Rafael Costa", 14, None)],
    },
    {
        "title": "Pricing page that answers questions",
        "slug": "pricing-page",
        "purpose": "Prospects understand our pricing without booking a call.",
        "status": ProjectStatus.ACTIVE,
        "start": 45,
        "target": 30,
        "members": [
            (
                "Olivia Grant",
                Role.LEAD,
                "The website and the brand voice.",
                "More qualified leads.",
            ),
            (
                "Ville Koskinen",
                Role.MEMBER,
                "Pricing experiments and their results.",
                "A cleaner experiment pipeline.",
            ),
            (
                "Marcus Hale",
                Role.MEMBER,
                "The questions prospects ask on every call.",
                "Shorter sales calls.",
            ),
            ("Petri Niskanen", Role.MEMBER, "Unit economics for each plan.", ""),
            ("Saara Hämäläinen", Role.MEMBER, "Plain language, in Finnish and English.", ""),
        ],
        "stakes": {
            "Marketing": "The pricing page has the highest exit rate on the site.",
            "Sales": "Every second call starts with 'what does it cost?'.",
        },
        "ideas": [
            (
                "Publish the price of the smallest plan",
                "",
                "Marcus Hale",
                ["Olivia Grant", "Ville Koskinen", "Saara Hämäläinen"],
            ),
        ],
        "commitments": [],
    },
    {
        "title": "One customer health score",
        "slug": "customer-health-score",
        "purpose": "Sales, Support and Product agree on one score for how a customer is doing.",
        "status": ProjectStatus.PAUSED,
        "start": 150,
        "target": 40,
        "members": [
            ("Veera Lampinen", Role.LEAD, "Data models for churn.", "Fewer competing dashboards."),
            ("Hanna Virtanen", Role.MEMBER, "What customers say in adoption calls.", ""),
            ("Jussi Korhonen", Role.MEMBER, "Renewal history of our largest accounts.", ""),
            ("Noor Rahimi", Role.SPONSOR, "Product usage data and customer interviews.", ""),
            ("Arjun Mehta", Role.MEMBER, "The pipelines the score needs.", ""),
        ],
        "stakes": {"Data & Analytics": "Three teams, three definitions of a healthy customer."},
        "ideas": [],
        "commitments": [],
    },
    {
        "title": "Customer conference 2027",
        "slug": "customer-conference-2027",
        "purpose": "Our first user conference, planned by everyone who meets customers.",
        "status": ProjectStatus.PROPOSED,
        "start": 10,
        "target": 200,
        "visibility": Visibility.MEMBERS,
        "members": [
            ("Fatima Zahra", Role.LEAD, "Venues, agendas and caterers.", ""),
            ("Mei Lin", Role.MEMBER, "Our community champions, as speakers.", ""),
            ("Tomás Herrera", Role.MEMBER, "Partners who want to sponsor.", ""),
        ],
        "stakes": {},
        "ideas": [("Customer-led sessions only", "", "Mei Lin", ["Fatima Zahra"])],
        "commitments": [],
    },
    {
        "title": "Faster month-end close",
        "slug": "faster-month-end-close",
        "purpose": "Close the books in three days instead of eight.",
        "status": ProjectStatus.PROPOSED,
        "start": 5,
        "target": 150,
        "members": [
            ("Joel Lindqvist", Role.LEAD, "The close checklist.", "Evenings back at month end."),
            ("Emma Johansson", Role.MEMBER, "Supplier invoices and their delays.", ""),
        ],
        "stakes": {"Finance": "Eight days of close is eight days of stale numbers."},
        "ideas": [("Ask Operations for goods-received notes daily", "", "Emma Johansson", [])],
        "commitments": [],
    },
]


def demo_people():
    by_username = {
        person.user.username: person
        for person in Person.objects.select_related("user", "department")
    }

    def find(full_name):
        first, last = full_name.split(" ", 1)
        return by_username[demo_username(first, last)]

    return find


@transaction.atomic
def seed_projects():
    """Create the demo projects once; a second run leaves them as they are."""
    home = HomePage.objects.get(sites_rooted_here__is_default_site=True)
    index = ProjectIndexPage.objects.child_of(home).first()
    if index is None:
        index = ProjectIndexPage(
            title="Projects",
            slug="projects",
            show_in_menus=True,
            introduction="Joint projects across departments: join one, or start your own.",
        )
        home.add_child(instance=index)
        index.save_revision().publish()
        first_child = home.get_first_child()
        if first_child and first_child.pk != index.pk:
            index.move(first_child, pos="left")
    find = demo_people()
    created = 0
    for spec in PROJECTS:
        if ProjectPage.objects.child_of(index).filter(slug=spec["slug"]).exists():
            continue
        _create_project(index, spec, find)
        created += 1
    return created


def _create_project(index, spec, find):
    today = timezone.localdate()
    lead = find(spec["members"][0][0])
    project = ProjectPage(
        title=spec["title"],
        slug=spec["slug"],
        purpose=spec["purpose"],
        status=ProjectStatus.PROPOSED,
        visibility=spec.get("visibility", Visibility.ORGANISATION),
        start_date=today - datetime.timedelta(days=spec["start"]),
        target_date=today + datetime.timedelta(days=spec["target"]),
        owner=lead.user,
    )
    index.add_child(instance=project)
    project.save_revision(user=lead.user).publish(user=lead.user, skip_permission_checks=True)
    started = timezone.now() - datetime.timedelta(days=spec["start"])
    record_activity(project=project, actor=lead, kind="project_started")

    for position, (name, role, brings, in_it) in enumerate(spec["members"]):
        person = find(name)
        Membership.objects.create(
            project=project,
            person=person,
            role=role,
            department=person.department,
            what_i_bring=brings,
            whats_in_it_for_my_team=in_it,
            joined_at=started + datetime.timedelta(days=position * 2),
        )
    for department_name, why in spec["stakes"].items():
        department = next(
            person.department
            for person in (find(member[0]) for member in spec["members"])
            if person.department.name == department_name
        )
        DepartmentStake.objects.create(project=project, department=department, why_it_matters=why)

    if spec["status"] != ProjectStatus.PROPOSED:
        # Now that partner departments are in, the project may move on.
        project.status = spec["status"]
        project.save_revision(user=lead.user).publish(user=lead.user, skip_permission_checks=True)

    ideas = {}
    for title, text, author, voters in spec["ideas"]:
        idea = idea_post(project=project, author=find(author), title=title, text=text)
        IdeaVote.objects.bulk_create([IdeaVote(idea=idea, person=find(v)) for v in voters])
        ideas[title] = idea
    for title, owner, due_in, delivered_in in spec["commitments"]:
        commitment = commitment_from_idea(
            idea=ideas[title],
            actor=lead,
            owner=find(owner),
            due_date=today + datetime.timedelta(days=max(due_in, 0)),
        )
        if due_in < 0:
            # Promises made in the past: dated so the demo shows early and late deliveries.
            Commitment.objects.filter(pk=commitment.pk).update(
                due_date=today + datetime.timedelta(days=due_in)
            )
            commitment.refresh_from_db()
        if delivered_in is not None:
            commitment_deliver(
                commitment=commitment,
                actor=find(owner),
                delivered_on=today + datetime.timedelta(days=delivered_in),
            )
    if spec["slug"] == "faster-month-end-close":
        JoinRequest.objects.create(
            project=project,
            person=find("Tiina Kettunen"),
            note="Operations sends the goods-received notes; I can make them daily.",
        )
    _spread_activity_over_time(project, started)


def _spread_activity_over_time(project, started):
    """Demo activity happened over the project's life, not all in the last second."""
    events = list(Activity.objects.filter(project=project).order_by("pk"))
    span = (timezone.now() - started) / max(len(events), 1)
    for position, event in enumerate(events):
        event.created_at = started + span * position
    Activity.objects.bulk_update(events, ["created_at"])
    posted = {e.summary: e.created_at for e in events if e.kind == ActivityKind.IDEA_POSTED}
    ideas = list(Idea.objects.filter(project=project))
    for idea in ideas:
        idea.created_at = posted.get(idea.title, idea.created_at)
    Idea.objects.bulk_update(ideas, ["created_at"])


# Metrics: (project slug, name, definition, unit, unit detail, direction, baseline, target,
# weeks of history, story, owning department names). Stories: "on_track", "lagging",
# "recovering", "slipping", "draft" (awaiting sign-off), "moved" (target changed after
# agreement, with its reason).
METRICS = [
    ("first-contact-resolution", "First-contact resolution",
     "Share of tickets solved in the first reply, from the helpdesk's weekly report.",
     "percent", "", "increase", 61, 75, 16, "on_track", ["Customer Support", "Engineering"]),
    ("first-contact-resolution", "Escalations to Engineering",
     "Tickets escalated to Engineering per week, from the helpdesk.",
     "count", "", "decrease", 48, 20, 16, "recovering", ["Customer Support", "Engineering"]),
    ("first-contact-resolution", "Repeat contacts",
     "Share of customers who contact us again within 7 days about the same issue.",
     "percent", "", "decrease", 33, 20, 10, "draft", ["Customer Support", "Data & Analytics"]),
    ("quote-to-cash", "Days from signature to first invoice",
     "Working days between the signed quote in the CRM and the first invoice in the ledger.",
     "duration", "days", "decrease", 19, 5, 12, "slipping", ["Sales", "Finance", "Operations"]),
    ("quote-to-cash", "Orders complete on arrival",
     "Share of orders Operations can start without asking Sales for missing details.",
     "percent", "", "increase", 55, 90, 12, "moved", ["Sales", "Operations"]),
    ("onboarding-that-sticks", "Access ready on day one",
     "Share of new colleagues with laptop and all access on their first morning.",
     "percent", "", "increase", 40, 95, 8, "on_track", ["HR", "Operations"]),
    ("onboarding-that-sticks", "First-year retention",
     "Share of people hired in the last 12 months who are still with us.",
     "percent", "", "increase", 68, 85, 8, "draft", ["HR", "Engineering"]),
    ("pricing-page", "Pricing page exit rate",
     "Share of visits that leave the site from the pricing page (web analytics).",
     "percent", "", "decrease", 72, 50, 6, "lagging", ["Marketing", "Sales"]),
    ("pricing-page", "Calls starting with 'what does it cost?'",
     "Share of first sales calls whose first question is the price, from call notes.",
     "percent", "", "decrease", 50, 20, 6, "on_track", ["Sales", "Product"]),
    ("customer-health-score", "Customers with an agreed health score",
     "Share of active customers whose score all three teams accept.",
     "percent", "", "increase", 0, 80, 14, "slipping", ["Data & Analytics", "Customer Support"]),
    ("customer-health-score", "Renewal forecast accuracy",
     "Share of renewals forecast correctly a quarter ahead, CRM against the ledger.",
     "percent", "", "increase", 70, 90, 14, "on_track", ["Sales", "Data & Analytics"]),
    ("customer-conference-2027", "Registered attendees",
     "Registrations in the event system, customers only.",
     "count", "", "increase", 0, 400, 4, "on_track", ["Marketing", "Customer Support"]),
    ("customer-conference-2027", "Sponsorship signed",
     "Value of signed sponsorship contracts.",
     "currency", "EUR", "increase", 0, 50000, 4, "lagging", ["Marketing", "Sales"]),
]  # fmt: skip


def _story_value(story, baseline, target, position, count):
    """The value `position` weeks in, for a metric following `story`."""
    share = position / count  # how far along the plan is at this check-in
    distance = target - baseline
    if story == "slipping":
        progress = share * 0.35
    elif story == "lagging":
        progress = share * 0.6
    elif story == "recovering":
        progress = share * 0.3 if share < 0.6 else share * 0.3 + (share - 0.6) * 1.6
    else:
        progress = share * 1.05
    wobble = (-1) ** position * 0.02 * abs(distance)
    return max(baseline + distance * progress + wobble, 0)


@transaction.atomic
def seed_metrics():
    """Metrics with months of weekly check-ins; skipped for projects that already have them."""
    from decimal import Decimal

    from .metric_services import check_in, metric_define, metric_sign_off, metric_update
    from .models import Metric

    today = timezone.localdate()
    created = 0
    for (slug, name, definition, unit, detail, direction, baseline, target, weeks, story,
         owners) in METRICS:  # fmt: skip
        project = ProjectPage.objects.filter(slug=slug).first()
        if project is None or Metric.objects.filter(project=project, name=name).exists():
            continue
        departments = [d for d in project.departments if d.name in owners]
        members = {
            m.department.name: m.person
            for m in project.memberships.select_related("department", "person")
        }
        start = today - datetime.timedelta(weeks=weeks)
        metric = metric_define(
            project=project,
            author=members[owners[0]],
            owning_departments=departments,
            name=name,
            definition=definition,
            unit=unit,
            unit_detail=detail,
            direction=direction,
            baseline_value=Decimal(baseline),
            baseline_date=start,
            target_value=Decimal(target),
            target_date=start + datetime.timedelta(weeks=weeks * 2),
        )
        if story != "draft":
            for owner in owners:
                metric_sign_off(metric=metric, person=members[owner])
        else:
            metric_sign_off(metric=metric, person=members[owners[0]])
        if story == "moved":
            metric_update(
                metric=metric,
                actor=members[owners[0]],
                target_value=Decimal(target - 10),
                reason="Two product lines were merged into one order form; 80 % is the honest goal.",
            )
            for owner in owners:
                metric_sign_off(metric=metric, person=members[owner])
        for week in range(1, weeks + 1):
            value = _story_value(story, baseline, target, week, weeks * 2)
            check_in(
                metric=metric,
                author=members[owners[week % len(owners)]],
                day=start + datetime.timedelta(weeks=week),
                value=Decimal(str(round(value, 1))),
                confidence=("low", "medium", "high")[min(week * 3 // weeks, 2)],
                note="Weekly report" if week % 4 else "Includes the holiday week",
            )
        created += 1
    return created
