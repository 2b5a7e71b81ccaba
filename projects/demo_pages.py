"""The demo's live blocks: the home page and one guide show projects, wins, metrics and people.

Runs after seed_retrospectives(), once there is something live to show. The home page body is
rebuilt from the intranet's content blocks (intranet.demo.HOME_BODY) with the live blocks
placed between them, so running the seed again leaves the same page.
"""

import io
import math

from django.core.files.images import ImageFile
from django.db import transaction
from PIL import Image, ImageDraw
from wagtail.images import get_image_model
from wagtail.models import Site

from intranet.demo import GUIDES, HOME_BODY
from intranet.models import HomePage, StandardPage
from organisation.models import Department

from .demo import demo_people
from .models import Metric, ProjectPage

FEATURED_PROJECTS = ["first-contact-resolution", "quote-to-cash", "onboarding-that-sticks"]
FEATURED_METRIC = ("first-contact-resolution", "First-contact resolution")
SPOTLIGHT = [
    ("Amira Haddad", "Fixed order-history search with Support: those tickets stopped."),
    ("Pekka Manninen", "One order form for Sales and Operations; orders now arrive complete."),
    ("Chen Wei", "Self-service password reset, and a buddy for every new starter."),
]
GUIDE_SLUG = "how-we-work-together"
GUIDE_DEPARTMENT = "customer-support"


ILLUSTRATION_TITLE = "Departments around one table"
ILLUSTRATION_ALT = (
    "An illustration: one circle for each department, in its colour, around a shared table, "
    "joined by lines to the departments it works with."
)
ILLUSTRATION_CAPTION = "Every line is a joint project: departments meet around shared goals."


