"""Wins: post one to your projects, see them on walls, read and correct one win."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from accounts.models import FeedToken
from intranet.pagination import paginate
from organisation.forms import DepartmentFilterField

from ..cheer_selectors import win_comments_context
from ..models import Win
from ..permissions import WinAccess
from ..services import ProjectActionError
from ..win_edit import win_post_with_image, win_update
from ..win_forms import EditWinForm, PostWinForm
from ..win_selectors import decorate, wins_for_cards, wins_this_month
from ..win_services import win_url
from .common import apply_errors, require

WINS_PER_PAGE = 20


class WallFilterForm(forms.Form):
    department = DepartmentFilterField()


def _feed_key(user):
    """The viewer's secret for feed addresses: feed readers cannot log in."""
    token, _created = FeedToken.objects.get_or_create(user=user)
    return token.key


def _wall(request, wins, context, *, seen_project=None):
    """A paginated wall of win cards, newest first."""
    page, querystring = paginate(request, wins_for_cards(wins).newest_first(), WINS_PER_PAGE)
    viewer = getattr(request.user, "person", None)
    wins_shown = decorate(
        page.object_list, user=request.user, viewer=viewer, seen_project=seen_project
    )
    return TemplateResponse(
        request,
        "projects/wins/wall.html",
        {
            "wins_page": page,
            "wins": wins_shown,
            "querystring": querystring,
            "can_cheer": viewer is not None,
            **context,
        },
    )


@require_safe
def wins_wall(request):
    """Every win the viewer may see; `?department=<slug>` keeps those crediting a department."""
    form = WallFilterForm(request.GET or None)
    wins = Win.objects.visible_to(request.user)
    department = None
    if form.is_valid():
        department = form.cleaned_data["department"]
        if department is not None:
            wins = wins.crediting_department(department)
    elif form.is_bound:
        wins = wins.none()
    key = _feed_key(request.user)
    if department is not None:
        feed_url = reverse("projects:feed_department", args=[key, department.slug])
    else:
        feed_url = reverse("projects:feed_wins", args=[key])
    month_wins, month_departments = wins_this_month(request.user)
    return _wall(
        request,
        wins,
        {
            "filter_form": form,
            "department": department,
            "feed_url": feed_url,
            "month_wins": month_wins,
            "month_departments": month_departments,
        },
    )


@require_safe
def project_wins(request, project):
    """The wins of one project (the viewer sees the project, so all of them)."""
    return _wall(
        request,
        Win.objects.in_project(project),
        {
            "page": project,
            "access": request.project_access,
            "feed_url": reverse(
                "projects:feed_project", args=[_feed_key(request.user), project.pk]
            ),
        },
        seen_project=project,
    )


def _form_page(request, form, *, status, **context):
    return TemplateResponse(
        request,
        "projects/wins/win_form.html",
        {"form": form, **context},
        status=400 if form.errors else status,
    )


def _form_data(request):
    return (request.POST, request.FILES) if request.method == "POST" else ()


def post_win(request, project):
    require(request, "post_win")
    poster = request.project_access.person
    form = PostWinForm(*_form_data(request), project=project, poster=poster)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            win = win_post_with_image(
                person=poster,
                user=request.user,
                projects=[project, *data["also_share_with"]],
                **form.win_fields(),
            )
        except ProjectActionError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request, gettext("Win posted. The people you credited have been told.")
            )
            return HttpResponseRedirect(win_url(win))
    return _form_page(request, form, status=200, page=project, win=None)


def _visible_win(request, win_id):
    """The win with everything its page shows, or a 404 when the viewer can see none of its
    projects (members-only projects never leak)."""
    win = get_object_or_404(wins_for_cards(Win.objects.all()), pk=win_id)
    access = WinAccess(request.user, win)
    if not access.can_see:
        raise Http404
    return win, access


def _win_page(request, win_id, *, status=200, comment_form=None):
    win, access = _visible_win(request, win_id)
    viewer = access.person
    decorate([win], user=request.user, viewer=viewer)
    context = {
        "win": win,
        "access": access,
        "can_cheer": access.can_cheer,
        **win_comments_context(win, access, comment_form=comment_form),
    }
    return TemplateResponse(request, "projects/wins/win_detail.html", context, status=status)


def render_win_detail(request, win, *, status=200, comment_form=None):
    """The win page; the comment view re-renders it with a comment form that has errors."""
    return _win_page(request, win.pk, status=status, comment_form=comment_form)


@require_safe
def win_detail(request, win_id):
    return _win_page(request, win_id)


def edit_win(request, win_id):
    win, access = _visible_win(request, win_id)
    if not access.can_edit:
        raise PermissionDenied
    form = EditWinForm(*_form_data(request), win=win)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            win_update(
                win=win,
                actor=access.person,
                user=request.user,
                **form.win_fields(),
                **({"image": None} if data["remove_image"] else {}),
            )
        except ProjectActionError as error:
            apply_errors(form, error)
        else:
            messages.success(request, gettext("Win saved."))
            return HttpResponseRedirect(win_url(win))
    return _form_page(request, form, status=200, win=win)
