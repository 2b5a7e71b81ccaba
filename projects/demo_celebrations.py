"""Demo project life: wins with cheers and comments, status updates, and promises kept or not.

Runs after seed_projects() and seed_metrics(). It gives the demo projects three months of
history, so the wins wall, the timelines, the promise records and the notifications of
maria.nieminen (the demo's main login) look lived-in. Safe to run again: what exists is skipped.
"""

import datetime
import re

from django.db import transaction
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator

from notifications.models import EmailState, Notification, NotificationKind

from .demo import demo_people
from .models import (
    Activity,
    ActivityKind,
    ChatWebhook,
    Cheer,
    Commitment,
    DeliveryStatus,
    Membership,
    Metric,
    ProjectPage,
    Reaction,
    Role,
    StatusUpdate,
    UpdateCadence,
    WebhookDelivery,
    WebhookFlavour,
    Win,
    WinComment,
)
from .win_services import cheer_toggle, comment_add, win_post, win_url

# People who join a second project, so one win can be shared by two projects:
# (project slug, name, what I bring, what's in it for my team, joined days ago).
NEW_MEMBERS = [
    (
        "first-contact-resolution",
        "Aisha Bello",
        "Invoicing, and why customers call about it.",
        "Billing questions answered before they become corrected invoices.",
        45,
    ),
]

