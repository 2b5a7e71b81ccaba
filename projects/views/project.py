from django.template.response import TemplateResponse
from django.utils.translation import gettext

from ..forms import IdeaForm, JoinRequestForm, MyPartForm, ProjectBasicsForm
from ..metric_selectors import project_metrics
from ..models import Activity, Invitation, JoinRequest, RequestStatus
from ..retro_review import project_retros_context
from ..selectors import new_connections, suggested_partners, team_by_department
from ..services import ProjectActionError, project_update_basics
from ..update_selectors import project_status_context
from ..webhooks import webhook_health
from ..win_selectors import project_wins_context
from .common import apply_errors, back_to_project, require

ACTIVITY_SHOWN = 20


def overview_context(request, project, **forms):
    """Everything the project page shows. Forms passed in (with errors) replace blank ones."""
    access = request.project_access
    viewer = access.person
    memberships = list(project.memberships.for_team())
    membership_of = {m.person_id: m for m in memberships}
    access.remember_membership(membership_of.get(viewer.pk) if viewer else None)

    ideas = list(project.ideas.for_board(viewer))
    commitments = list(
        project.commitments.select_related("owner__user", "owner__department").order_by(
            "delivered_on", "due_date", "pk"
        )
    )
    context = {
        "page": project,
        "access": access,
        "membership": access.membership,
        "team": team_by_department(memberships),
        "members": memberships,
        "member_count": len(memberships),
        "departments": project.departments,
        "new_connections": new_connections(project, memberships),
        "ideas": ideas,
        "open_commitments": [c for c in commitments if c.delivered_on is None],
        "delivered_commitments": [c for c in commitments if c.delivered_on is not None],
        "activity": Activity.objects.filter(project=project).select_related("actor__user")[
            :ACTIVITY_SHOWN
        ],
        "stakes": list(project.stakes.select_related("department")),
        "metrics": project_metrics(project),
        "idea_form": forms.get("idea_form") or IdeaForm(),
        "commitment_form": forms.get("commitment_form"),
        "commitment_idea_id": forms.get("commitment_idea_id"),
        "join_form": forms.get("join_form") or JoinRequestForm(),
    }
    context.update(project_status_context(project, access))
    context.update(project_wins_context(project, viewer))
    context.update(project_retros_context(project, access))
    if not project.is_joint:
        context["suggested_partners"] = suggested_partners(project.departments)
    if viewer is not None and access.membership is None:
        context["my_join_request"] = JoinRequest.objects.filter(
            project=project, person=viewer, status=RequestStatus.PENDING
        ).first()
        context["my_invitation"] = (
            Invitation.objects.filter(project=project, person=viewer, status=RequestStatus.PENDING)
            .select_related("invited_by__user")
            .first()
        )
    if access.can("manage_webhooks"):
        context["webhook_problems"] = webhook_health(project)
    if access.can("decide_join_requests"):
        context["join_requests"] = JoinRequest.objects.filter(
            project=project, status=RequestStatus.PENDING
        ).select_related("person__user", "person__department")
        context["pending_invitations"] = Invitation.objects.filter(
            project=project, status=RequestStatus.PENDING
        ).select_related("person__user", "person__department")
    if access.membership is not None:
        context["my_part_form"] = forms.get("my_part_form") or MyPartForm(
            department=access.membership.department,
            initial={
                "what_i_bring": access.membership.what_i_bring,
                "whats_in_it_for_my_team": access.membership.whats_in_it_for_my_team,
                "why_it_matters": next(
                    (
                        stake.why_it_matters
                        for stake in context["stakes"]
                        if stake.department_id == access.membership.department_id
                    ),
                    "",
                ),
            },
        )
    return context


def overview(request, project, status=200, **forms):
    return TemplateResponse(
        request,
        "projects/project_page.html",
        overview_context(request, project, **forms),
        status=status,
    )


def edit_basics(request, project):
    require(request, "edit_basics")
    form = ProjectBasicsForm(request.POST or None, instance=project)
    if request.method == "POST" and form.is_valid():
        try:
            project_update_basics(
                project=project,
                actor=request.project_access.person,
                user=request.user,
                **form.cleaned_data,
            )
        except ProjectActionError as error:
            apply_errors(form, error)
        else:
            return back_to_project(request, project, gettext("Project saved."))
    status = 400 if form.errors else 200
    return TemplateResponse(
        request,
        "projects/project_edit.html",
        {"page": project, "form": form, "is_joint": project.is_joint},
        status=status,
    )
