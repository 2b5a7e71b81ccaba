"""A believable organisation for the demo: departments, people, bios, topics and portraits."""

import io

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.files.images import ImageFile
from django.db import transaction
from django.utils.text import slugify
from wagtail.images import get_image_model
from wagtail.models import Collection

from .avatars import render_avatar
from .models import Department, Person

# name, description, colour, parent (by name)
DEPARTMENTS = [
    ("Sales", "Finds and wins the customers who need what we make.", "#1d4ed8", None),
    (
        "Customer Support",
        "First line for every customer question, complaint and idea.",
        "#0f766e",
        None,
    ),
    ("Engineering", "Builds and runs the product and the platform under it.", "#7c3aed", None),
    ("Product", "Decides what we build next and why, with customers and data.", "#c2410c", None),
    ("Marketing", "Tells our story and brings in the leads Sales follows up.", "#db2777", None),
    ("Finance", "Budgets, billing, forecasts and keeping the lights on.", "#15803d", None),
    ("HR", "Hiring, onboarding, growth and well-being of our people.", "#b45309", None),
    (
        "Operations",
        "Logistics, facilities and the processes that hold it together.",
        "#475569",
        None,
    ),
    (
        "Data & Analytics",
        "Dashboards, data pipelines and the numbers everyone argues about.",
        "#0369a1",
        "Engineering",
    ),
    # In no project yet: the collaboration map shows it as a silo, with a suggested partner.
    (
        "Legal",
        "Contracts, privacy and compliance, so we can say yes safely.",
        "#9f1239",
        None,
    ),
]

