from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.translation import gettext

from sitesearch.search import clean_query

from ..forms import DecisionForm, InvitationForm, JoinRequestForm, MyPartForm, RoleForm
from ..models import Invitation, JoinRequest, Membership
from ..selectors import invitation_candidates
from ..services import (
    ProjectActionError,
    invitation_create,
    invitation_respond,
    join_request_create,
    join_request_decide,
    membership_change_role,
    membership_describe,
    membership_leave,
)
from .common import apply_errors, back_to_project, post_only, report_refusal, require
from .project import overview


def ask_to_join(request, project):
    if refused := post_only(request):
        return refused
    require(request, "ask_to_join")
    form = JoinRequestForm(request.POST)
    if form.is_valid():
        try:
            join_request_create(
                project=project, person=request.project_access.person, **form.cleaned_data
            )
        except ProjectActionError as error:
            apply_errors(form, error)
        else:
            message = gettext("Your request is sent. A lead of the project will answer it.")
            return back_to_project(request, project, message, anchor="team")
    return overview(request, project, status=400, join_form=form)


def decide_join_request(request, project, request_id):
    if refused := post_only(request):
        return refused
    require(request, "decide_join_requests")
    join_request = get_object_or_404(JoinRequest, pk=request_id, project=project)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return back_to_project(request, project, anchor="requests")
    try:
        join_request_decide(
            join_request=join_request, decider=request.project_access.person, accept=form.accepted
        )
    except ProjectActionError as error:
        return _refused(request, project, error)
    name = join_request.person.full_name
    message = (
        gettext("%(name)s is now a member.") if form.accepted else gettext("Request declined.")
    ) % {"name": name}
    return back_to_project(request, project, message, anchor="requests")


def invite(request, project):
    """The invitation page: find colleagues (`find`), then invite one (POST); a refused
    invitation keeps the search it was chosen from."""
    require(request, "invite")
    query = clean_query((request.POST if request.method == "POST" else request.GET).get("find"))
    form = InvitationForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        try:
            invitation_create(
                project=project, inviter=request.project_access.person, **form.cleaned_data
            )
        except ProjectActionError as error:
            apply_errors(form, error)
        else:
            message = gettext("%(name)s is invited.") % {"name": form.cleaned_data["person"]}
            return back_to_project(request, project, message, anchor="invite")
    candidates, more = invitation_candidates(project, query)
    return TemplateResponse(
        request,
        "projects/invite.html",
        {
            "page": project,
            "form": form,
            "find": query,
            "candidates": candidates,
            "more_candidates": more,
            "chosen": form["person"].value(),
        },
        status=400 if form.errors else 200,
    )


def respond_to_invitation(request, project, invitation_id):
    if refused := post_only(request):
        return refused
    person = request.project_access.person
    invitation = get_object_or_404(Invitation, pk=invitation_id, project=project, person=person)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return back_to_project(request, project)
    try:
        invitation_respond(invitation=invitation, accept=form.accepted)
    except ProjectActionError as error:
        return _refused(request, project, error)
    message = gettext("Welcome to the project!") if form.accepted else None
    return back_to_project(request, project, message, anchor="team")


def describe_part(request, project):
    if refused := post_only(request):
        return refused
    require(request, "describe_own_part")
    membership = request.project_access.membership
    form = MyPartForm(request.POST, department=membership.department)
    if form.is_valid():
        membership_describe(membership=membership, **form.cleaned_data)
        return back_to_project(request, project, gettext("Your part is saved."), anchor="team")
    return overview(request, project, status=400, my_part_form=form)


def leave(request, project):
    if refused := post_only(request):
        return refused
    require(request, "leave")
    try:
        membership_leave(membership=request.project_access.membership)
    except ProjectActionError as error:
        return _refused(request, project, error)
    return back_to_project(request, project, gettext("You have left the project."))


def change_role(request, project, membership_id):
    if refused := post_only(request):
        return refused
    require(request, "change_roles")
    membership = get_object_or_404(Membership, pk=membership_id, project=project)
    form = RoleForm(request.POST)
    if not form.is_valid():
        return back_to_project(request, project, anchor="team")
    try:
        membership_change_role(
            membership=membership,
            role=form.cleaned_data["role"],
            actor=request.project_access.person,
        )
    except ProjectActionError as error:
        return _refused(request, project, error)
    return back_to_project(request, project, gettext("Role changed."), anchor="team")


def _refused(request, project, error):
    report_refusal(request, error)
    return back_to_project(request, project)