# Each win: title, projects (slugs; the poster belongs to all), poster, credited people, when
# (days ago, or a metric check-in: (metric name, "latest" or days ago of the nearest one),
# which dates the win and fills {value} and {baseline} in the story), cheers by reaction name,
# and comments as (author, hours after the win, text). In comments "@{Full Name}" becomes
# that person's @user.name mention.
WINS = [
    {
        "title": "Self-service password reset is live",
        "projects": ["first-contact-resolution"],
        "posted_by": "Elina Salo",
        "credited": ["Elina Salo", "Oskari Heikkinen", "Chen Wei", "Saara Hämäläinen"],
        "days_ago": 60,
        "story": "Our most common ticket can now be solved without us. The reset link is on the "
        "sign-in page and in the first auto-reply: Oskari built the API, Chen the page, and "
        "Saara wrote the instructions so they fit on one screen. In the first week 212 people "
        "reset their own password.",
        "cheers": {
            "Celebrate": ["Maria Nieminen", "Daniel Okafor", "Lucas Moreau"],
            "Big step": ["Mikko Laine"],
            "Applause": ["Rafael Costa", "Riikka Tuominen"],
        },
        "comments": [
            ("Rafael Costa", 5, "New starters use it too: the IT desk had no reset calls on "
             "Monday, for the first time."),
            ("Lucas Moreau", 26, "The French auto-reply has the link as well now."),
        ],
    },
    {
        "title": "Three teams, one definition of a healthy customer",
        "projects": ["customer-health-score"],
        "posted_by": "Veera Lampinen",
        "credited": ["Veera Lampinen", "Hanna Virtanen", "Jussi Korhonen", "Noor Rahimi"],
        "days_ago": 80,
        "story": "After six workshops Support, Sales and Product signed the same definition: "
        "product usage, open tickets and renewal risk, weighted the same for everyone. Arjun "
        "builds the pipeline next.",
        "cheers": {
            "Celebrate": ["Arjun Mehta", "Eeva Saarinen"],
            "Teamwork": ["Maria Nieminen", "Aino Lehtonen"],
            "Inspiring": ["Mikko Laine", "Ethan Brooks"],
        },
        "comments": [
            ("Arjun Mehta", 2, "The pipeline design is in the project files. Comments welcome "
             "before Friday."),
            ("Eeva Saarinen", 5, "@{Veera Lampinen} the contact reasons from the first-contact "
             "project could feed the ticket part of the score. Happy to help."),
        ],
    },
    {
        "title": "A buddy from another department for every new starter",
        "projects": ["onboarding-that-sticks"],
        "posted_by": "Leila Karimi",
        "credited": ["Leila Karimi", "Chen Wei", "Marcus Hale", "Samuel Eriksson"],
        "days_ago": 40,
        "story": "All nine people starting this month have a buddy from another department. "
        "Twenty-two colleagues from eight departments volunteered. Chen and Marcus piloted it "
        "with the last two engineers we hired, and Samuel now mentions the buddy in every job "
        "offer.",
        "cheers": {
            "Celebrate": ["Riikka Tuominen", "Rafael Costa"],
            "Inspiring": ["Maria Nieminen", "Noor Rahimi", "Grace Adeyemi"],
            "Teamwork": ["Yuki Tanaka", "Ben Carter"],
        },
        "comments": [
            ("Ben Carter", 3, "I was one of the pilot starters: having someone from Sales "
             "explain our customers in week one was gold."),
            ("Riikka Tuominen", 5, "@{Ingrid Berg}, can we add a buddy question to the 90-day "
             "survey?"),
            ("Ingrid Berg", 22, "Added. The first answers come with the next survey."),
        ],
    },
    {
        "title": "Billing questions answered in the first reply",
        "projects": ["first-contact-resolution", "quote-to-cash"],
        "posted_by": "Aisha Bello",
        "credited": ["Aisha Bello", "Kofi Mensah", "Elina Salo", "Oliver Smith"],
        "days_ago": 35,
        "story": "Support now sees each invoice and its corrections next to the ticket. Kofi and "
        "Aisha wrote answers to the ten most common billing questions, and Oliver fixed the CRM "
        "fields behind most wrong invoice addresses. Billing tickets solved in the first reply "
        "went from about half to nine in ten.",
        "cheers": {
            "Celebrate": ["Maria Nieminen", "Kaisa Rantanen", "Aino Lehtonen"],
            "Teamwork": ["Pekka Manninen", "Daniel Okafor"],
            "Applause": ["Jussi Korhonen", "Joel Lindqvist"],
        },
        "comments": [
            ("Kaisa Rantanen", 3, "Fewer corrected invoices means fewer credit notes at month "
             "end. @{Joel Lindqvist}, this one is for you."),
            ("Joel Lindqvist", 5, "Noticed already: eleven credit notes last month, thirty the "
             "month before."),
            ("Kofi Mensah", 24, "Next up: VAT questions from our Swedish customers. "
             "@{Aisha Bello}, coffee on Thursday?"),
        ],
    },
    {
        "title": "One order form for Sales and Operations",
        "projects": ["quote-to-cash"],
        "posted_by": "Pekka Manninen",
        "credited": ["Pekka Manninen", "Oliver Smith", "Julia Nowak", "Aino Lehtonen"],
        "days_ago": 30,
        "story": "Sales fills in one form and Operations starts from it: no more re-typing "
        "orders from e-mails. Julia tested it with the logistics team and Oliver connected it "
        "to the CRM. In the first week 14 orders came in, and none was sent back for missing "
        "details.",
        "cheers": {
            "Celebrate": ["Kaisa Rantanen", "Aisha Bello"],
            "Teamwork": ["Tiina Kettunen", "Sofia Marino"],
            "Big step": ["Priya Raman"],
            "Applause": ["Maria Nieminen"],
        },
        "comments": [
            ("Tiina Kettunen", 2, "Finally! The goods-received notes can use the same order "
             "number now."),
            ("Aino Lehtonen", 6, "Three days later than we promised, but worth it. Thank you "
             "@{Julia Nowak} for all the testing."),
        ],
    },
    {
        "title": "Orders arrive complete after the new form",
        "projects": ["quote-to-cash"],
        "posted_by": "Oliver Smith",
        "credited": ["Oliver Smith", "Pekka Manninen", "Tiina Kettunen"],
        "check_in": ("Orders complete on arrival", 28),
        "story": "In the first full week with the new order form, {value} % of orders could be "
        "started without a single question back to Sales, up from {baseline} % when we began "
        "measuring. The mandatory CRM fields did the rest.",
        "cheers": {
            "Applause": ["Aino Lehtonen", "Aisha Bello"],
            "Big step": ["Kaisa Rantanen"],
            "Celebrate": ["Julia Nowak", "Ahmed Farah"],
        },
        "comments": [
            ("Pekka Manninen", 4, "My team noticed before the report did: the Monday queue of "
             "questions was empty."),
        ],
    },
    {
        "title": "The price of our smallest plan is public",
        "projects": ["pricing-page"],
        "posted_by": "Marcus Hale",
        "credited": ["Marcus Hale", "Saara Hämäläinen", "Petri Niskanen", "Liam O'Connor"],
        "days_ago": 25,
        "story": "Prospects can now see what the smallest plan costs without booking a call. "
        "Petri checked the numbers for every currency, Saara wrote the plan descriptions in "
        "Finnish and English, and Liam redesigned the comparison table.",
        "cheers": {
            "Celebrate": ["Olivia Grant", "Ville Koskinen"],
            "Applause": ["Sofia Marino", "Priya Raman", "Aino Lehtonen"],
            "Big step": ["Kaisa Rantanen"],
            "Inspiring": ["Antti Järvinen"],
        },
        "comments": [
            ("Sofia Marino", 2, "My first three calls today skipped the price question "
             "entirely."),
            ("Olivia Grant", 4, "Thank you all. @{Yuki Tanaka}, can we see the exit rate by "
             "plan next week?"),
            ("Yuki Tanaka", 28, "The dashboard is shared in the project. Early days, but the "
             "trend is right."),
        ],
    },
    {
        "title": "Root-cause tags on every ticket",
        "projects": ["first-contact-resolution"],
        "posted_by": "Daniel Okafor",
        "credited": ["Daniel Okafor", "Amira Haddad", "Eeva Saarinen"],
        "days_ago": 22,
        "story": "Since Monday every ticket closes with a root-cause tag. Amira linked the tags "
        "to the bug tracker and Eeva built the weekly view, so Engineering sees at a glance "
        "which bugs cost us the most calls. Two days ahead of our promise, too.",
        "cheers": {
            "Celebrate": ["Maria Nieminen", "Mikko Laine", "Laura Mäkelä"],
            "Teamwork": ["Elina Salo", "Kofi Mensah", "Veera Lampinen"],
            "Inspiring": ["Noor Rahimi", "Ethan Brooks"],
        },
        "comments": [
            ("Mikko Laine", 2, "This is the list I have wanted for two years. @{Amira Haddad}, "
             "can we look at the top three in Thursday's planning?"),
            ("Amira Haddad", 3, "Already on the agenda. Number one is the slow order-history "
             "search: 41 tickets last week."),
            ("Veera Lampinen", 20, "@{Eeva Saarinen} could the health score use the same tags? "
             "Open tickets by root cause would tell us a lot."),
        ],
    },
    {
        "title": "Order-history search fixed: no tickets since",
        "projects": ["first-contact-resolution"],
        "posted_by": "Mikko Laine",
        "credited": ["Amira Haddad", "Ben Carter", "Maria Nieminen", "Kofi Mensah"],
        "days_ago": 15,
        "story": "The slow search on the order-history page was the most tagged root cause "
        "since tagging began. Amira rewrote the query, Ben tested it with the accounts of the "
        "ten customers who complained most, and Maria's team called each of them back. "
        "Tickets about it since Thursday: none.",
        "cheers": {
            "Celebrate": ["Daniel Okafor", "Elina Salo", "Eeva Saarinen"],
            "Applause": ["Hanna Virtanen", "Lucas Moreau"],
            "Big step": ["Oskari Heikkinen", "Grace Adeyemi"],
        },
        "comments": [
            ("Kofi Mensah", 4, "Two of the customers we called back said thank you on the "
             "phone. That doesn't happen every day."),
            ("Daniel Okafor", 8, "@{Ben Carter} could your test accounts go into the "
             "regression suite?"),
            ("Ben Carter", 24, "Done: they run every night now."),
        ],
    },
    {
        "title": "First invoice one day after signature",
        "projects": ["quote-to-cash"],
        "posted_by": "Aisha Bello",
        "credited": ["Aisha Bello", "Aino Lehtonen", "Pekka Manninen"],
        "days_ago": 13,
        "story": "A regional hospital signed on Tuesday and had its first invoice on Wednesday, "
        "our fastest quote-to-cash ever. The order form was complete, the invoice template "
        "pre-filled, and Pekka's team started delivery the same afternoon. Five days is "
        "realistic, not just a target.",
        "cheers": {
            "Celebrate": ["Kaisa Rantanen", "Oliver Smith", "Marcus Hale"],
            "Big step": ["Maria Nieminen", "Mikko Laine"],
            "Applause": ["Petri Niskanen", "Sofia Marino"],
        },
        "comments": [
            ("Kaisa Rantanen", 1, "This is the story for Friday's leadership meeting. "
             "@{Aino Lehtonen}, will you present it?"),
            ("Aino Lehtonen", 3, "Happy to. @project, I'll show the timeline step by step, so "
             "tell me if I get your part wrong."),
        ],
    },
    {
        "title": "Venue on hold for the customer conference",
        "projects": ["customer-conference-2027"],
        "posted_by": "Fatima Zahra",
        "credited": ["Fatima Zahra", "Tomás Herrera", "Mei Lin"],
        "days_ago": 6,
        "story": "The old cable factory is on hold for two days next year, at the price we "
        "budgeted. Tomás found two partners willing to co-sponsor the venue, and Mei's "
        "community champions will help shape the agenda.",
        # A members-only project: only its members can see the win, so only they cheer.
        "cheers": {"Celebrate": ["Mei Lin"], "Big step": ["Tomás Herrera"]},
        "comments": [
            ("Mei Lin", 3, "Four champions have already said yes to speaking."),
        ],
    },
    {
        "title": "First-contact resolution at its best week yet",
        "projects": ["first-contact-resolution"],
        "posted_by": "Eeva Saarinen",
        "credited": ["Maria Nieminen", "Daniel Okafor", "Amira Haddad", "Eeva Saarinen"],
        "check_in": ("First-contact resolution", "latest"),
        "story": "{value} % of last week's tickets were solved in the first reply, up from "
        "{baseline} % when we started. The root-cause tags and the order-history fix are paying "
        "off: the slow search alone used to bring in forty tickets a week.",
        "cheers": {
            "Celebrate": ["Mikko Laine", "Elina Salo", "Aino Lehtonen", "Kaisa Rantanen"],
            "Applause": ["Noor Rahimi", "Hanna Virtanen"],
            "Big step": ["Laura Mäkelä"],
        },
        "comments": [
            ("Mikko Laine", 1, "Well earned. @project, thank you all: this is what joint work "
             "looks like."),
            ("Maria Nieminen", 2, "Thanks @{Eeva Saarinen} for keeping the numbers honest. The "
             "shared definition of 'resolved' held up."),
            ("Hanna Virtanen", 4, "Customers notice too: two of my accounts mentioned faster "
             "answers in this week's calls."),
        ],
    },
    {
        "title": "Laptop and access ready on day one for most new starters",
        "projects": ["onboarding-that-sticks"],
        "posted_by": "Rafael Costa",
        "credited": ["Rafael Costa", "Riikka Tuominen", "Laura Mäkelä", "Chen Wei"],
        "check_in": ("Access ready on day one", "latest"),
        "story": "{value} % of last week's new colleagues had their laptop and every access on "
        "the first morning, up from {baseline} % when we started. Laura automated the access "
        "groups per role, and laptops are now set up the week before.",
        "cheers": {
            "Celebrate": ["Leila Karimi", "Samuel Eriksson", "Maria Nieminen"],
            "Applause": ["Mikko Laine", "Niko Aalto"],
            "Big step": ["Ahmed Farah"],
        },
        "comments": [
            ("Chen Wei", 2, "The engineering starters had their repositories on day one too. "
             "Thank you @{Laura Mäkelä}!"),
            ("Niko Aalto", 6, "Managers noticed: nobody asked me about missing access this "
             "week."),
            ("Leila Karimi", 8, "@{Maria Nieminen}, could Support's two new starters next "
             "month join the buddy programme?"),
        ],
    },
    {
        "title": "Fewer first calls start with the price",
        "projects": ["pricing-page"],
        "posted_by": "Ville Koskinen",
        "credited": ["Ville Koskinen", "Marcus Hale", "Olivia Grant", "Ethan Brooks"],
        "check_in": ("Calls starting with 'what does it cost?'", "latest"),
        "story": "Only {value} % of last week's first sales calls opened with the price "
        "question, down from {baseline} %. Calls now start with what the customer needs. Ethan "
        "matched the call notes with page visits to check that the page made the difference.",
        "cheers": {
            "Celebrate": ["Saara Hämäläinen", "Petri Niskanen", "Maria Nieminen"],
            "Applause": ["Aino Lehtonen", "Jussi Korhonen"],
            "Inspiring": ["Noor Rahimi"],
        },
        "comments": [
            ("Maria Nieminen", 3, "Could Support's macros use the same plain wording? "
             "@{Saara Hämäläinen}, I'd love your help."),
            ("Saara Hämäläinen", 5, "Gladly, @{Maria Nieminen}. Send me the ten you use most."),
        ],
    },
]  # fmt: skip