def render_illustration(colours, width=1200, height=520, scale=2):
    """A PNG of the departments (their colours) around one table, linked to their partners."""
    image = Image.new("RGB", (width * scale, height * scale), "#e3f1ef")
    draw = ImageDraw.Draw(image)
    centre_x, centre_y = width * scale / 2, height * scale / 2
    radius_x, radius_y = width * scale * 0.36, height * scale * 0.34
    table = (
        centre_x - 170 * scale,
        centre_y - 55 * scale,
        centre_x + 170 * scale,
        centre_y + 55 * scale,
    )
    seats = []
    for position, colour in enumerate(colours):
        angle = 2 * math.pi * position / len(colours) - math.pi / 2
        seats.append(
            (centre_x + radius_x * math.cos(angle), centre_y + radius_y * math.sin(angle), colour)
        )
    # Each department works with its neighbours and the one across the table.
    for position, (x, y, _colour) in enumerate(seats):
        for step in (1, len(seats) // 2):
            other_x, other_y, _ = seats[(position + step) % len(seats)]
            draw.line((x, y, other_x, other_y), fill="#9fcfc8", width=4 * scale)
    draw.rounded_rectangle(table, radius=55 * scale, fill="#0e5e5a")
    draw.rounded_rectangle(
        (table[0] + 40 * scale, centre_y - 8 * scale, table[2] - 40 * scale, centre_y + 8 * scale),
        radius=8 * scale,
        fill="#f4b740",
    )
    for x, y, colour in seats:
        size = 44 * scale
        draw.ellipse((x - size, y - size, x + size, y + size), fill="#ffffff")
        draw.ellipse(
            (
                x - size + 7 * scale,
                y - size + 7 * scale,
                x + size - 7 * scale,
                y + size - 7 * scale,
            ),
            fill=colour,
        )
    image = image.resize((width, height), Image.LANCZOS)
    output = io.BytesIO()
    image.save(output, format="PNG", optimize=True)
    return output.getvalue()


def demo_illustration():
    """The home page's picture, drawn once in the departments' colours."""
    image_model = get_image_model()
    existing = image_model.objects.filter(title=ILLUSTRATION_TITLE).first()
    if existing is not None:
        return existing
    colours = list(Department.objects.order_by("name").values_list("colour", flat=True))
    image = image_model(title=ILLUSTRATION_TITLE, description=ILLUSTRATION_ALT)
    content = render_illustration(colours or ["#0e5e5a", "#f4b740"])
    image.file = ImageFile(io.BytesIO(content), name="departments-around-one-table.png")
    image.save()
    return image


def _split_home_body():
    """The home page's content blocks before and from its "How it works" heading."""
    for position, (kind, value) in enumerate(HOME_BODY):
        if kind == "heading" and value["text"] == "How it works":
            return HOME_BODY[:position], HOME_BODY[position:]
    return HOME_BODY, []


def _spotlight_choices():
    find = demo_people()
    choices = []
    for name, why in SPOTLIGHT:
        try:
            choices.append({"person": find(name), "why": why})
        except KeyError:  # a demo organisation edited by hand: leave that person out
            continue
    return choices


def home_live_blocks(home):
    """The live blocks of the demo home page, in the order they appear."""
    # Slugs repeat across languages: the featured projects are the home page's own.
    projects = {
        project.slug: project
        for project in ProjectPage.objects.filter(slug__in=FEATURED_PROJECTS, locale=home.locale)
    }
    project_slug, metric_name = FEATURED_METRIC
    metric = Metric.objects.filter(project=projects.get(project_slug), name=metric_name).first()
    return {
        "top": [
            ("promises_kept", {"heading": "Promises kept", "department": None}),
            (
                "project_cards",
                {
                    "heading": "Joint projects to follow",
                    "projects": [projects[slug] for slug in FEATURED_PROJECTS if slug in projects],
                    "department": None,
                    "status": "",
                    "count": 3,
                },
            ),
            ("metric_chart", {"heading": "How our first replies are doing", "metric": metric}),
            ("wins_wall", {"heading": "Latest wins", "department": None, "count": 4}),
        ],
        "middle": [
            (
                "figure",
                {
                    "image": {
                        "image": demo_illustration(),
                        "alt_text": ILLUSTRATION_ALT,
                        "decorative": False,
                    },
                    "caption": ILLUSTRATION_CAPTION,
                },
            ),
            (
                "upcoming_retrospectives",
                {"heading": "Retrospectives coming up", "department": None, "count": 4},
            ),
            ("collaboration_map", {"heading": "Who works with whom", "period": "12m"}),
            (
                "people_spotlight",
                {"heading": "People to thank", "people": _spotlight_choices(), "count": 4},
            ),
        ],
    }


def guide_live_blocks():
    department = Department.objects.filter(slug=GUIDE_DEPARTMENT).first()
    return [
        (
            "promises_kept",
            {"heading": "Promises kept by Customer Support", "department": department},
        ),
        (
            "project_cards",
            {
                "heading": "Active projects with Customer Support",
                "projects": [],
                "department": department,
                "status": "active",
                "count": 4,
            },
        ),
        ("people_spotlight", {"heading": "Credited most in recent wins", "people": [], "count": 3}),
    ]


@transaction.atomic
def seed_home_blocks():
    """Place the live blocks on the home page and the "How we work together" guide."""
    site = Site.objects.get(is_default_site=True)
    home = HomePage.objects.get(pk=site.root_page_id)
    why, how = _split_home_body()
    live = home_live_blocks(home)
    home.body = [*why, *live["top"], *how[:2], *live["middle"], *how[2:]]
    home.save_revision().publish()

    guide = StandardPage.objects.child_of(home).filter(slug=GUIDE_SLUG).first()
    if guide is not None:
        guide_body = next(
            body for _title, slug, _intro, body, _menu in GUIDES if slug == GUIDE_SLUG
        )
        guide.body = [*guide_body, *guide_live_blocks()]
        guide.save_revision().publish()
    return {"home page blocks": len(home.body), "guide blocks": len(guide.body) if guide else 0}
