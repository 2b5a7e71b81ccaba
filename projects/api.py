"""The Common Ground API (version 1): projects, their shared metrics and check-ins.

Conventions, so clients can rely on them:

* **Authentication**: personal API tokens only (``Authorization: Bearer <token>``), created and
  revoked by each person on /account/api-tokens/. A session cookie is *not* accepted: Wagtail's
  BearerTokenAuth resets ``request.user`` from the token, so a logged-in browser cannot be made
  to call the API (no CSRF exposure), and every call acts as exactly one token's owner. A missing,
  invalid or revoked token is a 401. The OpenAPI schema (``/openapi.json``) needs no token: it
  only describes the endpoints. There is no docs page: Ninja's would load Swagger from a CDN.
* **Visibility**: a project the token's owner may not see (members-only, draft) is a 404, never
  a 403, so its existence does not leak. A visible project where the person may not act is 403.
* **Numbers**: decimal values (baselines, targets, check-in values, percent to target) are JSON
  *strings* such as ``"61.5"``, never floats, so no precision is lost. Check-in values are sent
  as strings too and read in English notation (``"1,234.5"`` or ``"1234.5"``).
* **Errors**: always JSON ``{"detail": "..."}``; validation errors (422) list each problem as
  ``{"detail": [{"field": "value", "message": "..."}]}`` (``field`` is null when the problem is
  not about one field).
"""

import datetime
from decimal import Decimal

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, URLResolver
from ninja import Field, NinjaAPI, Schema, Status
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import LimitOffsetPagination, paginate
from wagtail.api.v3.auth import BearerTokenAuth

from .metric_selectors import metrics_with_history, summarise
from .metric_services import check_in
from .models import CheckIn, Confidence, Membership, Metric, ProjectPage
from .numbers import parse_decimal
from .permissions import ProjectAccess
from .services import ProjectActionError

URLS_NAMESPACE = "api-v1"

api = NinjaAPI(
    title="Common Ground API",
    version="1",
    description=__doc__,
    urls_namespace=URLS_NAMESPACE,
    openapi_url="/openapi.json",
    # Ninja's docs page loads Swagger UI from a CDN unless "ninja" is an installed app.
    docs_url=None,
    auth=BearerTokenAuth(),
)


# Schemas ------------------------------------------------------------------------------------


class ErrorOut(Schema):
    detail: str


class FieldErrorOut(Schema):
    field: str | None = Field(description="The input field at fault; null for the whole input.")
    message: str


class ValidationErrorOut(Schema):
    detail: list[FieldErrorOut]


class ProjectOut(Schema):
    id: int
    title: str
    slug: str
    url: str | None = Field(description="The project's page on the intranet.")
    status: str
    visibility: str
    purpose: str
    departments: list[str] = Field(description="Departments taking part, largest first.")


class CheckInOut(Schema):
    id: int
    day: datetime.date
    value: str = Field(description="A decimal number as a string, e.g. '61.5'.")
    confidence: str
    note: str
    author: str = Field(description="The name of the person who checked in.")


class DatedValueOut(Schema):
    value: str = Field(description="A decimal number as a string.")
    date: datetime.date


class MetricOut(Schema):
    id: int
    project_id: int
    name: str
    definition: str
    unit: str
    unit_detail: str
    direction: str
    baseline: DatedValueOut
    target: DatedValueOut
    agreed: bool
    status: str = Field(description="on_track, at_risk, off_track or no_data.")
    percent_to_target: str | None = Field(
        description="Share of the way from baseline to target covered, as a string; "
        "null without check-ins or for range metrics."
    )
    latest_check_in: CheckInOut | None


class MetricDetailOut(MetricOut):
    check_ins: list[CheckInOut] = Field(description="Every check-in, oldest first.")


class CheckInIn(Schema):
    day: datetime.date
    value: str = Field(
        max_length=60, description="A number in English notation, e.g. '61.5' or '1,234.5'."
    )
    confidence: Confidence = Confidence.MEDIUM
    note: str = Field("", max_length=1000)


# Serialisation ------------------------------------------------------------------------------


def decimal_text(value: Decimal | None) -> str | None:
    """'60.000000' → '60', '61.50' → '61.5': exact, without exponent or float rounding."""
    if value is None:
        return None
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text


def check_in_out(entry: CheckIn) -> dict:
    return {
        "id": entry.pk,
        "day": entry.day,
        "value": decimal_text(entry.value),
        "confidence": entry.confidence,
        "note": entry.note,
        "author": str(entry.author),
    }


def metric_out(metric: Metric, *, with_history=False) -> dict:
    summary = summarise(metric)
    data = {
        "id": metric.pk,
        "project_id": metric.project_id,
        "name": metric.name,
        "definition": metric.definition,
        "unit": metric.unit,
        "unit_detail": metric.unit_detail,
        "direction": metric.direction,
        "baseline": {"value": decimal_text(metric.baseline_value), "date": metric.baseline_date},
        "target": {"value": decimal_text(metric.target_value), "date": metric.target_date},
        "agreed": metric.is_agreed,
        "status": str(summary.progress.status),
        "percent_to_target": decimal_text(summary.progress.percent_to_target),
        "latest_check_in": check_in_out(summary.latest) if summary.latest else None,
    }
    if with_history:
        data["check_ins"] = [check_in_out(entry) for entry in summary.check_ins]
    return data


