"""Placeholder: replaced by its work package."""

from django.http import Http404


def toggle_cheer(request, win_id, reaction_id):
    raise Http404


def add_comment(request, win_id):
    raise Http404


def delete_comment(request, comment_id):
    raise Http404
