"""The retrospective board: the page, its live refresh, and the collect, group and vote phases.

Every action is a plain POST form that redirects back to the board, so the board works
without JavaScript. htmx only enhances: the board's changing part polls for a new revision
every two seconds, and dot votes swap that part in place instead of reloading the page.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from ..models import RetroItem, RetroPhase, Retrospective
from ..permissions import RetroAccess
from ..retro_forms import RetroItemEditForm, RetroItemForm
from ..retro_review import carried_over_actions
from ..retro_selectors import board_context
from ..retro_services import (
    item_add,
    item_delete,
    item_edit,
    item_unmerge,
    items_merge,
    retro_move,
    vote_cast,
    vote_withdraw,
)
from ..services import ProjectActionError
from .common import apply_errors, post_only, report_refusal

BOARD_TEMPLATE = "projects/retros/board.html"
FRAGMENT_TEMPLATE = "projects/retros/board_fragment.html"


def _board_or_404(request, retro_id):
    """The retrospective and what the viewer may do on it; people who cannot see any of its
    projects learn nothing about it (404)."""
    retro = get_object_or_404(
        Retrospective.objects.select_related(
            "facilitator__user", "facilitator__department", "format"
        ),
        pk=retro_id,
    )
    access = RetroAccess(request.user, retro)
    if not access.can_see:
        raise Http404
    return retro, access


def _allow(allowed):
    if not allowed:
        raise PermissionDenied


def _back(retro, anchor="", *, query=""):
    url = reverse("projects:retro", kwargs={"retro_id": retro.pk})
    return HttpResponseRedirect(
        url + (f"?{query}" if query else "") + (f"#{anchor}" if anchor else "")
    )


def _merging(request, context):
    """The item the facilitator picked to merge (`?merge=<id>`), if it is a group on the board."""
    if not context["access"].can_group:
        return None
    wanted = request.GET.get("merge", "")
    for column in context["columns"]:
        for item in column.visible_items:
            if str(item.pk) == wanted:
                return item
    return None


def _attach_forms(context, *, item_form=None, edit_form=None):
    """The add-item form of each column and the edit form of each of the viewer's items; a form
    that came back with errors takes the place of its blank twin, keeping what was typed."""
    retro, access = context["retro"], context["access"]
    if not access.can_add_items:
        return
    posted_column = item_form["column"].value() if item_form is not None else None
    placed = False
    for column in context["columns"]:
        if item_form is not None and str(posted_column) == str(column.pk):
            column.item_form, placed = item_form, True
        else:
            column.item_form = RetroItemForm(retro=retro, key=column.pk, initial={"column": column})
        for item in column.visible_items:
            if item.is_mine:
                is_edited = edit_form is not None and edit_form.item_pk == item.pk
                item.edit_form = edit_form if is_edited else RetroItemEditForm(item=item)
    if item_form is not None and not placed and context["columns"]:
        # The column itself was wrong (tampered with): show the refusal on the first one.
        context["columns"][0].item_form = item_form


def _render(
    request, retro, access, *, template=BOARD_TEMPLATE, status=200, board_error="", **forms
):
    context = board_context(retro, access)
    _attach_forms(context, **forms)
    context["merging"] = _merging(request, context)
    context["board_error"] = board_error
    if template == BOARD_TEMPLATE and retro.phase not in (RetroPhase.REVIEW, RetroPhase.CLOSED):
        # The review lists them itself; teams that skipped it still see what was promised.
        context["carried_over"] = carried_over_actions(retro, user=request.user)
    return TemplateResponse(request, template, context, status=status)


@require_safe
def board(request, retro_id):
    retro, access = _board_or_404(request, retro_id)
    return _render(request, retro, access)


@require_safe
def board_fragment(request, retro_id):
    """The board's changing part, for polling: `?since=<revision>` answers 204 No Content
    (htmx then swaps nothing) while the board has not changed, with one small query."""
    since = request.GET.get("since", "")
    if since.isdigit():
        revision = (
            Retrospective.objects.visible_to(request.user)
            .filter(pk=retro_id)
            .values_list("revision", flat=True)
            .first()
        )
        if revision is None:
            raise Http404
        if revision == int(since):
            return HttpResponse(status=204)
    retro, access = _board_or_404(request, retro_id)
    return _render(request, retro, access, template=FRAGMENT_TEMPLATE)


def _fragment_or_back(request, retro, access, anchor, error=None):
    """htmx: the refreshed board part (a refusal said inside it); otherwise back to the board."""
    if request.htmx:
        retro.refresh_from_db(fields=["phase", "revision"])
        board_error = " ".join(error.messages) if error is not None else ""
        return _render(request, retro, access, template=FRAGMENT_TEMPLATE, board_error=board_error)
    if error is not None:
        report_refusal(request, error)
    return _back(retro, anchor)


def move_phase(request, retro_id):
    if refused := post_only(request):
        return refused
    retro, access = _board_or_404(request, retro_id)
    _allow(access.can_move)
    wanted = request.POST.get("phase", "")
    if wanted not in RetroPhase.values:
        messages.error(request, gettext("Choose a phase to move to."))
        return _back(retro)
    try:
        retro = retro_move(retro=retro, to_phase=RetroPhase(wanted))
    except ProjectActionError as error:
        report_refusal(request, error)
    else:
        messages.success(
            request,
            gettext("The board is now in the %(phase)s phase.")
            % {"phase": retro.get_phase_display().lower()},
        )
    return _back(retro)


def add_item(request, retro_id):
    if refused := post_only(request):
        return refused
    retro, access = _board_or_404(request, retro_id)
    _allow(access.can_add_items)
    column_key = request.POST.get("column", "")
    form = RetroItemForm(
        request.POST, retro=retro, key=column_key if column_key.isdigit() else "new"
    )
    if form.is_valid():
        try:
            item = item_add(retro=retro, person=access.person, **form.cleaned_data)
        except ProjectActionError as error:
            apply_errors(form, error)
        else:
            # Neither the text nor "anonymous" goes into the message: messages may be kept in
            # the session, a database row with the author's id.
            messages.success(
                request,
                gettext("Added. Others will see it when the facilitator reveals the board."),
            )
            return _back(retro, f"column-{item.column_id}")
    return _render(request, retro, access, status=400, item_form=form)


def _own_item(retro, access, item_id):
    """One of the viewer's items, while they may still change it."""
    _allow(access.can_add_items)
    item = get_object_or_404(RetroItem, pk=item_id, retrospective=retro)
    # Others' items are not even visible yet; anonymous ones belong to nobody.
    _allow(access.person is not None and item.author_id == access.person.pk)
    item.retrospective = retro
    return item


