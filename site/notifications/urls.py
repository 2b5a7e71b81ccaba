from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("notifications/", views.notification_list, name="list"),
    path("notifications/<int:notification_id>/open/", views.open_notification, name="open"),
    path("notifications/read-all/", views.mark_all_read, name="read_all"),
    path("notifications/settings/", views.notification_settings, name="settings"),
    path(
        "notifications/weekly-digest/unsubscribe/",
        views.weekly_unsubscribe,
        name="weekly_unsubscribe",
    ),
]
