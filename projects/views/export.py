"""Placeholder: replaced by its work package."""

from django.http import Http404


def export_markdown(request, project):
    raise Http404


def export_csv_bundle(request, project):
    raise Http404
