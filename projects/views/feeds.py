"""Placeholder: replaced by its work package."""

from django.http import Http404


def organisation_wins_feed(request, token):
    raise Http404


def project_wins_feed(request, token, project_id):
    raise Http404


def department_wins_feed(request, token, slug):
    raise Http404