def edit_item(request, retro_id, item_id):
    if refused := post_only(request):
        return refused
    retro, access = _board_or_404(request, retro_id)
    item = _own_item(retro, access, item_id)
    form = RetroItemEditForm(request.POST, item=item)
    form.item_pk = item.pk
    if form.is_valid():
        try:
            item_edit(item=item, person=access.person, text=form.cleaned_data["text"])
        except ProjectActionError as error:
            apply_errors(form, error)
        else:
            messages.success(request, gettext("Item updated."))
            return _back(retro, f"item-{item.pk}")
    return _render(request, retro, access, status=400, edit_form=form)


def delete_item(request, retro_id, item_id):
    if refused := post_only(request):
        return refused
    retro, access = _board_or_404(request, retro_id)
    item = _own_item(retro, access, item_id)
    try:
        item_delete(item=item, person=access.person)
    except ProjectActionError as error:
        report_refusal(request, error)
    else:
        messages.success(request, gettext("Item deleted."))
    return _back(retro, f"column-{item.column_id}")


def merge_item(request, retro_id, item_id):
    """Grouping: the item joins the one it duplicates (`into`)."""
    if refused := post_only(request):
        return refused
    retro, access = _board_or_404(request, retro_id)
    _allow(access.can_group)
    item = get_object_or_404(RetroItem, pk=item_id, retrospective=retro)
    wanted = request.POST.get("into", "")
    into = (
        RetroItem.objects.filter(retrospective=retro, pk=wanted).first()
        if wanted.isdigit()
        else None
    )
    if into is None:
        messages.error(request, gettext("Choose the item it duplicates."))
        return _back(retro, f"item-{item.pk}", query=f"merge={item.pk}")
    try:
        target = items_merge(retro=retro, item=item, into=into)
    except ProjectActionError as error:
        report_refusal(request, error)
        return _back(retro, f"item-{item.pk}", query=f"merge={item.pk}")
    messages.success(request, gettext("Merged into one group."))
    return _back(retro, f"item-{target.pk}")


def unmerge_item(request, retro_id, item_id):
    if refused := post_only(request):
        return refused
    retro, access = _board_or_404(request, retro_id)
    _allow(access.can_group)
    item = get_object_or_404(RetroItem, pk=item_id, retrospective=retro)
    try:
        item_unmerge(retro=retro, item=item)
    except ProjectActionError as error:
        report_refusal(request, error)
    else:
        messages.success(request, gettext("Taken out of the group."))
    return _back(retro, f"item-{item.pk}")


def _dot(request, retro_id, item_id, service):
    if refused := post_only(request):
        return refused
    retro, access = _board_or_404(request, retro_id)
    _allow(access.can_vote)
    item = get_object_or_404(RetroItem, pk=item_id, retrospective=retro)
    error = None
    try:
        service(retro=retro, person=access.person, item=item)
    except ProjectActionError as refusal:
        error = refusal
    return _fragment_or_back(request, retro, access, f"item-{item.pk}", error)


def vote(request, retro_id, item_id):
    return _dot(request, retro_id, item_id, vote_cast)


def unvote(request, retro_id, item_id):
    return _dot(request, retro_id, item_id, vote_withdraw)
