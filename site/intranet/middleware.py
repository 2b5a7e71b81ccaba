from django.conf import settings


class AdminPreviewFramingMiddleware:
    """Let the Wagtail admin show page previews in its own frame while the rest says DENY."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = getattr(settings, "WAGTAILADMIN_PREFIX", "/admin/")

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(self.admin_prefix):
            response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        return response