# Status updates per project: cadence, then (days ago, health, what happened, what's next).
# Each promises the next one a cadence later; the pricing page's last promise has passed.
STATUS_UPDATES = {
    "first-contact-resolution": (UpdateCadence.WEEKLY, [
        (38, "on_track",
         "Answers to the ten most common billing questions are written; Aisha from Finance "
         "joined to check them. Root-cause tagging is running on one queue as a pilot.",
         "Publish the billing answers in the macro library and extend tagging to every queue."),
        (31, "on_track",
         "Billing answers live, two days late; billing tickets are now mostly solved in the "
         "first reply. Tagging pilot: 200 tickets tagged and the categories hold up.",
         "Roll root-cause tags out to every queue."),
        (24, "at_risk",
         "Two colleagues on sick leave and a spike after the release: first-contact resolution "
         "dipped. The tag rollout continues.",
         "Elina covers the tier-2 queue; Maria reviews staffing with Mikko on Monday."),
        (17, "on_track",
         "Tags on every ticket since Wednesday, two days early. First pattern: the slow "
         "order-history search causes one call in ten.",
         "Amira fixes the search; Eeva adds the root-cause report to the Monday meeting."),
        (10, "on_track",
         "Search fixed and tested with the customers who complained. The root-cause report is "
         "now a standing item in the Monday meeting.",
         "Start the weekly 'top five pains' review with Engineering and write a "
         "knowledge-base article for each pain."),
        (3, "on_track",
         "Best week yet for first-contact resolution. Escalations to Engineering are falling, "
         "slowly.",
         "First 'top five pains' review and its articles; agree the repeat-contacts metric "
         "with Data & Analytics."),
    ]),
    "quote-to-cash": (UpdateCadence.FORTNIGHTLY, [
        (68, "on_track",
         "Mapped quote to cash with Sales, Finance and Operations: 19 working days on average "
         "and six handovers.",
         "Design one order form for Sales and Operations; make the fields Operations needs "
         "mandatory in the CRM."),
        (54, "at_risk",
         "The CRM changes wait for IT, who cannot start before next month.",
         "Kaisa asks the leadership team for CRM time; Oliver prepares the field changes."),
        (40, "off_track",
         "Days from signature to first invoice went up, not down: the order form is late and "
         "the end-of-quarter rush filled Operations' queue.",
         "Ship the order form without the CRM link first; Aisha drafts a pre-filled invoice "
         "template."),
        (26, "at_risk",
         "Order form live, three days late. Orders complete on arrival jumped; invoices still "
         "wait for manual steps.",
         "Operations starts delivery the day an order arrives; pre-filled invoice template by "
         "mid-month."),
        (12, "on_track",
         "Invoice template in use and deliveries start the same day. This week our first "
         "invoice went out one day after signature.",
         "Invoice straight from the CRM (late, now our top priority) and a weekly report to "
         "the leadership team."),
    ]),
    "onboarding-that-sticks": (UpdateCadence.MONTHLY, [
        (58, "on_track",
         "Kick-off with HR, Operations and Engineering. New colleagues miss three things in "
         "their first week: access, context and people to ask.",
         "Pilot buddies with two new engineers; draft an access checklist per role with IT."),
        (30, "at_risk",
         "Every starter this month has a buddy. Day-one access still fails for one in three, "
         "mostly because hiring managers leave out the role details.",
         "Samuel adds role details to the hiring form; Rafael sets laptops up the week before "
         "the start date."),
        (2, "on_track",
         "Laptops set up in advance and access groups automated per role: most starters now "
         "have everything on day one.",
         "Engineering access groups in the checklist, and the buddy question in the 90-day "
         "survey."),
    ]),
    "pricing-page": (UpdateCadence.WEEKLY, [
        (39, "on_track",
         "Collected the twenty questions prospects ask most on first calls. Finance agreed we "
         "can publish the price of the smallest plan.",
         "Draft the new page and a plan comparison table."),
        (32, "on_track",
         "Sales and Product reviewed the draft; Saara rewrote the plan descriptions in plain "
         "language.",
         "Publish the smallest plan's price and the FAQ."),
        (25, "at_risk",
         "Price published, a day late. The exit rate has barely moved yet.",
         "Finance checks the comparison table; Ville plans an A/B test of the new layout."),
        (18, "at_risk",
         "FAQ live, and fewer first calls start with the price. The exit rate is still far "
         "from the target.",
         "Comparison table checked by Finance; A/B test design agreed with Marketing."),
        (11, "at_risk",
         "Comparison table approved. The A/B test needs traffic we only get once the campaign "
         "launches.",
         "Start the A/B test when the campaign launches and report the first results."),
    ]),
}  # fmt: skip

