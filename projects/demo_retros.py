"""Demo retrospectives: three closed ones in two formats, and one collecting items today.

Runs after seed_celebrations(). Every step goes through the services a facilitator's clicks
call (retro_create, item_add, items_merge, vote_cast, note_add, action_add, retro_close), so the
demo obeys the same rules as real use; the dates are then moved back to the day each
retrospective was held. Some action items were delivered since, others are still open and carry
over into the opening review of the next retrospective. Safe to run again: a retrospective whose
title exists is skipped.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from notifications.models import Notification, NotificationKind

from .demo import demo_people
from .demo_celebrations import backdate_notifications, demo_moment
from .models import (
    Activity,
    ActivityKind,
    Commitment,
    Metric,
    ProjectPage,
    RetroFormat,
    RetroItem,
    RetroNote,
    RetroPhase,
    Retrospective,
)
from .retro_services import (
    action_add,
    item_add,
    items_merge,
    note_add,
    retro_close,
    retro_create,
    retro_move,
    vote_cast,
)
from .services import commitment_deliver

WENT_WELL = "Went well / To improve / Actions"
START_STOP = "Start / Stop / Continue"

# Each retrospective: title, projects (slugs), format, facilitator, held (days ago), items as
# (key, column position, author, text, anonymous), merges as (duplicate key, into key), dot
# votes per voter (keys, at most three each), notes as (item key, author, text), action items
# as (item key, project slug, title, owner, due (days ago), delivered (days ago or None),
# metric name or None), and the facilitator's decisions. Open actions carry over.
CLOSED_RETROS = [
    {
        "title": "First-contact resolution: first month",
        "projects": ["first-contact-resolution"],
        "format": WENT_WELL,
        "facilitator": "Maria Nieminen",
        "days_ago": 52,
        "items": [
            ("reset", 0, "Elina Salo", "Self-service password reset: our top ticket is gone.",
             False),
            ("fast-fixes", 0, "Mikko Laine", "Support brings bugs with logs attached; fixes "
             "take days, not weeks.", False),
            ("sit-in", 0, "Daniel Okafor", "Engineers sat in on support calls and it helped.",
             True),
            ("guessing", 1, "Amira Haddad", "We guess at why customers call; nobody tags the "
             "root cause.", False),
            ("no-tags", 1, "Daniel Okafor", "No way to see which bugs cause the most calls.",
             False),
            ("resolved", 1, "Eeva Saarinen", "Support and Data count 'resolved' differently, "
             "so the numbers never match.", False),
            ("repro", 1, "Amira Haddad", "Escalations arrive without steps to reproduce.", False),
            ("billing", 1, "Maria Nieminen", "Billing questions bounce between Support and "
             "Finance.", True),
            ("pilot", 2, "Elina Salo", "Pilot root-cause tags on one queue.", False),
        ],
        "merges": [("no-tags", "guessing")],
        "votes": {
            "Maria Nieminen": ["guessing", "billing", "billing"],
            "Mikko Laine": ["guessing", "repro", "repro"],
            "Daniel Okafor": ["guessing", "billing", "pilot"],
            "Amira Haddad": ["repro", "guessing", "guessing"],
            "Eeva Saarinen": ["resolved", "resolved", "guessing"],
            "Elina Salo": ["billing", "pilot", "reset"],
        },
        "notes": [
            ("guessing", "Eeva Saarinen", "Ten tags are enough to start; we can split them "
             "later."),
            ("repro", "Mikko Laine", "A short template in the escalation form would do: "
             "account, steps, expected, seen."),
            ("billing", "Maria Nieminen", "Ask Finance to join the project for the billing "
             "answers."),
        ],
        "actions": [
            ("guessing", "first-contact-resolution", "Ten root-cause tags agreed for the "
             "pilot queue", "Daniel Okafor", 45, 44, "First-contact resolution"),
            ("resolved", "first-contact-resolution", "One definition of 'resolved' agreed "
             "with Data & Analytics", "Eeva Saarinen", 35, 33, "First-contact resolution"),
            ("repro", "first-contact-resolution", "A reproduction template for every "
             "escalation", "Amira Haddad", 24, None, "Escalations to Engineering"),
        ],
        "decisions": "Root-cause tags are our first experiment: one queue, ten tags, two "
        "weeks. Eeva and Support agree what 'resolved' means before we report the metric "
        "again. We invite Finance to the project for the billing questions.",
    },
    {
        "title": "Quote to cash: after the quarter's rush",
        "projects": ["quote-to-cash"],
        "format": START_STOP,
        "facilitator": "Aino Lehtonen",
        "days_ago": 41,
        "items": [
            ("one-form", 0, "Oliver Smith", "One order form that Sales and Operations both "
             "use.", False),
            ("form-dup", 0, "Pekka Manninen", "A single form instead of orders in e-mails.",
             True),
            ("same-day", 0, "Pekka Manninen", "Start delivery the day an order arrives.", False),
            ("template", 0, "Aisha Bello", "A pre-filled invoice template.", False),
            ("retyping", 1, "Pekka Manninen", "Re-typing orders from e-mails.", False),
            ("waiting", 1, "Kaisa Rantanen", "Waiting for IT before we ship anything at all.",
             False),
            ("promises", 1, "Oliver Smith", "Promising customers start dates we cannot keep.",
             True),
            ("monday", 2, "Aino Lehtonen", "The Monday handover call.", False),
            ("measure", 2, "Kaisa Rantanen", "Measuring days to first invoice every week.",
             False),
        ],
        "merges": [("form-dup", "one-form")],
        "votes": {
            "Aino Lehtonen": ["one-form", "one-form", "promises"],
            "Kaisa Rantanen": ["waiting", "one-form", "template"],
            "Aisha Bello": ["template", "template", "one-form"],
            "Pekka Manninen": ["one-form", "same-day", "retyping"],
            "Oliver Smith": ["one-form", "waiting", "promises"],
        },
        "notes": [
            ("one-form", "Oliver Smith", "The CRM link can come later; the form works without "
             "it."),
            ("waiting", "Kaisa Rantanen", "I take the CRM time to the leadership team."),
        ],
        "actions": [
            ("one-form", "quote-to-cash", "Order form ready without waiting for the CRM "
             "link", "Oliver Smith", 34, 33, "Orders complete on arrival"),
            ("waiting", "quote-to-cash", "Leadership decision on CRM time for invoicing",
             "Kaisa Rantanen", 27, 26, "Days from signature to first invoice"),
            ("promises", "quote-to-cash", "Realistic start dates in every quote",
             "Aino Lehtonen", 10, None, "Days from signature to first invoice"),
        ],
        "decisions": "We stop waiting for the CRM project: the order form ships on its own. "
        "Operations starts delivery the day a complete order arrives. Kaisa asks the "
        "leadership team for CRM time this month.",
    },
    {
        "title": "Billing questions: Support and Finance look back",
        "projects": ["first-contact-resolution", "quote-to-cash"],
        "format": WENT_WELL,
        "facilitator": "Aisha Bello",
        "days_ago": 20,
        "items": [
            ("first-reply", 0, "Daniel Okafor", "Billing tickets are mostly solved in the "
             "first reply now.", False),
            ("invoice-view", 0, "Elina Salo", "Seeing the invoice right next to the ticket.",
             False),
            ("credit-notes", 0, "Kaisa Rantanen", "Far fewer credit notes at month end.", False),
            ("vat", 1, "Aisha Bello", "Swedish customers' VAT questions still have no "
             "answer.", False),
            ("finance-last", 1, "Maria Nieminen", "Finance hears about upset customers last.",
             True),
            ("finance-late", 1, "Elina Salo", "We tell Finance too late when a customer is "
             "unhappy with an invoice.", True),
            ("approvals", 1, "Oliver Smith", "Small corrections still wait for two "
             "approvals.", False),
            ("weekly-call", 2, "Amira Haddad", "A short weekly Support and Finance call.",
             False),
        ],
        "merges": [("finance-late", "finance-last")],
        "votes": {
            "Aisha Bello": ["vat", "vat", "finance-last"],
            "Daniel Okafor": ["finance-last", "vat", "weekly-call"],
            "Elina Salo": ["finance-last", "finance-last", "vat"],
            "Kaisa Rantanen": ["approvals", "approvals", "credit-notes"],
            "Maria Nieminen": ["finance-last", "weekly-call", "vat"],
            "Oliver Smith": ["approvals", "vat"],
        },
        "notes": [
            ("vat", "Aisha Bello", "Kofi knows the Swedish rules; I'll pair with him."),
            ("finance-last", "Daniel Okafor", "A 'billing' tag that notifies Finance would "
             "be enough."),
        ],
        "actions": [
            ("vat", "first-contact-resolution", "Answers to the five most common VAT "
             "questions", "Elina Salo", -6, None, "First-contact resolution"),
            ("approvals", "quote-to-cash", "One approval for corrections under 200 euros",
             "Kaisa Rantanen", 12, 14, None),
        ],
        "decisions": "Finance joins the weekly pains review when billing is on the list. "
        "Corrections under 200 euros need one approval from now on. The reproduction "
        "template is still open from the first retrospective: Amira brings a draft next week.",
    },
]  # fmt: skip

# Today's retrospective, still collecting: the facilitator (the demo's main login) has
# posted nothing yet and sees how many items are hidden; Data & Analytics has not spoken.
COLLECTING_RETRO = {
    "title": "First-contact resolution: after the order-history fix",
    "projects": ["first-contact-resolution"],
    "format": WENT_WELL,
    "facilitator": "Maria Nieminen",
    "items": [
        (0, "Daniel Okafor", "Customers we called back about the search said thank you.", False),
        (0, "Amira Haddad", "The root-cause report made the search fix an easy choice.", False),
        (1, "Mikko Laine", "Escalations still arrive without reproduction steps.", False),
        (1, "Elina Salo", "The tier-2 queue depends on one person.", True),
        (1, "Aisha Bello", "Billing tags reach Finance a week late.", False),
        (2, "Daniel Okafor", "Add the top five pains to the Monday meeting.", False),
    ],
}  # fmt: skip


@transaction.atomic
def seed_retrospectives():
    """Create the demo retrospectives once; returns what was created, by kind."""
    find = demo_people()
    projects = {project.slug: project for project in ProjectPage.objects.all()}
    formats = {retro_format.name: retro_format for retro_format in RetroFormat.objects.all()}
    summary = {"retrospectives": 0, "items": 0, "votes": 0, "action_items": 0}
    for spec in CLOSED_RETROS:
        created = _hold_retro(spec, projects, formats, find)
        if created is not None:
            summary["retrospectives"] += 1
            for kind, count in created.items():
                summary[kind] += count
    collecting = _open_collecting_retro(COLLECTING_RETRO, projects, formats, find)
    if collecting is not None:
        summary["retrospectives"] += 1
        summary["items"] += collecting
    return summary


def _start(spec, projects, formats, find, held_on, *, skip_review):
    """The retrospective, or None when it exists or its projects are missing."""
    if Retrospective.objects.filter(title=spec["title"]).exists():
        return None
    if any(slug not in projects for slug in spec["projects"]):
        return None
    facilitator = find(spec["facilitator"])
    retro = retro_create(
        projects=[projects[slug] for slug in spec["projects"]],
        facilitator=facilitator,
        created_by=facilitator,
        retro_format=formats[spec["format"]],
        title=spec["title"],
        held_on=held_on,
        skip_review=skip_review,
    )
    Retrospective.objects.filter(pk=retro.pk).update(created_at=demo_moment(held_on, 9))
    return retro


def _hold_retro(spec, projects, formats, find):
    """Run a whole retrospective as it happened, then date it on its day."""
    held_on = timezone.localdate() - datetime.timedelta(days=spec["days_ago"])
    retro = _start(spec, projects, formats, find, held_on, skip_review=True)
    if retro is None:
        return None
    facilitator = find(spec["facilitator"])
    columns = list(retro.columns.all())
    items = {
        key: item_add(
            retro=retro,
            person=find(author),
            column=columns[position],
            text=text,
            anonymous=anonymous,
        )
        for key, position, author, text, anonymous in spec["items"]
    }
    RetroItem.objects.filter(retrospective=retro, is_anonymous=False).update(
        created_at=demo_moment(held_on, 10)
    )
    retro_move(retro=retro, to_phase=RetroPhase.GROUP)
    for duplicate, into in spec["merges"]:
        items_merge(retro=retro, item=items[duplicate], into=items[into])
    retro_move(retro=retro, to_phase=RetroPhase.VOTE)
    votes = 0
    for voter, keys in spec["votes"].items():
        for key in keys:
            vote_cast(retro=retro, person=find(voter), item=items[key])
            votes += 1
    retro_move(retro=retro, to_phase=RetroPhase.DISCUSS)
    for key, author, text in spec["notes"]:
        note_add(retro=retro, person=find(author), item=items[key], text=text)
    RetroNote.objects.filter(item__retrospective=retro).update(created_at=demo_moment(held_on, 11))
    retro_move(retro=retro, to_phase=RetroPhase.ACTIONS)
    for action in spec["actions"]:
        _add_action(retro, facilitator, held_on, items, projects, find, *action)
    retro_close(retro=retro, actor=facilitator, summary=spec["decisions"])
    _date_closing(retro, held_on)
    return {"items": len(items), "votes": votes, "action_items": len(spec["actions"])}


def _add_action(
    retro, facilitator, held_on, items, projects, find,
    key, slug, title, owner, due_days_ago, delivered_days_ago, metric_name,
):  # fmt: skip
    """An action item as agreed on the day; delivered since, or still open."""
    today = timezone.localdate()
    project = projects[slug]
    owner = find(owner)
    metric = Metric.objects.filter(project=project, name=metric_name).first()
    # The service takes dates from today on; the real due date is set just after.
    commitment = action_add(
        retro=retro,
        actor=facilitator,
        project=project,
        title=title,
        owner=owner,
        due_date=today,
        item=items[key],
        metric=metric,
    )
    made_at = demo_moment(held_on, 12)
    Commitment.objects.filter(pk=commitment.pk).update(
        due_date=today - datetime.timedelta(days=due_days_ago), created_at=made_at
    )
    Activity.objects.filter(
        project=project, kind=ActivityKind.COMMITMENT_MADE, summary=title
    ).update(created_at=made_at)
    if delivered_days_ago is not None:
        delivered_on = today - datetime.timedelta(days=delivered_days_ago)
        commitment_deliver(commitment=commitment, actor=owner, delivered_on=delivered_on)
        Activity.objects.filter(
            project=project, kind=ActivityKind.COMMITMENT_DELIVERED, summary=title
        ).update(created_at=demo_moment(delivered_on, 15))


def _date_closing(retro, held_on):
    """Closed at the end of the meeting: the timeline entries and the summary notifications
    of that day (already e-mailed back then, so seeding sends no mail)."""
    closed_at = demo_moment(held_on, 12)
    Retrospective.objects.filter(pk=retro.pk).update(closed_at=closed_at)
    Activity.objects.filter(
        project__in=retro.projects.all(), kind=ActivityKind.RETRO_CLOSED, summary=retro.title
    ).update(created_at=closed_at)
    backdate_notifications(
        Notification.objects.filter(
            kind=NotificationKind.RETRO_SUMMARY, key=f"retro:{retro.pk}:closed"
        ),
        closed_at,
    )


def _open_collecting_retro(spec, projects, formats, find):
    """Today's retrospective: the opening review done, items coming in. Returns the items."""
    today = timezone.localdate()
    retro = _start(spec, projects, formats, find, today, skip_review=False)
    if retro is None:
        return None
    retro_move(retro=retro, to_phase=RetroPhase.COLLECT)
    columns = list(retro.columns.all())
    for position, author, text, anonymous in spec["items"]:
        item_add(
            retro=retro,
            person=find(author),
            column=columns[position],
            text=text,
            anonymous=anonymous,
        )
    return len(spec["items"])
