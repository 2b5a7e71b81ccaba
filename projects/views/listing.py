from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext

from intranet.pagination import paginate

from ..forms import ProjectFilterForm, StartProjectForm
from ..models import ProjectPage
from ..selectors import departments_by_project
from ..services import project_start
from ..update_selectors import organisation_promises

PROJECTS_PER_PAGE = 12


def project_index(request, index):
    form = ProjectFilterForm(request.GET or None)
    visible = ProjectPage.objects.live().child_of(index).visible_to(request.user)
    projects = (
        visible.with_department_count()
        .select_related("cover_image")
        .order_by("-latest_revision_created_at", "-pk")
    )
    person = getattr(request.user, "person", None)
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            projects = projects.filter(
                Q(title__icontains=data["q"]) | Q(purpose__icontains=data["q"])
            )
        if data["department"]:
            projects = projects.filter(memberships__department=data["department"]).distinct()
        if data["status"]:
            projects = projects.filter(status=data["status"])
        if data["mine"]:
            projects = projects.with_member(person) if person else projects.none()
    elif form.is_bound:
        projects = projects.none()
    page, querystring = paginate(request, projects, PROJECTS_PER_PAGE)
    departments = departments_by_project([project.pk for project in page.object_list])
    for project in page.object_list:
        project.listed_departments = departments.get(project.pk, [])
    return TemplateResponse(
        request,
        "projects/project_index_page.html",
        {
            "page": index,
            "form": form,
            "projects": page,
            "querystring": querystring,
            "can_start": person is not None,
            # Of every project the viewer may see, whatever the filters.
            "organisation_promises": organisation_promises(visible),
        },
    )


def start_project(request, index):
    person = getattr(request.user, "person", None)
    if person is None:
        # Only people in the organisation directory can lead a project.
        raise PermissionDenied
    form = StartProjectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        project = project_start(index=index, person=person, **form.cleaned_data)
        messages.success(
            request,
            gettext(
                "Your project is started and you are its lead. Invite someone from a partner "
                "department: a project becomes joint with members from at least two."
            ),
        )
        return HttpResponseRedirect(project.get_url(request))
    return TemplateResponse(
        request,
        "projects/project_start.html",
        {"page": index, "form": form},
        status=400 if form.errors else 200,
    )