# Promises beyond those of projects/demo.py: (project slug, title, owner, due in days,
# delivered in days or None). Negative days are in the past. Together each active project
# keeps most of its promises, some early, some on the day, some late; a few fall due within
# two days, for the reminders.
COMMITMENTS = [
    ("first-contact-resolution", "Password reset link in the first auto-reply",
     "Elina Salo", -60, -60),
    ("first-contact-resolution", "Billing answers in the macro library", "Aisha Bello", -38, -36),
    ("first-contact-resolution", "Root-cause report in the Monday meeting",
     "Eeva Saarinen", -15, -17),
    ("first-contact-resolution", "Fix the slow order-history search", "Amira Haddad", -14, -15),
    ("first-contact-resolution", "Knowledge-base article on the order-history search",
     "Elina Salo", 1, None),
    ("quote-to-cash", "CRM fields Operations needs made mandatory", "Oliver Smith", -45, -46),
    ("quote-to-cash", "Delivery starts the day an order arrives", "Pekka Manninen", -21, -24),
    ("quote-to-cash", "Pre-filled invoice template", "Aisha Bello", -14, -14),
    ("quote-to-cash", "Weekly quote-to-cash report to the leadership team",
     "Kaisa Rantanen", 2, None),
    ("onboarding-that-sticks", "Buddy list for this month's starters", "Leila Karimi", -42, -41),
    ("onboarding-that-sticks", "Laptops set up before the first day", "Rafael Costa", -20, -20),
    ("onboarding-that-sticks", "First-week schedule template", "Riikka Tuominen", -10, -12),
    ("onboarding-that-sticks", "Engineering access groups in the checklist", "Chen Wei", 1, None),
    ("pricing-page", "Publish the price of the smallest plan", "Saara Hämäläinen", -26, -25),
    ("pricing-page", "FAQ from the ten most common call questions", "Marcus Hale", -18, -19),
    ("pricing-page", "Plan comparison table checked by Finance", "Petri Niskanen", -12, -12),
    ("pricing-page", "A/B test plan ready for the campaign launch", "Ville Koskinen", 2, None),
    ("customer-health-score", "Health-score definition signed by three teams",
     "Veera Lampinen", -84, -80),
    ("customer-health-score", "Pipeline design shared for comments", "Arjun Mehta", -76, -78),
]  # fmt: skip

