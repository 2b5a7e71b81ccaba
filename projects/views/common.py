"""What every project action shares: POST only, one permission check, back to the page."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, HttpResponseRedirect


def require(request, action, **kwargs):
    """The permission table decides; a refusal is a 403 with a page that says why."""
    if not request.project_access.can(action, **kwargs):
        raise PermissionDenied


def post_only(request):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    return None


def back_to_project(request, project, message=None, anchor=""):
    if message:
        messages.success(request, message)
    return HttpResponseRedirect(project.get_url(request) + (f"#{anchor}" if anchor else ""))


def report_refusal(request, error):
    """A service refused an action without a form to show it on: say why on the next page."""
    for message in error.messages:
        messages.error(request, message)


def apply_errors(form, error):
    """Put a service's refusal next to the field it concerns, or at the top of the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)