def project_out(project: ProjectPage, request) -> dict:
    # Departments from the prefetched memberships, ordered as ProjectPage.departments does
    # (most members first, then by name) without a query per project.
    counts = {}
    for membership in project.memberships.all():
        name = membership.department.name
        counts[name] = counts.get(name, 0) + 1
    return {
        "id": project.pk,
        "title": project.title,
        "slug": project.slug,
        "url": project.get_full_url(request),
        "status": project.status,
        "visibility": project.visibility,
        "purpose": project.purpose,
        "departments": sorted(counts, key=lambda name: (-counts[name], name)),
    }


# Access -------------------------------------------------------------------------------------


def visible_metric_or_404(request, queryset, pk) -> tuple[Metric, ProjectAccess]:
    metric = get_object_or_404(queryset.select_related("project"), pk=pk)
    access = ProjectAccess(request.user, metric.project)
    if not metric.project.live or not access.can("view"):
        raise Http404
    return metric, access


# Endpoints ----------------------------------------------------------------------------------


@api.get("/projects", response=list[ProjectOut], summary="Projects you can see")
@paginate(LimitOffsetPagination)
def list_projects(request):
    """Projects open to the whole organisation, and members-only ones you belong to."""
    memberships = Membership.objects.select_related("department").only(
        "project_id", "department__name"
    )
    projects = (
        ProjectPage.objects.live()
        .visible_to(request.user)
        .prefetch_related(Prefetch("memberships", queryset=memberships))
        .order_by("title", "pk")
    )
    return PageOfProjects(projects, request)


class PageOfProjects:
    """Slices like the queryset (for pagination), then serialises the page it was cut to."""

    def __init__(self, queryset, request):
        self.queryset, self.request = queryset, request

    def all(self):
        # Ninja counts the items with .all().count().
        return self.queryset

    def __getitem__(self, window):
        return [project_out(project, self.request) for project in self.queryset[window]]


@api.get(
    "/projects/{int:project_id}/metrics",
    response={200: list[MetricOut], 404: ErrorOut},
    summary="A project's shared metrics",
)
def project_metrics(request, project_id: int):
    project = get_object_or_404(ProjectPage.objects.live(), pk=project_id)
    if not ProjectAccess(request.user, project).can("view"):
        raise Http404
    metrics = metric_queryset().filter(project=project)
    return [metric_out(metric) for metric in metrics]


def metric_queryset():
    """Metrics with what summarise() needs, and check-in authors, in a fixed number of queries."""
    return metrics_with_history(Metric.objects.all()).prefetch_related("check_ins__author__user")


@api.get(
    "/metrics/{int:metric_id}",
    response={200: MetricDetailOut, 404: ErrorOut},
    summary="One metric with all its check-ins",
)
def metric_detail(request, metric_id: int):
    metric, _access = visible_metric_or_404(request, metric_queryset(), metric_id)
    return metric_out(metric, with_history=True)


@api.post(
    "/metrics/{int:metric_id}/check-ins",
    response={201: CheckInOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
    summary="Check in a value",
)
def create_check_in(request, metric_id: int, payload: CheckInIn):
    """Record today's (or a past day's) value. A second check-in on the same day replaces the
    first; the replaced value stays in the metric's history."""
    metric, access = visible_metric_or_404(request, Metric.objects.all(), metric_id)
    if not access.can("check_in"):
        raise HttpError(403, "Only members of the project can check in.")
    try:
        value = parse_decimal(payload.value, language="en")
    except DjangoValidationError as error:
        raise ProjectActionError({"value": error.messages}) from None
    entry = check_in(
        metric=metric,
        author=access.person,
        day=payload.day,
        value=value,
        note=payload.note,
        confidence=payload.confidence.value,
    )
    entry = CheckIn.objects.select_related("author__user").get(pk=entry.pk)
    return Status(201, check_in_out(entry))


# Errors -------------------------------------------------------------------------------------


def field_errors(error: DjangoValidationError) -> list[dict]:
    if hasattr(error, "error_dict"):
        return [
            {"field": None if field == "__all__" else field, "message": message}
            for field, messages in error.message_dict.items()
            for message in messages
        ]
    return [{"field": None, "message": message} for message in error.messages]


@api.exception_handler(ProjectActionError)
def refused(request, error):
    return api.create_response(request, {"detail": field_errors(error)}, status=422)


@api.exception_handler(NinjaValidationError)
def invalid_input(request, error):
    details = []
    for problem in error.errors:
        location = list(problem.get("loc", ()))
        # ("body", "payload", "day") → "day"; ("query", "limit") → "limit".
        skip = 2 if location[:1] == ["body"] and len(location) > 2 else 1
        location = location[skip:]
        field = ".".join(str(part) for part in location) or None
        details.append({"field": field, "message": problem.get("msg", "Invalid value.")})
    return api.create_response(request, {"detail": details}, status=422)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, error):
    response = api.create_response(
        request,
        {"detail": "Send a valid API token: Authorization: Bearer <token>."},
        status=401,
    )
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(Http404)
def not_found(request, error):
    return api.create_response(request, {"detail": "Not found."}, status=404)


# URLs ---------------------------------------------------------------------------------------


def _open_to_tokens(patterns):
    """Mark every view login_not_required: the API authenticates by token, not session."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            _open_to_tokens(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            login_not_required(pattern.callback)
    return patterns


def api_urlpatterns():
    """The API's URL patterns and namespace, for ``include()``:
    ``path("api/v1/", include(api_urlpatterns()))``.

    Ninja's views are already CSRF-exempt (tokens are not sent by browsers on their own)."""
    patterns, _app_name, namespace = api.urls
    return _open_to_tokens(patterns), namespace