# first, last, department, title, topics, bio
PEOPLE = [
    (
        "Aino",
        "Lehtonen",
        "Sales",
        "Head of Sales",
        ["negotiation", "pricing"],
        "Has sold to half the hospitals in the region and remembers every buyer's name.",
    ),
    (
        "Marcus",
        "Hale",
        "Sales",
        "Account Executive",
        ["enterprise deals", "CRM"],
        "Turns long procurement processes into signed contracts, patiently.",
    ),
    (
        "Sofia",
        "Marino",
        "Sales",
        "Sales Development Rep",
        ["prospecting", "cold email"],
        "Opens the first conversation with new customers every single day.",
    ),
    (
        "Jussi",
        "Korhonen",
        "Sales",
        "Key Account Manager",
        ["renewals", "public sector"],
        "Looks after our largest public-sector customers and their renewals.",
    ),
    (
        "Priya",
        "Raman",
        "Sales",
        "Solutions Consultant",
        ["demos", "integrations"],
        "Shows customers how the product fits their workflow, live.",
    ),
    (
        "Tomás",
        "Herrera",
        "Sales",
        "Partner Manager",
        ["resellers", "partnerships"],
        "Builds the reseller network in the Nordics and Baltics.",
    ),
    (
        "Maria",
        "Nieminen",
        "Customer Support",
        "Head of Customer Support",
        ["escalations", "service design"],
        "Believes no customer should have to explain their problem twice.",
    ),
    (
        "Kofi",
        "Mensah",
        "Customer Support",
        "Support Specialist",
        ["billing questions", "onboarding"],
        "Answers the tricky billing questions nobody else wants to touch.",
    ),
    (
        "Elina",
        "Salo",
        "Customer Support",
        "Team Lead, Tier 2",
        ["knowledge base", "macros"],
        "Keeps the knowledge base honest and up to date.",
    ),
    (
        "Daniel",
        "Okafor",
        "Customer Support",
        "Support Engineer",
        ["API troubleshooting", "logs"],
        "Reads log files for fun and finds the bug before Engineering does.",
    ),
    (
        "Hanna",
        "Virtanen",
        "Customer Support",
        "Customer Success Manager",
        ["adoption", "training"],
        "Makes sure customers actually use what they bought.",
    ),
    (
        "Lucas",
        "Moreau",
        "Customer Support",
        "Support Specialist",
        ["French", "accessibility"],
        "Supports our French-speaking customers and cares about accessibility.",
    ),
    (
        "Mikko",
        "Laine",
        "Engineering",
        "VP Engineering",
        ["architecture", "hiring engineers"],
        "Has been here since the first line of code and still reviews pull requests.",
    ),
    (
        "Amira",
        "Haddad",
        "Engineering",
        "Staff Engineer",
        ["performance", "PostgreSQL"],
        "Makes slow things fast and explains why they were slow.",
    ),
    (
        "Oskari",
        "Heikkinen",
        "Engineering",
        "Backend Developer",
        ["Django", "APIs"],
        "Builds the APIs our integrations run on.",
    ),
    (
        "Chen",
        "Wei",
        "Engineering",
        "Frontend Developer",
        ["design systems", "accessibility"],
        "Keeps our interface consistent, fast and usable with a keyboard.",
    ),
    (
        "Laura",
        "Mäkelä",
        "Engineering",
        "Site Reliability Engineer",
        ["incidents", "monitoring"],
        "Carries the pager with calm and writes the best post-mortems.",
    ),
    (
        "Ben",
        "Carter",
        "Engineering",
        "QA Engineer",
        ["test automation", "release process"],
        "Finds the edge cases before customers do.",
    ),
    (
        "Noor",
        "Rahimi",
        "Product",
        "Head of Product",
        ["roadmap", "customer interviews"],
        "Talks to five customers a week and brings what she hears back to everyone.",
    ),
    (
        "Ville",
        "Koskinen",
        "Product",
        "Product Manager",
        ["pricing", "experiments"],
        "Runs the experiments that decide what ships next.",
    ),
    (
        "Grace",
        "Adeyemi",
        "Product",
        "Product Designer",
        ["user research", "prototyping"],
        "Sketches first, asks questions second, prototypes third.",
    ),
    (
        "Ethan",
        "Brooks",
        "Product",
        "Product Analyst",
        ["metrics", "SQL"],
        "Knows which metric moved and, usually, why.",
    ),
    (
        "Saara",
        "Hämäläinen",
        "Product",
        "UX Writer",
        ["plain language", "Finnish"],
        "Makes every button say exactly what it does.",
    ),
    (
        "Olivia",
        "Grant",
        "Marketing",
        "Head of Marketing",
        ["brand", "campaigns"],
        "Connects what we build with the people who need it.",
    ),
    (
        "Antti",
        "Järvinen",
        "Marketing",
        "Content Lead",
        ["case studies", "writing"],
        "Writes the customer stories Sales sends to every prospect.",
    ),
    (
        "Yuki",
        "Tanaka",
        "Marketing",
        "Growth Marketer",
        ["webinars", "SEO"],
        "Fills the webinar seats and measures every click.",
    ),
    (
        "Fatima",
        "Zahra",
        "Marketing",
        "Events Manager",
        ["events", "community"],
        "Runs the user conference and knows every venue in Helsinki.",
    ),
    (
        "Liam",
        "O'Connor",
        "Marketing",
        "Marketing Designer",
        ["illustration", "brand"],
        "Draws the illustrations you see on our website.",
    ),
    (
        "Kaisa",
        "Rantanen",
        "Finance",
        "CFO",
        ["budgeting", "forecasts"],
        "Turns plans into numbers and numbers back into plans.",
    ),
    (
        "Joel",
        "Lindqvist",
        "Finance",
        "Financial Controller",
        ["month-end close", "audit"],
        "Closes the books on time, every month.",
    ),
    (
        "Aisha",
        "Bello",
        "Finance",
        "Billing Specialist",
        ["invoicing", "billing questions"],
        "Fixes invoices and explains them to customers in plain words.",
    ),
    (
        "Petri",
        "Niskanen",
        "Finance",
        "FP&A Analyst",
        ["spreadsheets", "unit economics"],
        "Can build a three-statement model before lunch.",
    ),
    (
        "Emma",
        "Johansson",
        "Finance",
        "Procurement Lead",
        ["contracts", "vendors"],
        "Negotiates with our suppliers and reads the fine print.",
    ),
    (
        "Riikka",
        "Tuominen",
        "HR",
        "Head of People",
        ["onboarding", "well-being"],
        "Wants every new colleague to feel at home in their first week.",
    ),
    (
        "Samuel",
        "Eriksson",
        "HR",
        "Recruiter",
        ["hiring", "interviews"],
        "Finds the people who make the difference, and calls them back.",
    ),
    (
        "Leila",
        "Karimi",
        "HR",
        "Learning & Development",
        ["training", "mentoring"],
        "Runs the mentoring programme that pairs people across departments.",
    ),
    (
        "Niko",
        "Aalto",
        "HR",
        "HR Partner",
        ["employment law", "policies"],
        "Helps managers with the difficult conversations.",
    ),
    (
        "Ingrid",
        "Berg",
        "HR",
        "People Analyst",
        ["surveys", "engagement"],
        "Runs the engagement survey and shows what changed.",
    ),
    (
        "Pekka",
        "Manninen",
        "Operations",
        "COO",
        ["processes", "logistics"],
        "Makes sure what Sales promises is what Operations can deliver.",
    ),
    (
        "Julia",
        "Nowak",
        "Operations",
        "Logistics Coordinator",
        ["shipping", "suppliers"],
        "Knows where every delivery is, right now.",
    ),
    (
        "Ahmed",
        "Farah",
        "Operations",
        "Facilities Manager",
        ["offices", "safety"],
        "Keeps our offices safe, warm and full of coffee.",
    ),
    (
        "Tiina",
        "Kettunen",
        "Operations",
        "Process Improvement Lead",
        ["lean", "workshops"],
        "Facilitates the workshops where departments fix handovers together.",
    ),
    (
        "Rafael",
        "Costa",
        "Operations",
        "IT Service Manager",
        ["laptops", "access rights"],
        "Gets new colleagues their laptops and access on day one.",
    ),
    (
        "Veera",
        "Lampinen",
        "Data & Analytics",
        "Head of Data",
        ["data strategy", "dashboards"],
        "Believes one shared definition beats ten accurate dashboards.",
    ),
    (
        "Arjun",
        "Mehta",
        "Data & Analytics",
        "Data Engineer",
        ["pipelines", "dbt"],
        "Builds the pipelines that feed every dashboard.",
    ),
    (
        "Eeva",
        "Saarinen",
        "Data & Analytics",
        "Data Analyst",
        ["SQL", "customer churn"],
        "Answers 'why did churn go up?' with data, not guesses.",
    ),
    (
        "Oliver",
        "Smith",
        "Sales",
        "Sales Operations Analyst",
        ["CRM", "forecasting"],
        "Keeps the sales pipeline clean enough for Finance to trust it.",
    ),
    (
        "Mei",
        "Lin",
        "Customer Support",
        "Community Manager",
        ["community", "forums"],
        "Looks after our customer community forum and its champions.",
    ),
    (
        "Sara",
        "Lindholm",
        "Legal",
        "Head of Legal",
        ["contracts", "GDPR"],
        "Reads the small print so the rest of us do not have to.",
    ),
    (
        "Jonas",
        "Berg",
        "Legal",
        "Legal Counsel",
        ["privacy", "procurement law"],
        "Turns legal risks into plain choices, preferably on one page.",
    ),
    (
        "Tobias",
        "Nyberg",
        "Legal",
        "Compliance Specialist",
        ["compliance", "policies"],
        "Keeps our certifications current and our audits uneventful.",
    ),
]

