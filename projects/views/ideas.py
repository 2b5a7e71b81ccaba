from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.translation import gettext

from ..forms import CommitmentForm, IdeaForm
from ..models import Commitment, Idea
from ..services import (
    ProjectActionError,
    commitment_deliver,
    commitment_from_idea,
    idea_post,
    idea_vote_toggle,
)
from .common import apply_errors, back_to_project, post_only, report_refusal, require
from .project import overview


def post_idea(request, project):
    if refused := post_only(request):
        return refused
    require(request, "post_idea")
    form = IdeaForm(request.POST)
    if form.is_valid():
        idea_post(project=project, author=request.project_access.person, **form.cleaned_data)
        return back_to_project(request, project, gettext("Idea posted."), anchor="ideas")
    return overview(request, project, status=400, idea_form=form)


def vote(request, project, idea_id):
    if refused := post_only(request):
        return refused
    require(request, "vote")
    idea = get_object_or_404(Idea, pk=idea_id, project=project)
    voted, count = idea_vote_toggle(idea=idea, person=request.project_access.person)
    if request.htmx:
        # Only the button changes: the count and the pressed state.
        idea.vote_count, idea.viewer_voted = count, voted
        return TemplateResponse(
            request,
            "projects/includes/vote_button.html",
            {"idea": idea, "page": project, "access": request.project_access},
        )
    return back_to_project(request, project, anchor=f"idea-{idea.pk}")


def make_commitment(request, project, idea_id):
    if refused := post_only(request):
        return refused
    require(request, "make_commitment")
    idea = get_object_or_404(Idea, pk=idea_id, project=project)
    form = CommitmentForm(request.POST, project=project)
    if form.is_valid():
        try:
            commitment_from_idea(
                idea=idea, actor=request.project_access.person, **form.cleaned_data
            )
        except ProjectActionError as error:
            apply_errors(form, error)
        else:
            message = gettext("Commitment made: %(owner)s promised it for %(date)s.") % {
                "owner": form.cleaned_data["owner"],
                "date": form.cleaned_data["due_date"].isoformat(),
            }
            return back_to_project(request, project, message, anchor="commitments")
    return overview(request, project, status=400, commitment_form=form, commitment_idea_id=idea.pk)


def deliver_commitment(request, project, commitment_id):
    if refused := post_only(request):
        return refused
    commitment = get_object_or_404(Commitment, pk=commitment_id, project=project)
    require(request, "deliver_commitment", commitment=commitment)
    try:
        commitment_deliver(commitment=commitment, actor=request.project_access.person)
    except ProjectActionError as error:
        report_refusal(request, error)
        return back_to_project(request, project, anchor="commitments")
    return back_to_project(request, project, gettext("Delivered. Well done!"), anchor="commitments")
