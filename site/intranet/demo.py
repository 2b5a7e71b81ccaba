"""The demo's intranet pages: a home page with real content and a few guides in the menu."""

from django.db import transaction
from wagtail.models import Site

from .models import HomePage, StandardPage

HOME_INTRODUCTION = (
    "Where departments meet, agree on what success looks like, and celebrate wins together."
)

HOME_BODY = [
    ("heading", {"text": "Why Common Ground?", "level": "h2"}),
    (
        "paragraph",
        "<p>Every department here is good at its own job. Customers still feel the gaps "
        "between us: they repeat their story to each team and wait for call-backs that never "
        "come. The cure is simple and hard: <b>joint projects</b> that need people from several "
        "departments, one shared definition of success, and wins we celebrate together.</p>",
    ),
    (
        "quote",
        {
            "text": "We stopped arguing about whose numbers were right once we agreed on one.",
            "attribution": "Maria Nieminen, Customer Support",
        },
    ),
    ("heading", {"text": "How it works", "level": "h2"}),
    (
        "paragraph",
        "<ol><li><b>Meet.</b> Find colleagues in the people directory by what they know.</li>"
        "<li><b>Agree.</b> Define success together: every department signs off the metric.</li>"
        "<li><b>Keep each other informed.</b> Every update says where things stand, what "
        "happens next and by when.</li>"
        "<li><b>Celebrate together.</b> Wins credit the people from every department who made "
        "them happen.</li></ol>",
    ),
    (
        "call_to_action",
        {
            "title": "New here?",
            "text": "Your first week: who to meet, where things are and how to join a project.",
            "page": None,
            "url": "/new-here/",
            "button_label": "Start here",
        },
    ),
    (
        "call_to_action",
        {
            "title": "Find a colleague in another department",
            "text": "Search people by name, department or what they can help with.",
            "page": None,
            "url": "/people/",
            "button_label": "Open the people directory",
        },
    ),
]

# title, slug, introduction, body, shown in the main menu
GUIDES = [
    (
        "How we work together",
        "how-we-work-together",
        "The habits that make joint projects work across departments.",
        [
            ("heading", {"text": "Status, next step and when", "level": "h2"}),
            (
                "paragraph",
                "<p>Every update says where things stand, what happens next and by when. A "
                "promised date is tracked, and an overdue promise is visible to everyone.</p>",
            ),
            ("heading", {"text": "No “good luck”", "level": "h2"}),
            (
                "paragraph",
                "<p>Nobody is left alone with a problem: each follow-up has an owner and a "
                "date.</p>",
            ),
            ("heading", {"text": "Read before you ask", "level": "h2"}),
            (
                "paragraph",
                "<p>Check the project page and the directory before asking a colleague to "
                "repeat what they already wrote down.</p>",
            ),
        ],
        True,
    ),
    (
        "New here?",
        "new-here",
        "Your first week: who to meet, where things are and how to join a project.",
        [
            (
                "paragraph",
                "<ul><li>Complete your profile: add what people can ask you about.</li>"
                "<li>Meet one person from another department this week.</li>"
                "<li>Join a joint project that needs what you bring.</li></ul>",
            ),
            (
                "call_to_action",
                {
                    "title": "Browse the departments",
                    "text": "See every team and the people in it.",
                    "page": None,
                    "url": "/departments/",
                    "button_label": "See departments",
                },
            ),
        ],
        False,
    ),
]


@transaction.atomic
def seed_pages():
    """Fill the home page and publish the guides; running it again leaves the same pages."""
    site = Site.objects.get(is_default_site=True)
    home = HomePage.objects.get(pk=site.root_page_id)
    home.title = "Common Ground"
    home.introduction = HOME_INTRODUCTION
    home.body = HOME_BODY
    home.save_revision().publish()

    for title, slug, introduction, body, in_menu in GUIDES:
        page = StandardPage.objects.child_of(home).filter(slug=slug).first()
        if page is None:
            page = StandardPage(title=title, slug=slug, show_in_menus=in_menu)
            home.add_child(instance=page)
        page.title = title
        page.introduction = introduction
        page.body = body
        page.show_in_menus = in_menu
        page.save_revision().publish()
