"""The notification list, opening one, marking all read, the e-mail settings, and leaving the
weekly digest from its e-mail."""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from intranet.pagination import paginate

from .forms import NotificationSettingsForm
from .links import is_local_path
from .models import Notification
from .preferences import (
    email_preferences,
    save_notification_settings,
    set_weekly_digest,
    wants_weekly_digest,
)
from .services import mark_read

NOTIFICATIONS_PER_PAGE = 25


@require_safe
def notification_list(request):
    notifications = Notification.objects.for_user(request.user).for_display()
    page, querystring = paginate(request, notifications, NOTIFICATIONS_PER_PAGE)
    return TemplateResponse(
        request,
        "notifications/notification_list.html",
        {"page": page, "querystring": querystring},
    )


@require_POST
def open_notification(request, notification_id):
    """Mark it read and go where it points; someone else's notification is a 404."""
    notification = get_object_or_404(
        Notification.objects.for_user(request.user), pk=notification_id
    )
    if notification.is_unread:
        mark_read(request.user, notification_id=notification.pk)
    # Only ever a path on this site: a stored address must not send anyone elsewhere.
    if notification.url and is_local_path(notification.url):
        return HttpResponseRedirect(notification.url)
    return HttpResponseRedirect(reverse("notifications:list"))


@require_POST
def mark_all_read(request):
    marked = mark_read(request.user)
    if marked:
        messages.success(request, gettext("All notifications marked as read."))
    return HttpResponseRedirect(reverse("notifications:list"))


def notification_settings(request):
    if request.method == "POST":
        form = NotificationSettingsForm(request.POST)
        if form.is_valid():
            save_notification_settings(
                user=request.user,
                choices=form.choices(),
                weekly_digest=form.cleaned_data["weekly_digest"],
            )
            messages.success(request, gettext("Your notification settings are saved."))
            return HttpResponseRedirect(reverse("notifications:settings"))
        status = 400
    else:
        form = NotificationSettingsForm(
            initial={
                **email_preferences(request.user),
                "weekly_digest": wants_weekly_digest(request.user),
            }
        )
        status = 200
    return TemplateResponse(
        request,
        "notifications/notification_settings.html",
        {"form": form, "has_email": bool(request.user.email)},
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def weekly_unsubscribe(request):
    """The link in the weekly digest's footer: a confirmation page, then one POST."""
    if request.method == "POST":
        set_weekly_digest(user=request.user, wanted=False)
        messages.success(
            request,
            gettext("You will no longer get the weekly digest. You can turn it back on here."),
        )
        return HttpResponseRedirect(reverse("notifications:settings"))
    return TemplateResponse(
        request,
        "notifications/weekly_unsubscribe.html",
        {"subscribed": wants_weekly_digest(request.user)},
    )