# Created after the wins, so seeding never tries to post to it; one failed delivery shows
# leads what a broken webhook looks like.
WEBHOOK = {
    "project": "first-contact-resolution",
    "name": "#fcr-team",
    "url": "https://chat.example.invalid/hooks/demo",
    "flavour": WebhookFlavour.SLACK,
    "error": "Connection refused",
    "attempts": 4,
}

# The timeline shows the start of "what's next", as projects.update_services.update_post does.
SUMMARY_WORDS = 12
# Older notifications were read long ago; the last week's are still waiting.
READ_AFTER = datetime.timedelta(days=7)
MENTION_BY_NAME = re.compile(r"@\{([^}]+)\}")


@transaction.atomic
def seed_celebrations():
    """Wins, cheers, comments, status updates, promises and a chat webhook for the demo
    projects; returns what was created, by kind. A second run creates nothing."""
    find = demo_people()
    projects = {project.slug: project for project in ProjectPage.objects.all()}
    _add_members(projects, find)
    summary = {"wins": 0, "cheers": 0, "comments": 0}
    offered = {reaction.name: reaction for reaction in Reaction.objects.filter(is_offered=True)}
    for spec in WINS:
        posted = _post_win(spec, projects, find, offered)
        if posted is not None:
            summary["wins"] += 1
            summary["cheers"] += posted[0]
            summary["comments"] += posted[1]
    summary["status_updates"] = _post_status_updates(projects)
    summary["commitments"] = _make_commitments(projects, find)
    summary["chat_webhooks"] = _add_webhook(projects)
    return summary


