"""Addresses under a project page (/projects/<slug>/ideas/ …) and under the project index.

Wagtail's RoutablePageMixin calls a route with the page first; our views take the request
first, like every Django view, so each route goes through `on_page`.
"""

from django.urls import path

from .views import (
    checkin_import,
    export,
    ideas,
    listing,
    membership,
    metrics,
    project,
    retros,
    updates,
    webhooks,
    wins,
)


def on_page(view):
    def page_view(page, request, *args, **kwargs):
        return view(request, page, *args, **kwargs)

    return page_view


index_urlpatterns = [
    path("", on_page(listing.project_index), name="listing"),
    path("start/", on_page(listing.start_project), name="start"),
]

project_urlpatterns = [
    path("", on_page(project.overview), name="overview"),
    path("edit/", on_page(project.edit_basics), name="edit"),
    path("join/", on_page(membership.ask_to_join), name="join"),
    path(
        "join-requests/<int:request_id>/",
        on_page(membership.decide_join_request),
        name="decide_join_request",
    ),
    path("invite/", on_page(membership.invite), name="invite"),
    path(
        "invitations/<int:invitation_id>/",
        on_page(membership.respond_to_invitation),
        name="respond_to_invitation",
    ),
    path("leave/", on_page(membership.leave), name="leave"),
    path("my-part/", on_page(membership.describe_part), name="describe_part"),
    path("members/<int:membership_id>/role/", on_page(membership.change_role), name="change_role"),
    path("ideas/", on_page(ideas.post_idea), name="ideas"),
    path("ideas/<int:idea_id>/vote/", on_page(ideas.vote), name="vote"),
    path("ideas/<int:idea_id>/commit/", on_page(ideas.make_commitment), name="commit_idea"),
    path("metrics/new/", on_page(metrics.new_metric), name="new_metric"),
    path("metrics/csv/", on_page(metrics.export_csv), name="metrics_csv"),
    path("metrics/import/", on_page(checkin_import.import_check_ins), name="import_check_ins"),
    path(
        "metrics/import/template/",
        on_page(checkin_import.check_in_template_csv),
        name="check_in_template_csv",
    ),
    path("metrics/<int:metric_id>/", on_page(metrics.metric_detail), name="metric"),
    path("metrics/<int:metric_id>/edit/", on_page(metrics.edit_metric), name="edit_metric"),
    path("metrics/<int:metric_id>/sign-off/", on_page(metrics.sign_off), name="sign_off"),
    path("metrics/<int:metric_id>/check-in/", on_page(metrics.add_check_in), name="check_in"),
    path(
        "commitments/<int:commitment_id>/deliver/",
        on_page(ideas.deliver_commitment),
        name="deliver",
    ),
]

project_urlpatterns += [
    path("wins/", on_page(wins.project_wins), name="wins"),
    path("wins/new/", on_page(wins.post_win), name="post_win"),
    path("updates/", on_page(updates.update_history), name="updates"),
    path("updates/new/", on_page(updates.post_update), name="post_update"),
    path("webhooks/", on_page(webhooks.manage_webhooks), name="webhooks"),
    path(
        "webhooks/<int:webhook_id>/delete/",
        on_page(webhooks.delete_webhook),
        name="delete_webhook",
    ),
    path("webhooks/<int:webhook_id>/test/", on_page(webhooks.test_webhook), name="test_webhook"),
    path("export/markdown/", on_page(export.export_markdown), name="export_markdown"),
    path("export/csv/", on_page(export.export_csv_bundle), name="export_csv"),
]

project_urlpatterns += [
    path("retros/", on_page(retros.project_retros), name="retros"),
    path("retros/new/", on_page(retros.new_retro), name="new_retro"),
]
