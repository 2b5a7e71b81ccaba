"""Placeholder: replaced by its work package."""

from django.http import Http404


def my_work(request):
    raise Http404
