from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from wagtail.models import APIToken

from .forms import APITokenForm


@require_http_methods(["GET", "HEAD", "POST"])
def api_tokens(request):
    """A person's own API tokens: create one (its secret shown once, on this response), revoke."""
    form = APITokenForm()
    new_token = None
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "revoke":
            token_id = request.POST.get("token", "")
            if not token_id.isdigit():
                raise Http404
            token = get_object_or_404(APIToken, pk=token_id, user=request.user)
            if token.revoked_at is None:
                token.revoke()
            messages.success(
                request,
                _("The token “%(name)s” is revoked: it no longer works.") % {"name": token.name},
            )
            return redirect("accounts:api_tokens")
        if action != "create":
            status = 400
        else:
            form = APITokenForm(request.POST)
            if form.is_valid():
                token, new_token = APIToken.create_token(
                    user=request.user, name=form.cleaned_data["name"]
                )
                form = APITokenForm()
            else:
                status = 400
    response = TemplateResponse(
        request,
        "accounts/api_tokens.html",
        {
            "form": form,
            "new_token": new_token,
            "tokens": APIToken.objects.filter(user=request.user).order_by("-created", "-pk"),
            "api_url": request.build_absolute_uri(_projects_endpoint()),
        },
        status=status,
    )
    # The page may show a token's secret: never keep it in a cache.
    add_never_cache_headers(response)
    return response


def _projects_endpoint():
    try:
        return reverse("api-v1:list_projects")
    except NoReverseMatch:  # the API is not mounted (yet): show where it will be
        return "/api/v1/projects"


def feeds(request):
    """Placeholder: replaced by the feeds work package."""
    raise Http404
