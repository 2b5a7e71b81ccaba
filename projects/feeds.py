"""Atom feeds of wins, for feed readers: the organisation's, a project's, a department's.

Feed readers cannot log in, so each address carries the person's feed token
(accounts.FeedToken) and shows exactly the wins that person may see.
"""

from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext as _

from .models import WinCredit

FEED_LENGTH = 50


@dataclass
class FeedSubject:
    """What one feed is about: its title, page, own address and wins."""

    title: str
    subtitle: str
    link: str
    feed_url: str
    wins: QuerySet


def wins_for_feed(wins):
    """The newest wins with their poster, credited people and departments, in three queries."""
    credits = WinCredit.objects.select_related("person__user", "department")
    return (
        wins.select_related("posted_by__user")
        .prefetch_related(Prefetch("credits", queryset=credits))
        .newest_first()[:FEED_LENGTH]
    )


class WinsFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, subject):
        return subject

    def title(self, subject):
        return subject.title

    def subtitle(self, subject):
        return subject.subtitle

    def link(self, subject):
        return subject.link

    def feed_url(self, subject):
        return subject.feed_url

    def items(self, subject):
        return wins_for_feed(subject.wins)

    def item_title(self, win):
        return win.title

    def item_link(self, win):
        return reverse("projects:win", kwargs={"win_id": win.pk})

    def item_description(self, win):
        # The story is rich text Wagtail already cleaned; the names are escaped here.
        people = ", ".join(escape(credit.person.full_name) for credit in win.credits.all())
        credited = _("Credited: %(people)s") % {"people": people}
        return f"{win.story}<p>{credited}</p>"

    def item_pubdate(self, win):
        return win.created_at

    def item_updateddate(self, win):
        return win.created_at

    def item_author_name(self, win):
        return win.posted_by.full_name

    def item_categories(self, win):
        return [department.name for department in win.credited_departments]
