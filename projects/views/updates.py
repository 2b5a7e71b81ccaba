"""Placeholder: replaced by its work package."""

from django.http import Http404


def update_history(request, project):
    raise Http404


def post_update(request, project):
    raise Http404
