"""Status updates: the history everyone who sees the project reads, and the form leads post."""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils import formats, timezone
from django.utils.translation import gettext

from intranet.pagination import paginate

from ..services import ProjectActionError
from ..update_forms import StatusUpdateForm
from ..update_selectors import mark_promises, update_promises, updates_newest_first, with_authors
from ..update_services import update_post
from .common import apply_errors, require

UPDATES_PER_PAGE = 10


def update_history(request, project):
    page, querystring = paginate(request, updates_newest_first(project), UPDATES_PER_PAGE)
    page.object_list = mark_promises(list(page.object_list), project)
    return TemplateResponse(
        request,
        "projects/updates/update_history.html",
        {
            "page": project,
            "access": request.project_access,
            "updates": page,
            "querystring": querystring,
            "update_promises": update_promises(project),
            "can_post_update": request.project_access.can("post_update"),
        },
    )


def post_update(request, project):
    require(request, "post_update")
    today = timezone.localdate()
    previous = with_authors(project.status_updates.all()).first()
    form = StatusUpdateForm(request.POST or None, project=project, today=today, previous=previous)
    if request.method == "POST" and form.is_valid():
        try:
            update_post(project=project, author=request.project_access.person, **form.cleaned_data)
        except ProjectActionError as error:
            apply_errors(form, error)
        else:
            message = gettext("Update posted. The team expects the next one by %(date)s.") % {
                "date": formats.date_format(form.cleaned_data["next_update_due"])
            }
            messages.success(request, message)
            return HttpResponseRedirect(project.get_url(request) + "#status")
    return TemplateResponse(
        request,
        "projects/updates/update_form.html",
        {"page": project, "form": form, "previous": previous},
        status=400 if form.errors else 200,
    )
