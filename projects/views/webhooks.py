"""Placeholder: replaced by its work package."""

from django.http import Http404


def manage_webhooks(request, project):
    raise Http404


def delete_webhook(request, project, webhook_id):
    raise Http404


def test_webhook(request, project, webhook_id):
    raise Http404
