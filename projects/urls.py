"""Site-wide addresses of the projects app: wins (which may span projects), my work, feeds.

Addresses under one project (/projects/<slug>/…) are in projects.routes.
"""

from django.urls import path

from .views import cheers, dashboard, feeds, wins

app_name = "projects"

urlpatterns = [
    path("wins/", wins.wins_wall, name="wins"),
    path("wins/<int:win_id>/", wins.win_detail, name="win"),
    path("wins/<int:win_id>/edit/", wins.edit_win, name="edit_win"),
    path("wins/<int:win_id>/cheers/<int:reaction_id>/", cheers.toggle_cheer, name="cheer"),
    path("wins/<int:win_id>/comments/", cheers.add_comment, name="comment"),
    path("wins/comments/<int:comment_id>/delete/", cheers.delete_comment, name="delete_comment"),
    path("my-work/", dashboard.my_work, name="my_work"),
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
