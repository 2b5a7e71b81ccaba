"""The page a locked-out login gets (django-axes calls lockout_response, AXES_LOCKOUT_CALLABLE)."""

from axes.helpers import get_cool_off, get_failure_limit
from django.template.response import TemplateResponse
from django.utils import timezone


def lockout_response(request, original_response=None, credentials=None):
    # The lockout lasts the cool-off from the latest failed try, which is this one.
    cool_off = get_cool_off(request)
    response = TemplateResponse(
        request,
        "registration/lockout.html",
        {
            "failure_limit": get_failure_limit(request, credentials),
            "cool_off_minutes": round(cool_off.total_seconds() / 60),
            "try_again_at": timezone.localtime() + cool_off,
        },
        status=429,
    )
    return response.render()
