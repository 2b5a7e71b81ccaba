"""Placeholder: replaced by its work package."""

from django.http import Http404


def project_wins(request, project):
    raise Http404


def post_win(request, project):
    raise Http404


def wins_wall(request):
    raise Http404


def win_detail(request, win_id):
    raise Http404


def edit_win(request, win_id):
    raise Http404