def _add_members(projects, find):
    for slug, name, brings, in_it, days_ago in NEW_MEMBERS:
        if slug not in projects:
            continue
        person = find(name)
        joined = timezone.now() - datetime.timedelta(days=days_ago)
        _membership, created = Membership.objects.get_or_create(
            project=projects[slug],
            person=person,
            defaults={
                "role": Role.MEMBER,
                "department": person.department,
                "what_i_bring": brings,
                "whats_in_it_for_my_team": in_it,
                "joined_at": joined,
            },
        )
        if created:
            Activity.objects.create(
                project=projects[slug],
                actor=person,
                kind=ActivityKind.JOINED,
                summary=person.department.name,
                created_at=joined,
            )


def _post_win(spec, projects, find, offered):
    """Post one win as it happened on its day; None when it exists or cannot be told."""
    if Win.objects.filter(title=spec["title"]).exists():
        return None
    if any(slug not in projects for slug in spec["projects"]):
        return None
    win_projects = [projects[slug] for slug in spec["projects"]]
    story, check_in = spec["story"], None
    if "check_in" in spec:
        check_in = _check_in(win_projects[0], *spec["check_in"])
        if check_in is None:
            return None
        day = check_in.day
        story = story.format(
            value=_whole(check_in.value), baseline=_whole(check_in.metric.baseline_value)
        )
    else:
        day = timezone.localdate() - datetime.timedelta(days=spec["days_ago"])
    win = win_post(
        person=find(spec["posted_by"]),
        projects=win_projects,
        title=spec["title"],
        credited=[find(name) for name in spec["credited"]],
        story=format_html("<p>{}</p>", story),
        day=day,
        check_in=check_in,
    )
    # win_post dates everything now: move the win, its timeline entries and the credit
    # notifications back to the day it happened.
    posted_at = _morning_of(day)
    Win.objects.filter(pk=win.pk).update(created_at=posted_at)
    Activity.objects.filter(
        project__in=win_projects, kind=ActivityKind.WIN_POSTED, summary=win.title
    ).update(created_at=posted_at)
    backdate_notifications(
        Notification.objects.filter(kind=NotificationKind.CREDITED, url=win_url(win)), posted_at
    )
    return _cheer(win, spec["cheers"], posted_at, find, offered), _comment(
        win, spec["comments"], posted_at, find
    )


