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
import re
import uuid
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from annotated_types import Interval
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import OuterRef, Prefetch, Subquery
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, URLResolver, re_path
from django.utils.html import linebreaks
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja import Field, NinjaAPI, Schema, Status
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import BeforeValidator
from wagtail.api.rich_text import APIRichText, RichTextFormatError
from wagtail.api.v3.auth import BearerTokenAuth
from wagtail.rich_text import expand_db_html

from organisation.models import Department, Person

from .cheer_selectors import cheer_counts
from .metric_selectors import metrics_with_history, summarise
from .metric_services import check_in
from .models import (
    WIN_STORY_FEATURES,
    CheckIn,
    Confidence,
    Membership,
    Metric,
    ProjectPage,
    Reaction,
    Win,
)
from .numbers import parse_decimal
from .permissions import ProjectAccess, WinAccess
from .services import ProjectActionError
from .win_services import cheer_toggle, win_post, win_url

URLS_NAMESPACE = "api-v1"


def _json_error(description, schema_name):
    body_schema = {"$ref": f"#/components/schemas/{schema_name}"}
    return {"description": description, "content": {"application/json": {"schema": body_schema}}}


class CommonGroundAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs):
        """Ninja's schema, plus the answers that come before any view runs, so that clients
        (and schemathesis) know every status code they can get: 401 without a valid token,
        422 for input that fails its schema, 400 for a body that is not JSON, and 404 for an
        id in the address that is not one (a JSON 404, see `unknown_address`)."""
        schema = super().get_openapi_schema(**kwargs)
        for path, operations in schema["paths"].items():
            for operation in operations.values():
                responses = operation["responses"]
                responses.setdefault(401, _json_error("No valid API token", "ErrorOut"))
                responses.setdefault(422, _json_error("Invalid input", "ValidationErrorOut"))
                if "{" in path:
                    responses.setdefault(404, _json_error("Nothing you can see", "ErrorOut"))
                if "requestBody" in operation:
                    responses.setdefault(400, _json_error("The body is not JSON", "ErrorOut"))
        return schema


