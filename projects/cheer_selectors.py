"""Reading cheers and comments for win cards and the win page (cheers package)."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch
from django.utils.text import get_text_list
from django.utils.translation import gettext, ngettext
from wagtail.images import get_image_model

from organisation.models import AVATAR_SMALL, Person

from .comment_forms import CommentForm
from .models import Cheer, Reaction, WinComment
from .win_services import MENTION


@dataclass
class CheerSummary:
    """One reaction on one win: how many, from whom, and whether the viewer is among them."""

    reaction: Reaction
    count: int = 0
    names: list = field(default_factory=list)  # full names, in the order people cheered
    viewer_cheered: bool = False
    # The viewer's own name as it appears in `names`, said as "you" instead.
    viewer_name: str = field(default="", repr=False)

    @property
    def can_toggle(self):
        """Offered reactions can be given and taken back; a retired one only taken back."""
        return self.reaction.is_offered or self.viewer_cheered

    @property
    def who(self):
        """ "Maria Nieminen, Jussi Laine and you": the viewer last, as "you"."""
        others = list(self.names)
        if self.viewer_cheered:
            others.remove(self.viewer_name)
            others.append(gettext("you"))
        return get_text_list(others, gettext("and"))

    @property
    def label(self):
        """The accessible name of the reaction's button, e.g. "🎉 Celebrate: 3 cheers, from …"."""
        values = {"symbol": self.reaction.symbol, "name": self.reaction.name}
        if not self.count:
            return gettext("%(symbol)s %(name)s: no cheers yet") % values
        return ngettext(
            "%(symbol)s %(name)s: %(count)s cheer, from %(who)s",
            "%(symbol)s %(name)s: %(count)s cheers, from %(who)s",
            self.count,
        ) % {**values, "count": self.count, "who": self.who}


def _viewer_person_id(viewer):
    """The viewer may be a user (with or without a Person), a Person, or nobody."""
    if viewer is None or isinstance(viewer, Person):
        return getattr(viewer, "pk", None)
    person = getattr(viewer, "person", None)
    return person.pk if person is not None else None


def _full_name(first_name, last_name, username):
    # Person.full_name without loading the Person and User objects for every cheer.
    return f"{first_name} {last_name}".strip() or username


def attach_cheers(wins, viewer):
    """Set `win.cheer_summary` on each win (reactions, counts, who, whether the viewer cheered)
    in a fixed number of queries however many wins: one for the reactions, one for the cheers.

    Offered reactions are listed in order; a retired one only on wins that still have its cheers.
    """
    wins = list(wins)
    if not wins:
        return wins
    viewer_id = _viewer_person_id(viewer)
    reactions = list(Reaction.objects.all())
    cheers = (
        Cheer.objects.filter(win__in=wins)
        .order_by("created_at", "pk")
        .values_list(
            "win_id",
            "reaction_id",
            "person_id",
            "person__user__first_name",
            "person__user__last_name",
            "person__user__username",
        )
    )
    by_win = defaultdict(dict)
    for win_id, reaction_id, person_id, first_name, last_name, username in cheers:
        summary = by_win[win_id].setdefault(reaction_id, CheerSummary(reaction=None))
        name = _full_name(first_name, last_name, username)
        summary.count += 1
        summary.names.append(name)
        if person_id == viewer_id:
            summary.viewer_cheered, summary.viewer_name = True, name
    for win in wins:
        given = by_win.get(win.pk, {})
        win.cheer_summary = []
        for reaction in reactions:
            summary = given.get(reaction.pk)
            if summary is None and not reaction.is_offered:
                continue
            summary = summary or CheerSummary(reaction=reaction)
            summary.reaction = reaction
            win.cheer_summary.append(summary)
    return wins


def comment_mentions(comments):
    """{user name: person} for every @name in these comments that is a person, in one query."""
    names = {name.lower() for comment in comments for name in MENTION.findall(comment.text)}
    if not names:
        return {}
    people = Person.objects.active().filter(user__username__in=names).select_related("user")
    return {person.user.username.lower(): person for person in people}


def win_comments_context(win, access, *, comment_form=None):
    """Context for templates/projects/includes/win_comments.html on the win page: the comments
    (author, department, avatar, time, text with mentions linked), which ones the viewer may
    delete, and the comment form (blank, or the one with errors) for people who may comment."""
    images = get_image_model().objects.prefetch_renditions(AVATAR_SMALL)
    comments = list(
        WinComment.objects.filter(win=win)
        .select_related("author__user", "author__department")
        .prefetch_related(Prefetch("author__photo", queryset=images))
    )
    for comment in comments:
        comment.viewer_can_delete = access.can_delete_comment(comment)
    if comment_form is None and access.can_comment:
        comment_form = CommentForm()
    return {
        "win": win,
        "comments": comments,
        "mention_people": comment_mentions(comments),
        "comment_form": comment_form if access.can_comment else None,
        "can_comment": access.can_comment,
    }


def cheer_counts(win_ids) -> dict[int, list[dict]]:
    """{win id: [cheer count, ...]} in one query, in the reactions' order."""
    rows = (
        Cheer.objects.filter(win__in=win_ids)
        .order_by("reaction__sort_order", "reaction_id")
        .values_list("win_id", "reaction_id", "reaction__name", "reaction__symbol")
        .annotate(count=Count("pk"))
    )
    counts = defaultdict(list)
    for win_id, reaction_id, name, symbol, count in rows:
        counts[win_id].append(
            {"reaction_id": reaction_id, "reaction": name, "symbol": symbol, "count": count}
        )
    return counts
