"""A project's retrospectives: the list, and starting one."""

from django.contrib import messages
from django.db.models import Count, Prefetch, Q
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from intranet.pagination import paginate

from ..models import ProjectPage, RetroPhase, Retrospective
from ..retro_services import retro_create
from ..retro_start_form import StartRetroForm
from ..services import ProjectActionError
from .common import apply_errors, require

CLOSED_RETROS_PER_PAGE = 20


def _for_listing(retros, user):
    """What a listed retrospective shows: facilitator, format, the other projects the viewer
    may see, and its action items (how many, how many delivered)."""
    visible_projects = ProjectPage.objects.visible_to(user).only(
        "id", "title", "url_path", "slug", "path", "depth"
    )
    return (
        retros.select_related("facilitator__user", "format")
        .prefetch_related(Prefetch("projects", queryset=visible_projects))
        .annotate(
            action_count=Count("actions", distinct=True),
            delivered_count=Count(
                "actions", filter=Q(actions__delivered_on__isnull=False), distinct=True
            ),
        )
    )


def _with_other_projects(retros, project):
    retros = list(retros)
    for retro in retros:
        retro.other_projects = [p for p in retro.projects.all() if p.pk != project.pk]
    return retros


@require_safe
def project_retros(request, project):
    """Retrospectives under way or coming up, then the closed ones, newest first."""
    retros = Retrospective.objects.for_project(project)
    closed, querystring = paginate(
        request,
        _for_listing(retros.filter(phase=RetroPhase.CLOSED), request.user).order_by(
            "-held_on", "-pk"
        ),
        CLOSED_RETROS_PER_PAGE,
    )
    closed.object_list = _with_other_projects(closed.object_list, project)
    open_retros = _for_listing(retros.open(), request.user).order_by("held_on", "pk")
    return TemplateResponse(
        request,
        "projects/retros/project_retros.html",
        {
            "page": project,
            "access": request.project_access,
            "open_retros": _with_other_projects(open_retros, project),
            "closed_retros": closed,
            "querystring": querystring,
            "can_start_retro": request.project_access.can("start_retro"),
        },
    )


def new_retro(request, project):
    """Start a retrospective (members): prefilled, so most teams just press the button."""
    require(request, "start_retro")
    access = request.project_access
    form = StartRetroForm(
        request.POST or None, project=project, person=access.person, today=timezone.localdate()
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            retro = retro_create(
                projects=[project, *data["also_projects"]],
                facilitator=data["facilitator"],
                created_by=access.person,
                retro_format=data["format"],
                title=data["title"],
                held_on=data["held_on"],
                votes_per_person=data["votes_per_person"],
                skip_review=not data["start_with_review"],
            )
        except ProjectActionError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                gettext("Retrospective started. Share this page with the team."),
            )
            return HttpResponseRedirect(reverse("projects:retro", kwargs={"retro_id": retro.pk}))
    return TemplateResponse(
        request,
        "projects/retros/new_retro.html",
        {"page": project, "form": form},
        status=400 if form.errors else 200,
    )