def _check_in(project, metric_name, when):
    """The metric's latest check-in, or the one nearest `when` days ago."""
    metric = Metric.objects.filter(project=project, name=metric_name).first()
    check_ins = list(metric.check_ins.select_related("metric")) if metric else []
    if not check_ins:
        return None
    if when == "latest":
        return check_ins[-1]
    target = timezone.localdate() - datetime.timedelta(days=when)
    return min(check_ins, key=lambda entry: abs((entry.day - target).days))


def _cheer(win, cheers_by_reaction, posted_at, find, offered):
    given = [
        (find(name), offered[reaction])
        for reaction, names in cheers_by_reaction.items()
        if reaction in offered  # an administrator may have retired it
        for name in names
    ]
    for person, reaction in given:
        cheer_toggle(win=win, person=person, reaction=reaction, cheer=True)
    # Cheers trickle in over the day rather than all at once.
    cheers = list(Cheer.objects.filter(win=win).order_by("pk"))
    moments = _after(posted_at, [0.5 + 1.25 * position for position in range(len(cheers))])
    for cheer, moment in zip(cheers, moments, strict=True):
        cheer.created_at = moment
    Cheer.objects.bulk_update(cheers, ["created_at"])
    return len(cheers)


def _comment(win, comments, posted_at, find):
    moments = _after(posted_at, [hours for _author, hours, _text in comments])
    for (author, _hours, text), moment in zip(comments, moments, strict=True):
        comment = comment_add(win=win, author=find(author), text=_mentions(text, find))
        WinComment.objects.filter(pk=comment.pk).update(created_at=moment)
        backdate_notifications(
            Notification.objects.filter(url=f"{win_url(win)}#comment-{comment.pk}"), moment
        )
    return len(comments)


def _mentions(text, find):
    """Turn "@{Laura Mäkelä}" into "@laura.makela", checking that the person exists."""
    return MENTION_BY_NAME.sub(lambda match: "@" + find(match[1]).user.username, text)


def backdate_notifications(notifications, moment):
    """Demo notifications are history: dated when it happened, already e-mailed back then,
    and read unless recent, so the demo login finds a few new ones, not a flood."""
    read = moment < timezone.now() - READ_AFTER
    notifications.update(
        created_at=moment,
        email_state=EmailState.SENT,
        emailed_at=moment,
        read_at=moment + datetime.timedelta(hours=2) if read else None,
    )


def _post_status_updates(projects):
    """A history of updates for projects with none yet, with the cadence they promise."""
    created = 0
    today = timezone.localdate()
    for slug, (cadence, history) in STATUS_UPDATES.items():
        project = projects.get(slug)
        if project is None or project.status_updates.exists():
            continue
        lead = _lead(project)
        updates, events = [], []
        for days_ago, health, what_happened, whats_next in history:
            day = today - datetime.timedelta(days=days_ago)
            posted_at = demo_moment(day, 16)
            updates.append(
                StatusUpdate(
                    project=project,
                    author=lead,
                    health=health,
                    what_happened=what_happened,
                    whats_next=whats_next,
                    next_update_due=day + datetime.timedelta(days=cadence.days),
                    created_at=posted_at,
                )
            )
            events.append(
                Activity(
                    project=project,
                    actor=lead,
                    kind=ActivityKind.UPDATE_POSTED,
                    detail=health,
                    summary=Truncator(whats_next).words(SUMMARY_WORDS, truncate="…"),
                    created_at=posted_at,
                )
            )
        StatusUpdate.objects.bulk_create(updates)
        Activity.objects.bulk_create(events)
        _set_cadence(project, cadence, updates[-1].next_update_due)
        created += len(updates)
    return created