PHOTO_COLLECTION = "People photos"


def demo_username(first, last):
    """firstname.lastname in plain ASCII: "Laura Mäkelä" logs in as laura.makela."""
    return f"{slugify(first).replace('-', '')}.{slugify(last).replace('-', '')}"


@transaction.atomic
def seed_organisation(*, demo_password=None):
    """Create or update the demo organisation; returns (departments, people) created counts."""
    departments = {}
    created_departments = 0
    for name, description, colour, _parent in DEPARTMENTS:
        department, created = Department.objects.update_or_create(
            slug=slugify(name),
            defaults={"name": name, "description": description, "colour": colour},
        )
        departments[name] = department
        created_departments += created
    for name, *_rest, parent in DEPARTMENTS:
        if parent:
            departments[name].parent = departments[parent]
            departments[name].save(update_fields=["parent"])

    collection = _photo_collection()
    user_model = get_user_model()
    # One hash for everyone: hashing is deliberately slow, and this is a shared demo password.
    password_hash = make_password(demo_password) if demo_password else make_password(None)
    created_people = 0
    for first, last, department_name, title, topics, bio in PEOPLE:
        username = demo_username(first, last)
        user, _created = user_model.objects.update_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@commonground.example",
            },
        )
        user.password = password_hash
        user.save(update_fields=["password"])
        department = departments[department_name]
        person, created = Person.objects.update_or_create(
            user=user, defaults={"department": department, "job_title": title, "bio": bio}
        )
        person.ask_me_about.set(topics)
        if person.photo_id is None:
            person.photo = _portrait(person, department, collection)
            person.save(update_fields=["photo"])
        created_people += created
    return created_departments, created_people


def _photo_collection():
    existing = Collection.objects.filter(name=PHOTO_COLLECTION).first()
    if existing:
        return existing
    return Collection.get_first_root_node().add_child(name=PHOTO_COLLECTION)


def _portrait(person, department, collection):
    image_model = get_image_model()
    title = f"Portrait of {person.full_name}"
    content = render_avatar(person.full_name, department.colour)
    image = image_model(title=title, collection=collection)
    image.file = ImageFile(io.BytesIO(content), name=f"{person.user.username}.png")
    image.save()
    return image
