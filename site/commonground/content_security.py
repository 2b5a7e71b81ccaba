"""The Content-Security-Policy header: the strict site policy, relaxed for the Wagtail admin."""

from csp.middleware import CSPMiddleware
from django.conf import settings


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with CONTENT_SECURITY_POLICY_ADMIN replacing directives on the
    admin's paths (the admin is Wagtail's code, not ours: see the setting for why)."""

    def __init__(self, get_response):
        super().__init__(get_response)
        self.admin_prefixes = tuple(settings.CONTENT_SECURITY_POLICY_ADMIN["URL_PREFIXES"])
        self.admin_directives = settings.CONTENT_SECURITY_POLICY_ADMIN["DIRECTIVES"]

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if report_only:
            return parts
        if request.path_info.startswith(self.admin_prefixes):
            relaxed = self.admin_directives
        elif getattr(request, "is_preview", False):
            # Wagtail renders a preview through the middleware again, as a request to the
            # page's own address; the page keeps its policy, but the admin may frame it.
            relaxed = {"frame-ancestors": self.admin_directives["frame-ancestors"]}
        else:
            return parts
        # A view's own @csp_replace still wins.
        parts.replace = {**relaxed, **(parts.replace or {})}
        return parts
