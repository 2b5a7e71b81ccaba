"""My work: what one person owes, promised and achieved, and what is new for them."""

from django.template.response import TemplateResponse
from django.views.decorators.http import require_safe

from ..dashboard_selectors import latest_unread_notifications
from ..dashboard_selectors import my_work as my_work_for
from ..models import ProjectIndexPage


@require_safe
def my_work(request):
    # A bare administrator account has no directory profile: no projects, but no error either.
    person = getattr(request.user, "person", None)
    work = my_work_for(person, request.user) if person is not None else None
    return TemplateResponse(
        request,
        "projects/my_work.html",
        {
            "person": person,
            "work": work,
            "notifications": latest_unread_notifications(request.user),
            # Someone in no project yet is pointed at the projects to join.
            "project_index": (
                ProjectIndexPage.objects.live().first() if work and not work.memberships else None
            ),
        },
    )
