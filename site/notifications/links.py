"""Addresses in notifications: only paths on this site are followed, and e-mails need them whole."""

from django.conf import settings
from django.utils.http import url_has_allowed_host_and_scheme


def is_local_path(url):
    """True for "/projects/x/#y"; False for other sites, "//host", "javascript:" and the like."""
    return (
        url.startswith("/")
        and not url.startswith("//")
        and url_has_allowed_host_and_scheme(url, allowed_hosts=set())
    )


def absolute_url(path):
    """An address e-mail readers can follow: the site's base URL and a local path."""
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    return base + (path if is_local_path(path) else "/")
