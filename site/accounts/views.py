from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.i18n import set_language as django_set_language
from wagtail.models import APIToken

from .forms import APITokenForm
from .languages import remember_language, supported_language
from .models import FeedToken, new_feed_key


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


@require_http_methods(["GET", "HEAD", "POST"])
def feeds(request):
    """A person's feed addresses (organisation, each of their projects, their department);
    POST creates new ones, retiring every old address at once."""
    from projects.models import ProjectPage

    if request.method == "POST":
        FeedToken.objects.update_or_create(
            user=request.user, defaults={"key": new_feed_key(), "created_at": timezone.now()}
        )
        messages.success(
            request,
            _("New feed addresses created. The old ones no longer work: update your feed reader."),
        )
        return redirect("accounts:feeds")
    token, _created = FeedToken.objects.get_or_create(user=request.user)
    person = getattr(request.user, "person", None)

    def address(name, **kwargs):
        return request.build_absolute_uri(
            reverse(f"projects:{name}", kwargs={"token": token.key, **kwargs})
        )

    projects = []
    if person is not None:
        projects = [
            {
                "title": project.title,
                "url": address("feed_project", project_id=project.pk),
                "element_id": f"feed-project-{project.pk}",
            }
            for project in ProjectPage.objects.live().with_member(person).order_by("title")
        ]
    response = TemplateResponse(
        request,
        "accounts/feeds.html",
        {
            "token": token,
            "organisation_feed": address("feed_wins"),
            "project_feeds": projects,
            "department": person.department if person else None,
            "department_feed": (
                address("feed_department", slug=person.department.slug) if person else None
            ),
        },
    )
    # The page shows the secret addresses: never keep it in a cache.
    add_never_cache_headers(response)
    return response


@login_not_required
@require_POST
def set_language(request):
    """Django's set_language (cookie + redirect to `next`), and for a signed-in person the
    profile too, so the Wagtail admin, the e-mails and their other browsers follow the choice."""
    response = django_set_language(request)
    code = supported_language(request.POST.get("language"))
    if code and request.user.is_authenticated:
        remember_language(request.user, code)
    return response