api = CommonGroundAPI(
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


def _iso_date_text(value):
    """Dates come as YYYY-MM-DD text: pydantic would also read 0 or "0" as 1 January 1970."""
    if isinstance(value, datetime.date) or (isinstance(value, str) and ISO_DATE.fullmatch(value)):
        return value
    raise ValueError(_("Enter a date as YYYY-MM-DD."))


ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
IsoDate = Annotated[datetime.date, BeforeValidator(_iso_date_text)]


DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 500
# Database ids: a number beyond what the database stores is refused as input, not a crash.
ObjectId = Annotated[int, Interval(ge=1, le=2**31 - 1)]


class BoundedPagination(LimitOffsetPagination):
    """Ninja's ?limit=&offset=, bounded: a page of at most MAX_PAGE_SIZE items, and an offset
    a database can take (beyond it, a 422 rather than an overflow deep in the database)."""

    class Input(Schema):
        limit: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
        offset: int = Field(0, ge=0, le=2**31 - 1)


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
    day: IsoDate
    value: str = Field(
        max_length=60, description="A number in English notation, e.g. '61.5' or '1,234.5'."
    )
    confidence: Confidence = Confidence.MEDIUM
    note: str = Field("", max_length=1000)


class WinProjectOut(Schema):
    id: int
    title: str


class CreditOut(Schema):
    username: str
    name: str
    department: str = Field(description="The department the person represented in this win.")


class WinCheckInOut(Schema):
    metric_id: int
    metric: str = Field(description="The metric's name.")
    day: datetime.date
    value: str = Field(description="A decimal number as a string.")
    previous_value: str | None = Field(
        description="The metric's check-in before this one, as a string; null if none."
    )


class CheerCountOut(Schema):
    reaction_id: int
    reaction: str = Field(description="The reaction's name, e.g. 'Celebrate'.")
    symbol: str
    count: int


class WinOut(Schema):
    id: int
    title: str
    story: str = Field(description="HTML: paragraphs, emphasis, links and lists.")
    day: datetime.date
    url: str = Field(description="The win's page on the intranet.")
    projects: list[WinProjectOut] = Field(description="The win's projects that you can see.")
    credited: list[CreditOut]
    departments: list[str] = Field(description="Departments of the credited people.")
    check_in: WinCheckInOut | None = Field(description="The measurement that shows the win.")
    cheers: list[CheerCountOut] = Field(description="Reactions given, in the offered order.")
    comment_count: int


class ReactionOut(Schema):
    id: int
    name: str
    symbol: str


class StoryFormat(StrEnum):
    TEXT = "text"
    HTML = "html"
    MARKDOWN = "markdown"


class WinIn(Schema):
    title: str = Field(min_length=1, max_length=140)
    story: str = Field("", max_length=10000)
    story_format: StoryFormat = Field(
        StoryFormat.TEXT,
        description="text: blank lines separate paragraphs. html or markdown: bold, italic, "
        "links and lists are kept; anything else is removed.",
    )
    day: IsoDate | None = Field(None, description="When it happened; default today.")
    projects: list[ObjectId] = Field(description="Ids of projects you are a member of.")
    credited: list[str] = Field(description="User names of the people behind the win.")
    check_in: ObjectId | None = Field(
        None, description="Id of a check-in, of a metric of one of the projects, that shows it."
    )


class CheerIn(Schema):
    reaction: ObjectId | str = Field(description="The reaction's id or name.")


class CheerResultOut(Schema):
    cheered: bool = Field(description="Whether you now give this reaction.")
    reaction: ReactionOut
    count: int = Field(description="How many people give this reaction.")
    cheers: list[CheerCountOut] = Field(description="All reactions given to the win.")


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


def story_html(story: str, story_format: StoryFormat) -> str:
    """A win's story as the rich text stored in Win.story, whatever the client sent.

    Plain text is escaped and cut into paragraphs. HTML and Markdown go through Wagtail's
    rich text whitelisting with the story's features, as the editor's input would, so a
    client cannot store scripts, styles or javascript: links."""
    story = story.strip()
    if not story:
        return ""
    if story_format == StoryFormat.TEXT:
        return linebreaks(re.sub(r"\n[ \t]*\n\s*", "\n\n", story), autoescape=True)
    try:
        html, _removed = APIRichText.convert_input(
            {
                "format": "db_html" if story_format == StoryFormat.HTML else "db_markdown",
                "content": story,
            },
            features=WIN_STORY_FEATURES,
        )
    except RichTextFormatError as error:
        raise ProjectActionError({"story": str(error)}) from None
    return html


def expand_stories(wins) -> dict[int, str]:
    """{win id: display HTML}. One expansion for the whole page: Wagtail looks up the pages
    and documents linked from one piece of rich text in one query per link type, so joining
    the stories keeps the query count fixed however many wins link to pages."""
    if not wins:
        return {}
    boundary = f"<!--{uuid.uuid4().hex}-->"
    expanded = expand_db_html(boundary.join(win.story for win in wins)).split(boundary)
    return {win.pk: story for win, story in zip(wins, expanded, strict=True)}


def wins_out(wins: list[Win], request) -> list[dict]:
    """Serialise wins loaded by win_queryset(), in a fixed number of queries."""
    project_ids = {project.pk for win in wins for project in win.projects.all()}
    # A win shared with a members-only project must not name it to people outside it.
    visible = set(
        ProjectPage.objects.visible_to(request.user)
        .filter(pk__in=project_ids)
        .values_list("pk", flat=True)
    )
    stories = expand_stories(wins)
    cheers = cheer_counts([win.pk for win in wins])
    return [
        win_out(win, request, story=stories[win.pk], cheers=cheers[win.pk], visible=visible)
        for win in wins
    ]


def win_out(win: Win, request, *, story, cheers, visible) -> dict:
    entry = win.check_in
    return {
        "id": win.pk,
        "title": win.title,
        "story": story,
        "day": win.day,
        "url": request.build_absolute_uri(win_url(win)),
        "projects": [
            {"id": project.pk, "title": project.title}
            for project in win.projects.all()
            if project.pk in visible
        ],
        "credited": [
            {
                "username": credit.person.user.username,
                "name": credit.person.full_name,
                "department": credit.department.name,
            }
            for credit in win.credits.all()
        ],
        "departments": [department.name for department in win.credited_departments],
        "check_in": None
        if entry is None
        else {
            "metric_id": entry.metric_id,
            "metric": entry.metric.name,
            "day": entry.day,
            "value": decimal_text(entry.value),
            "previous_value": decimal_text(win.previous_value),
        },
        "cheers": cheers,
        "comment_count": win.comment_count,
    }


def reaction_out(reaction: Reaction) -> dict:
    return {"id": reaction.pk, "name": reaction.name, "symbol": reaction.symbol}


# Access -------------------------------------------------------------------------------------


def visible_metric_or_404(request, queryset, pk) -> tuple[Metric, ProjectAccess]:
    metric = get_object_or_404(queryset.select_related("project"), pk=pk)
    access = ProjectAccess(request.user, metric.project)
    if not metric.project.live or not access.can("view"):
        raise Http404
    return metric, access


def win_queryset(user):
    """Wins this user may see, with what wins_out() needs: the value of the check-in before
    the win's own comes from a subquery, not one query per win."""
    previous = CheckIn.objects.filter(
        metric=OuterRef("check_in__metric"), day__lt=OuterRef("check_in__day")
    ).order_by("-day")
    return (
        Win.objects.visible_to(user)
        .for_cards()
        .annotate(previous_value=Subquery(previous.values("value")[:1]))
        .newest_first()
    )


def visible_win_or_404(request, pk) -> Win:
    return get_object_or_404(win_queryset(request.user), pk=pk)


def cheering_person(request, win):
    person = WinAccess(request.user, win).person
    if person is None:
        raise HttpError(403, _("Only people in the staff directory can cheer."))
    return person


# Endpoints ----------------------------------------------------------------------------------


@api.get("/projects", response=list[ProjectOut], summary="Projects you can see")
@paginate(BoundedPagination)
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
    return SerialisedPage(
        projects, lambda page: [project_out(project, request) for project in page]
    )


class SerialisedPage:
    """Slices like the queryset (for pagination), then serialises the page it was cut to.

    `serialise` receives the whole page at once, so look-ups done for a batch of items (cheer
    counts, visible projects) cost the same number of queries for any page size."""

    def __init__(self, queryset, serialise):
        self.queryset, self.serialise = queryset, serialise

    def all(self):
        # Ninja counts the items with .all().count().
        return self.queryset

    def __getitem__(self, window):
        return self.serialise(list(self.queryset[window]))


@api.get(
    "/projects/{int:project_id}/metrics",
    response={200: list[MetricOut], 404: ErrorOut},
    summary="A project's shared metrics",
)
def project_metrics(request, project_id: ObjectId):
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
def metric_detail(request, metric_id: ObjectId):
    metric, _access = visible_metric_or_404(request, metric_queryset(), metric_id)
    return metric_out(metric, with_history=True)


@api.post(
    "/metrics/{int:metric_id}/check-ins",
    response={201: CheckInOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
    summary="Check in a value",
)
def create_check_in(request, metric_id: ObjectId, payload: CheckInIn):
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


# Wins and cheers ------------------------------------------------------------------------------


@api.get("/wins", response={200: list[WinOut], 422: ValidationErrorOut}, summary="Wins you can see")
@paginate(BoundedPagination)
def list_wins(
    request,
    project: ObjectId | None = None,
    department: str | None = None,
    since: IsoDate | None = None,
):
    """Newest first. Filter by a project's id, by a department's slug (wins crediting someone
    who represented it) and by the earliest day."""
    wins = win_queryset(request.user)
    if project is not None:
        visible = ProjectPage.objects.visible_to(request.user).filter(pk=project)
        if not visible.exists():
            raise ProjectActionError({"project": _("No project you can see has this id.")})
        wins = wins.in_project(project)
    if department is not None:
        found = Department.objects.filter(slug=department).first()
        if found is None:
            raise ProjectActionError({"department": _("No department has this slug.")})
        wins = wins.crediting_department(found)
    if since is not None:
        wins = wins.filter(day__gte=since)
    return SerialisedPage(wins, lambda page: wins_out(page, request))


@api.get("/wins/{int:win_id}", response={200: WinOut, 404: ErrorOut}, summary="One win")
def win_detail(request, win_id: ObjectId):
    [data] = wins_out([visible_win_or_404(request, win_id)], request)
    return data


@api.post(
    "/wins",
    response={201: WinOut, 403: ErrorOut, 422: ValidationErrorOut},
    summary="Post a win",
)
def create_win(request, payload: WinIn):
    """Post a win to projects you are a member of, crediting the people behind it (they are
    notified, and the projects' chat channels get it)."""
    person = getattr(request.user, "person", None)
    if person is None:
        raise HttpError(403, _("Only people in the staff directory can post wins."))
    title = payload.title.strip()
    if not title:
        raise ProjectActionError({"title": _("Give the win a title.")})
    projects = win_projects(request, payload.projects)
    win = win_post(
        person=person,
        projects=projects,
        title=title,
        story=story_html(payload.story, payload.story_format),
        day=payload.day,
        credited=credited_people(payload.credited),
        check_in=win_check_in(payload.check_in),
    )
    [data] = wins_out([win_queryset(request.user).get(pk=win.pk)], request)
    return Status(201, data)


def win_projects(request, ids) -> list[ProjectPage]:
    """The projects by id, in the order given; 403 if the caller may not post to one."""
    ids = list(dict.fromkeys(ids))
    found = ProjectPage.objects.visible_to(request.user).in_bulk(ids)
    if missing := [pk for pk in ids if pk not in found]:
        # Projects the caller cannot see are reported like missing ones: no leak.
        raise ProjectActionError(
            {
                "projects": _("No project you can see has the id %(ids)s.")
                % {"ids": ", ".join(map(str, missing))}
            }
        )
    projects = [found[pk] for pk in ids]
    if refused := [p for p in projects if not ProjectAccess(request.user, p).can("post_win")]:
        raise HttpError(
            403,
            _("You can post wins only to projects you are a member of: %(titles)s.")
            % {"titles": ", ".join(project.title for project in refused)},
        )
    return projects


def credited_people(usernames) -> list[Person]:
    wanted = list(dict.fromkeys(name.strip().lower() for name in usernames if name.strip()))
    people = {
        person.user.username.lower(): person
        for person in Person.objects.active()
        .filter(user__username__in=wanted)
        .select_related("user")
    }
    if missing := [name for name in wanted if name not in people]:
        raise ProjectActionError(
            {
                "credited": _("No active person has the user name %(names)s.")
                % {"names": ", ".join(missing)}
            }
        )
    return [people[name] for name in wanted]


def win_check_in(check_in_id) -> CheckIn | None:
    if check_in_id is None:
        return None
    entry = CheckIn.objects.select_related("metric").filter(pk=check_in_id).first()
    if entry is None:
        raise ProjectActionError({"check_in": _("No check-in has this id.")})
    # win_post() checks that it belongs to a metric of one of the win's projects.
    return entry


@api.get("/reactions", response=list[ReactionOut], summary="Reactions you can cheer with")
def list_reactions(request):
    return [reaction_out(reaction) for reaction in Reaction.objects.filter(is_offered=True)]


@api.post(
    "/wins/{int:win_id}/cheers",
    response={200: CheerResultOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
    summary="Cheer a win",
)
def cheer_win(request, win_id: ObjectId, payload: CheerIn):
    """Give a reaction. Cheering again with the same reaction changes nothing."""
    win = visible_win_or_404(request, win_id)
    reaction = Reaction.objects.filter(
        **{"pk": payload.reaction}
        if isinstance(payload.reaction, int)
        else {"name__iexact": payload.reaction.strip()}
    ).first()
    if reaction is None:
        raise ProjectActionError({"reaction": _("No reaction has this id or name.")})
    return cheer_result(request, win, reaction, cheer=True)


@api.delete(
    "/wins/{int:win_id}/cheers/{int:reaction_id}",
    response={200: CheerResultOut, 403: ErrorOut, 404: ErrorOut},
    summary="Take back a cheer",
)
def uncheer_win(request, win_id: ObjectId, reaction_id: ObjectId):
    """Take back your reaction. Taking back one you did not give changes nothing."""
    win = visible_win_or_404(request, win_id)
    reaction = get_object_or_404(Reaction, pk=reaction_id)
    return cheer_result(request, win, reaction, cheer=False)


def cheer_result(request, win, reaction, *, cheer) -> dict:
    person = cheering_person(request, win)
    try:
        cheered, count = cheer_toggle(win=win, person=person, reaction=reaction, cheer=cheer)
    except ProjectActionError as error:
        # The service's refusal (a retired reaction) concerns the field the client sent.
        if hasattr(error, "error_dict"):
            raise
        raise ProjectActionError({"reaction": error.messages}) from None
    return {
        "cheered": cheered,
        "reaction": reaction_out(reaction),
        "count": count,
        "cheers": cheer_counts([win.pk])[win.pk],
    }


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
    # Any other address under the API (an id that is not a number, a typo) is a JSON 404,
    # not the intranet's HTML page.
    patterns = [*patterns, re_path(r"", unknown_address, name="unknown_address")]
    return _open_to_tokens(patterns), namespace


@csrf_exempt
def unknown_address(request, *args, **kwargs):
    return JsonResponse({"detail": _("Not found.")}, status=404)
