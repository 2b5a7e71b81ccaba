"""Atom feeds of wins, read by feed readers with the person's feed token instead of a login."""

from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from accounts.models import FeedToken
from organisation.models import Department

from ..feeds import FeedSubject, WinsFeed
from ..models import ProjectPage, Win


def token_user(key):
    """The active user whose feed token this is; anything else is a 404 (nothing to guess)."""
    token = FeedToken.objects.select_related("user").filter(key=key).first()
    if token is None or not token.user.is_active:
        raise Http404
    return token.user


def feed_view(subject_for):
    """A feed view: token → user → `subject_for(request, user, **kwargs)` → Atom."""

    @login_not_required
    @require_safe
    def view(request, token, **kwargs):
        user = token_user(token)
        response = WinsFeed()(request, subject=subject_for(request, user, **kwargs))
        # Personal content behind a secret address: no shared cache may keep it.
        patch_cache_control(response, private=True)
        return response

    view.__name__ = subject_for.__name__
    view.__doc__ = subject_for.__doc__
    return view


@feed_view
def organisation_wins_feed(request, user):
    """Every win this person may see."""
    return FeedSubject(
        title=_("Wins across the organisation"),
        subtitle=_("What joint projects achieved together."),
        link=reverse("projects:wins"),
        feed_url=request.path,
        wins=Win.objects.visible_to(user),
    )


@feed_view
def project_wins_feed(request, user, project_id):
    """One project's wins; a members-only project is a 404 to everyone else."""
    project = get_object_or_404(ProjectPage.objects.live().visible_to(user), pk=project_id)
    return FeedSubject(
        title=_("Wins of %(project)s") % {"project": project.title},
        subtitle=project.purpose,
        link=project.url or "/",
        feed_url=request.path,
        wins=Win.objects.visible_to(user).in_project(project),
    )


@feed_view
def department_wins_feed(request, user, slug):
    """Wins crediting someone who represented this department."""
    department = get_object_or_404(Department, slug=slug)
    return FeedSubject(
        title=_("Wins of %(department)s") % {"department": department.name},
        subtitle=_("Wins where someone from %(department)s is credited.")
        % {"department": department.name},
        link=department.get_absolute_url(),
        feed_url=request.path,
        wins=Win.objects.visible_to(user).crediting_department(department),
    )
