from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("account/api-tokens/", views.api_tokens, name="api_tokens"),
    path("account/feeds/", views.feeds, name="feeds"),
    path("account/language/", views.set_language, name="set_language"),
]
