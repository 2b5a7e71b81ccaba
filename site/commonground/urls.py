from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from intranet import views as intranet_views
from intranet.api import api_v2_urlpatterns
from intranet.media import serve_media
from projects.api import api_urlpatterns
from projects.views.overview import metrics_overview
from sitesearch import views as search_views

handler403 = "intranet.views.permission_denied"
handler404 = "intranet.views.page_not_found"
handler500 = "intranet.views.server_error"

urlpatterns = [
    path("healthz", intranet_views.healthz, name="healthz"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            redirect_authenticated_user=True,
            extra_context={"demo_logins": getattr(settings, "DEMO_LOGINS", False)},
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("search/", search_views.search, name="search"),
    path("metrics/", metrics_overview, name="metrics_overview"),
    path("api/v1/", include(api_urlpatterns())),
    path("api/v2/", include(api_v2_urlpatterns())),
    path("", include("accounts.urls")),
    path("", include("organisation.urls")),
    path("", include("notifications.urls")),
    path("", include("projects.urls")),
    # Uploaded files: behind the login, and members-only pictures only for those who may see
    # their project (intranet.media).
    re_path(r"^media/(?P<path>.*)$", serve_media),
    path("", include(wagtail_urls)),
]
