"""After the discussion: notes, action items, closing with the published summary, exports.

Forms post here and come back to the board (POST/redirect/GET). A refused form is shown again
on a page of its own, with the error next to the field and the input kept (status 400).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext

from ..models import RetroItem, RetroPhase, Retrospective
from ..permissions import RetroAccess
from ..retro_closing_forms import ActionForm, CloseForm, NoteForm, action_choices
from ..retro_services import action_add, note_add, retro_close
from ..retro_summary import (
    csv_content,
    export_filename,
    markdown,
    ranked_items,
    retro_summary,
)
from ..services import ProjectActionError
from .common import apply_errors, post_only, report_refusal


def _retro(request, retro_id):
    """The retrospective and what this user may do on it; a 404 for people who cannot see it
    (it would tell them a members-only project exists)."""
    retro = get_object_or_404(
        Retrospective.objects.select_related("facilitator__user", "format"), pk=retro_id
    )
    access = RetroAccess(request.user, retro)
    if not access.can_see:
        raise Http404
    return retro, access


def _allow(allowed, access):
    # Notes and actions are signed by a person of the organisation; a bare account is not one.
    if not allowed or access.person is None:
        raise PermissionDenied


def board_url(retro, anchor=""):
    url = reverse("projects:retro", kwargs={"retro_id": retro.pk})
    return f"{url}#{anchor}" if anchor else url


def summary_url(retro):
    return reverse("projects:retro_summary", kwargs={"retro_id": retro.pk})


def _form_again(request, retro, *, form, template, **context):
    """A refused form, on its own page: errors next to the fields, input kept."""
    return TemplateResponse(
        request,
        "projects/retros/closing/form_page.html",
        {"retro": retro, "form": form, "form_template": template, **context},
        status=400,
    )


def add_note(request, retro_id, item_id):
    if refused := post_only(request):
        return refused
    retro, access = _retro(request, retro_id)
    _allow(access.can_take_notes, access)
    item = get_object_or_404(
        RetroItem.objects.select_related("author__user", "column"),
        pk=item_id,
        retrospective=retro,
    )
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            note_add(retro=retro, person=access.person, item=item, text=form.cleaned_data["text"])
        except ProjectActionError as error:
            apply_errors(form, error)
        else:
            messages.success(request, gettext("Note added."))
            return HttpResponseRedirect(board_url(retro, f"item-{item.pk}"))
    return _form_again(
        request,
        retro,
        form=form,
        template="projects/retros/closing/note_form.html",
        item=item,
        title=gettext("Add a note"),
    )


def add_action(request, retro_id):
    if refused := post_only(request):
        return refused
    retro, access = _retro(request, retro_id)
    _allow(access.can_add_actions, access)
    form = ActionForm(request.POST, choices=action_choices(retro, ranked_items(retro)))
    if form.is_valid():
        data = form.cleaned_data
        try:
            action = action_add(
                retro=retro,
                actor=access.person,
                project=data["project"],
                title=data["title"],
                owner=data["owner"],
                due_date=data["due_date"],
                item=data["item"],
                metric=data["metric"],
            )
        except ProjectActionError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                gettext("Action added: %(title)s (%(owner)s, by %(date)s).")
                % {
                    "title": action.title,
                    "owner": action.owner.full_name,
                    "date": date_format(action.due_date),
                },
            )
            return HttpResponseRedirect(board_url(retro, "actions"))
    return _form_again(
        request,
        retro,
        form=form,
        template="projects/retros/closing/action_form.html",
        title=gettext("Add an action item"),
    )


def close(request, retro_id):
    if refused := post_only(request):
        return refused
    retro, access = _retro(request, retro_id)
    if not access.can_close:
        raise PermissionDenied
    if retro.phase != RetroPhase.ACTIONS:
        messages.error(
            request,
            gettext("Move on to the actions phase first: agree the action items, then close."),
        )
        return HttpResponseRedirect(board_url(retro))
    form = CloseForm(request.POST)
    if not form.is_valid():
        return _form_again(
            request,
            retro,
            form=form,
            template="projects/retros/closing/close_form.html",
            title=gettext("Close and publish"),
        )
    try:
        retro_close(retro=retro, actor=access.person, summary=form.cleaned_data["decisions"])
    except ProjectActionError as error:
        report_refusal(request, error)
        return HttpResponseRedirect(board_url(retro))
    messages.success(request, gettext("Published: members have been told."))
    return HttpResponseRedirect(summary_url(retro))


def _closed_or_back(request, retro):
    """The summary and exports exist once the retrospective is closed: before, items may still
    be hidden and the decisions unwritten."""
    if retro.phase == RetroPhase.CLOSED:
        return None
    messages.info(
        request,
        gettext("The summary is published when the facilitator closes the retrospective."),
    )
    return HttpResponseRedirect(board_url(retro))


def summary(request, retro_id):
    retro, access = _retro(request, retro_id)
    if not_yet := _closed_or_back(request, retro):
        return not_yet
    return TemplateResponse(
        request,
        "projects/retros/summary.html",
        {
            "retro": retro,
            "access": access,
            "summary": retro_summary(retro, request.user),
            "can_export": access.can_export,
        },
    )


def _export(request, retro_id, *, extension, content_type, build):
    retro, access = _retro(request, retro_id)
    if not access.can_export:
        raise PermissionDenied
    if not_yet := _closed_or_back(request, retro):
        return not_yet
    response = HttpResponse(build(retro_summary(retro, request.user)), content_type=content_type)
    filename = export_filename(retro, extension)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def export_markdown(request, retro_id):
    return _export(
        request,
        retro_id,
        extension="md",
        content_type="text/markdown; charset=utf-8",
        build=markdown,
    )


def export_csv(request, retro_id):
    return _export(
        request,
        retro_id,
        extension="csv",
        content_type="text/csv; charset=utf-8",
        build=csv_content,
    )
