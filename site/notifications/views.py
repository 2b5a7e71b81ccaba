"""Placeholder: replaced by its work package."""

from django.http import Http404


def notification_list(request):
    raise Http404


def open_notification(request, notification_id):
    raise Http404


def mark_all_read(request):
    raise Http404


def notification_settings(request):
    raise Http404
