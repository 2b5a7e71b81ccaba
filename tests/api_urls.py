"""Test-only URLconf: the site's URLs plus the API and token pages, until urls.py has them.

Delete this module once site/commonground/urls.py includes the same two lines.
"""

from django.urls import include, path

from commonground.urls import handler403, handler404, handler500
from commonground.urls import urlpatterns as site_urlpatterns
from projects.api import api_urlpatterns

__all__ = ["handler403", "handler404", "handler500", "urlpatterns"]

urlpatterns = [
    path("api/v1/", include(api_urlpatterns())),
    path("", include("accounts.urls")),
    *site_urlpatterns,
]
