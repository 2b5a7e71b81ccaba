"""Wagtail's read-only API (version 2) for other intranet front ends: pages, images, documents.

Every endpoint needs a person: the logged-in session, or a personal API token
(``Authorization: Bearer <token>``, the same tokens as the /api/v1/ API). Without either the
answer is a JSON 401, never the login page. Members-only projects stay invisible to people
outside them: absent from listings and a 404 on detail, exactly as on the site.
"""

from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import (
    BaseAuthentication,
    SessionAuthentication,
    get_authorization_header,
)
from rest_framework.permissions import IsAuthenticated
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.api.v3.auth import BearerTokenAuth
from wagtail.documents.api.v2.views import DocumentsAPIViewSet
from wagtail.images.api.v2.views import ImagesAPIViewSet
from wagtail.models import Locale
from wagtail.utils.urlpatterns import decorate_urlpatterns

from projects.models import ProjectPage, Win

URLS_NAMESPACE = "wagtailapi"


class BearerTokenAuthentication(BaseAuthentication):
    """DRF's side of the personal API tokens: verified by the very code /api/v1/ uses."""

    keyword = b"bearer"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None  # No token offered: let the session have a go.
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Give exactly one token after “Bearer”."))
        try:
            token = parts[1].decode()
        except UnicodeDecodeError as error:
            raise exceptions.AuthenticationFailed(_("The token is not valid.")) from error
        api_token = BearerTokenAuth().authenticate(request, token)
        if api_token is None:
            raise exceptions.AuthenticationFailed(_("The token is not valid or was revoked."))
        return api_token.user, api_token

    def authenticate_header(self, request):
        # Naming the scheme turns "not authenticated" into a 401 rather than a 403.
        return 'Bearer realm="api"'


class PersonOnlyMixin:
    """A person is required: a token first (so a token always decides), else the session.

    Only GET routes exist, so the session cannot be abused across sites (no CSRF exposure).
    """

    authentication_classes = [BearerTokenAuthentication, SessionAuthentication]
    permission_classes = [IsAuthenticated]


class IntranetPagesAPIViewSet(PersonOnlyMixin, PagesAPIViewSet):
    def get_base_queryset(self):
        # The base queryset also resolves child_of/descendant_of parents and nested pages, so
        # filtering here keeps hidden projects out of every route, not only the listing.
        hidden = ProjectPage.objects.hidden_from(self.request.user).values("pk")
        return super().get_base_queryset().exclude(pk__in=hidden)

    def paginate_queryset(self, queryset):
        # With page translations on, listings show each page's locale: read the few locales
        # once rather than once per page.
        pages = super().paginate_queryset(queryset)
        if pages is None:
            return None
        pages = list(pages)
        locales = Locale.objects.in_bulk()
        for page in pages:
            page.locale = locales[page.locale_id]
        return pages


class IntranetImagesAPIViewSet(PersonOnlyMixin, ImagesAPIViewSet):
    def get_queryset(self):
        # A win's picture is titled after the win, and a cover shows its project: pictures of
        # wins and projects the person may not see are kept out of listings, detail and find.
        user = self.request.user
        hidden_wins = Win.objects.exclude(pk__in=Win.objects.visible_to(user).values("pk"))
        hidden_projects = ProjectPage.objects.hidden_from(user)
        return (
            super()
            .get_queryset()
            .exclude(pk__in=hidden_wins.exclude(image=None).values("image"))
            .exclude(pk__in=hidden_projects.exclude(cover_image=None).values("cover_image"))
        )


class IntranetDocumentsAPIViewSet(PersonOnlyMixin, DocumentsAPIViewSet):
    pass


api_router = WagtailAPIRouter(URLS_NAMESPACE)
api_router.register_endpoint("pages", IntranetPagesAPIViewSet)
api_router.register_endpoint("images", IntranetImagesAPIViewSet)
api_router.register_endpoint("documents", IntranetDocumentsAPIViewSet)


def api_v2_urlpatterns():
    """The API's URLs, exempt from the login redirect: DRF answers strangers with a JSON 401."""
    patterns = decorate_urlpatterns(api_router.get_urlpatterns(), login_not_required)
    return [path("", include((patterns, URLS_NAMESPACE), namespace=URLS_NAMESPACE))]
