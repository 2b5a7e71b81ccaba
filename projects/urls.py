"""Site-wide addresses of the projects app: wins (which may span projects), my work, feeds.

Addresses under one project (/projects/<slug>/…) are in projects.routes.
"""

from django.urls import path

from .views import cheers, dashboard, feeds, retro_board, retro_closing, wins

app_name = "projects"

urlpatterns = [
    path("wins/", wins.wins_wall, name="wins"),
    path("wins/<int:win_id>/", wins.win_detail, name="win"),
    path("wins/<int:win_id>/edit/", wins.edit_win, name="edit_win"),
    path("wins/<int:win_id>/cheers/<int:reaction_id>/", cheers.toggle_cheer, name="cheer"),
    path("wins/<int:win_id>/comments/", cheers.add_comment, name="comment"),
    path("wins/comments/<int:comment_id>/delete/", cheers.delete_comment, name="delete_comment"),
    path("my-work/", dashboard.my_work, name="my_work"),
    # Retrospectives may span projects, so they live at the top level like wins.
    path("retros/<int:retro_id>/", retro_board.board, name="retro"),
    path("retros/<int:retro_id>/board/", retro_board.board_fragment, name="retro_board"),
    path("retros/<int:retro_id>/phase/", retro_board.move_phase, name="retro_phase"),
    path("retros/<int:retro_id>/items/", retro_board.add_item, name="retro_add_item"),
    path(
        "retros/<int:retro_id>/items/<int:item_id>/edit/",
        retro_board.edit_item,
        name="retro_edit_item",
    ),
    path(
        "retros/<int:retro_id>/items/<int:item_id>/delete/",
        retro_board.delete_item,
        name="retro_delete_item",
    ),
    path(
        "retros/<int:retro_id>/items/<int:item_id>/merge/",
        retro_board.merge_item,
        name="retro_merge_item",
    ),
    path(
        "retros/<int:retro_id>/items/<int:item_id>/unmerge/",
        retro_board.unmerge_item,
        name="retro_unmerge_item",
    ),
    path("retros/<int:retro_id>/items/<int:item_id>/vote/", retro_board.vote, name="retro_vote"),
    path(
        "retros/<int:retro_id>/items/<int:item_id>/unvote/", retro_board.unvote, name="retro_unvote"
    ),
    path(
        "retros/<int:retro_id>/items/<int:item_id>/notes/",
        retro_closing.add_note,
        name="retro_add_note",
    ),
    path("retros/<int:retro_id>/actions/", retro_closing.add_action, name="retro_add_action"),
    path("retros/<int:retro_id>/close/", retro_closing.close, name="retro_close"),
    path("retros/<int:retro_id>/summary/", retro_closing.summary, name="retro_summary"),
    path(
        "retros/<int:retro_id>/export/markdown/",
        retro_closing.export_markdown,
        name="retro_export_markdown",
    ),
    path("retros/<int:retro_id>/export/csv/", retro_closing.export_csv, name="retro_export_csv"),
    path("feeds/<str:token>/wins/", feeds.organisation_wins_feed, name="feed_wins"),
    path(
        "feeds/<str:token>/projects/<int:project_id>/",
        feeds.project_wins_feed,
        name="feed_project",
    ),
    path(
        "feeds/<str:token>/departments/<slug:slug>/",
        feeds.department_wins_feed,
        name="feed_department",
    ),
]
