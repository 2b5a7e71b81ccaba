"""Finding closed retrospectives in the site search.

Wagtail's search backends cannot filter on a many-to-many relation (Retrospective.projects),
and visibility depends on it; searching first and filtering afterwards would page and count
wrongly. So the published title and summary are matched in the database: every word of the
query, in either field, among the closed retrospectives the user may see.
"""

from django.db.models import Prefetch, Q

from .models import ProjectPage, RetroPhase, Retrospective

MAX_WORDS = 8


def matching_retrospectives(user, query):
    """Closed retrospectives the user may see whose title or summary contains every word of
    `query`, newest first, with the projects the user may see prefetched."""
    words = query.split()[:MAX_WORDS]
    if not words:
        return Retrospective.objects.none()
    condition = Q()
    for word in words:
        condition &= Q(title__icontains=word) | Q(summary__icontains=word)
    visible_projects = ProjectPage.objects.visible_to(user).only(
        "id", "title", "url_path", "slug", "path", "depth"
    )
    return (
        Retrospective.objects.visible_to(user)
        .filter(condition, phase=RetroPhase.CLOSED)
        .prefetch_related(Prefetch("projects", queryset=visible_projects))
        .order_by("-held_on", "-pk")
    )