def _set_cadence(project, cadence, next_update_due):
    """Set the cadence without a new revision, and in the latest revision too, so the next
    edit in the Wagtail admin keeps it."""
    ProjectPage.objects.filter(pk=project.pk).update(
        update_cadence=cadence, next_update_due=next_update_due
    )
    revision = project.latest_revision
    if revision is not None:
        revision.content["update_cadence"] = cadence.value
        revision.content["next_update_due"] = next_update_due.isoformat()
        revision.save(update_fields=["content"])


def _make_commitments(projects, find):
    """Promises made and kept (or not) in the past: created as they were, with their
    timeline entries, since the services only accept dates from today on."""
    today = timezone.localdate()
    commitments, events = [], []
    for slug, title, owner_name, due_in, delivered_in in COMMITMENTS:
        project = projects.get(slug)
        if project is None or project.commitments.filter(title=title).exists():
            continue
        lead, owner = _lead(project), find(owner_name)
        due_date = today + datetime.timedelta(days=due_in)
        made_at = demo_moment(min(due_date - datetime.timedelta(days=12), today), 11)
        delivered_on = (
            None if delivered_in is None else today + datetime.timedelta(days=delivered_in)
        )
        commitments.append(
            Commitment(
                project=project,
                title=title,
                owner=owner,
                due_date=due_date,
                created_by=lead,
                created_at=made_at,
                delivered_on=delivered_on,
            )
        )
        events.append(
            Activity(
                project=project,
                actor=lead,
                kind=ActivityKind.COMMITMENT_MADE,
                summary=title,
                created_at=made_at,
            )
        )
        if delivered_on is not None:
            events.append(
                Activity(
                    project=project,
                    actor=owner,
                    kind=ActivityKind.COMMITMENT_DELIVERED,
                    summary=title,
                    created_at=demo_moment(delivered_on, 14),
                )
            )
    Commitment.objects.bulk_create(commitments)
    Activity.objects.bulk_create(events)
    return len(commitments)


def _add_webhook(projects):
    project = projects.get(WEBHOOK["project"])
    if project is None:
        return 0
    webhook, created = ChatWebhook.objects.get_or_create(
        project=project,
        name=WEBHOOK["name"],
        defaults={
            "url": WEBHOOK["url"],
            "flavour": WEBHOOK["flavour"],
            "created_by": _lead(project),
        },
    )
    latest_win = Win.objects.in_project(project).newest_first().first()
    if not created or latest_win is None:
        return int(created)
    # Set up shortly before the project's latest win, whose post then failed four times.
    webhook.created_at = min(
        timezone.now() - datetime.timedelta(days=3),
        latest_win.created_at - datetime.timedelta(hours=1),
    )
    webhook.save(update_fields=["created_at"])
    WebhookDelivery.objects.create(
        webhook=webhook,
        win=latest_win,
        status=DeliveryStatus.FAILED,
        attempts=WEBHOOK["attempts"],
        last_error=WEBHOOK["error"],
        created_at=latest_win.created_at,
    )
    return 1


def _lead(project):
    return project.memberships.leads().select_related("person").first().person


def demo_moment(day, hour):
    """`hour` o'clock local time on `day`, but never in the future."""
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))
    return min(moment, timezone.now() - datetime.timedelta(minutes=5))


def _morning_of(day):
    """When a win of `day` was posted: mid-morning, or a few hours ago if that is today."""
    return min(demo_moment(day, 9) + datetime.timedelta(minutes=30), _hours_ago(4))


def _hours_ago(hours):
    return timezone.now() - datetime.timedelta(hours=hours)


def _after(start, hours):
    """Moments `hours` after `start`, squeezed proportionally to end before now."""
    if not hours:
        return []
    room = (timezone.now() - start).total_seconds() / 3600 * 0.9
    scale = min(1.0, room / max(hours)) if max(hours) > 0 else 1.0
    return [start + datetime.timedelta(hours=h * scale) for h in hours]


def _whole(value):
    """68.350000 → "68": rounded, as people say it."""
    return f"{value:.0f}"
