"""Cheering and commenting on a win: plain POST forms, the cheer bar enhanced with htmx."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext

from ..cheer_selectors import attach_cheers
from ..comment_forms import CommentForm
from ..models import Reaction, Win, WinComment
from ..permissions import WinAccess
from ..services import ProjectActionError
from ..win_services import cheer_toggle, comment_add, comment_delete, win_url
from .common import apply_errors, post_only, report_refusal

# The cheer buttons post the state they ask for, so a double click cheers once, never twice
# and back; a post without it toggles.
WANTED_CHEER = {"1": True, "0": False}


def _win_access(request, win):
    """People who cannot see the win learn nothing about it: 404."""
    access = WinAccess(request.user, win)
    if not access.can_see:
        raise Http404
    return access


def _require_person(access):
    # Cheers and comments are signed by a person of the organisation; a bare account is not one.
    if not access.can_cheer:
        raise PermissionDenied


def _back(request, win, anchor):
    """To the page the form was on (`next`, if it is ours), or the win's page, at `anchor`."""
    url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        url = win_url(win)
    return HttpResponseRedirect(url if "#" in url else f"{url}#{anchor}")


def toggle_cheer(request, win_id, reaction_id):
    if refused := post_only(request):
        return refused
    win = get_object_or_404(Win, pk=win_id)
    access = _win_access(request, win)
    _require_person(access)
    reaction = get_object_or_404(Reaction, pk=reaction_id)
    error = None
    try:
        cheer_toggle(
            win=win,
            person=access.person,
            reaction=reaction,
            cheer=WANTED_CHEER.get(request.POST.get("cheer")),
        )
    except ProjectActionError as refusal:
        error = refusal
    if request.htmx:
        # Only this win's cheer bar changes; a refusal is said inside it.
        attach_cheers([win], access.person)
        context = {
            "win": win,
            "can_cheer": True,
            "cheer_error": error.messages[0] if error else "",
            # The forms keep pointing back at the page they are on, not at this address.
            "next_url": request.htmx.current_url_abs_path or "",
        }
        return TemplateResponse(request, "projects/includes/win_cheers.html", context)
    if error is not None:
        report_refusal(request, error)
    return _back(request, win, anchor=f"cheers-{win.pk}")


def add_comment(request, win_id):
    if refused := post_only(request):
        return refused
    win = get_object_or_404(Win, pk=win_id)
    access = _win_access(request, win)
    _require_person(access)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            comment = comment_add(win=win, author=access.person, text=form.cleaned_data["text"])
        except ProjectActionError as error:
            apply_errors(form, error)
        else:
            messages.success(request, gettext("Comment posted."))
            return HttpResponseRedirect(f"{win_url(win)}#comment-{comment.pk}")
    from .wins import render_win_detail

    return render_win_detail(request, win, status=400, comment_form=form)


def delete_comment(request, comment_id):
    if refused := post_only(request):
        return refused
    comment = get_object_or_404(WinComment.objects.select_related("win"), pk=comment_id)
    access = _win_access(request, comment.win)
    if not access.can_delete_comment(comment):
        raise PermissionDenied
    comment_delete(comment=comment)
    messages.success(request, gettext("Comment deleted."))
    return HttpResponseRedirect(f"{win_url(comment.win)}#comments")
