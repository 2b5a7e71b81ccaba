import datetime
import json
from decimal import Decimal

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from wagtail.models import APIToken

from projects.metric_services import check_in
from projects.models import CheckIn
from tests.factories import MembershipFactory, PersonFactory, ProjectPageFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def bearer(user, name="script"):
    _token, plaintext = APIToken.create_token(user=user, name=name)
    return {"HTTP_AUTHORIZATION": f"Bearer {plaintext}"}


@pytest.fixture
def secret_project(project_index, lead):
    project = ProjectPageFactory(
        parent=project_index, title="Secret merger", slug="secret", visibility="members"
    )
    MembershipFactory(project=project, person=lead, role="lead")
    return project


# Authentication -----------------------------------------------------------------------------


def test_no_token_is_401(client, joint_project):
    response = client.get("/api/v1/projects")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert "token" in response.json()["detail"]


def test_invalid_token_is_401(client, joint_project):
    response = client.get("/api/v1/projects", HTTP_AUTHORIZATION="Bearer wagtail_nonsense")
    assert response.status_code == 401


def test_revoked_token_is_401(client, member):
    token, plaintext = APIToken.create_token(user=member.user, name="old")
    token.revoke()
    response = client.get("/api/v1/projects", HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    assert response.status_code == 401


def test_a_session_login_is_not_enough(client, member):
    client.force_login(member.user)
    response = client.get("/api/v1/projects")
    assert response.status_code == 401


def test_valid_token_works_without_a_session(client, member, joint_project):
    response = client.get("/api/v1/projects", **bearer(member.user))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    project = body["items"][0]
    assert project == {
        "id": joint_project.pk,
        "title": "Faster answers",
        "slug": "faster-answers",
        "url": project["url"],
        "status": "proposed",
        "visibility": "organisation",
        "purpose": joint_project.purpose,
        "departments": ["Sales", "Support"],
    }
    assert project["url"].endswith("/projects/faster-answers/")


# Visibility ---------------------------------------------------------------------------------


def test_members_only_projects_are_listed_only_for_members(client, lead, secret_project):
    outsider = PersonFactory()
    titles = [
        p["title"] for p in client.get("/api/v1/projects", **bearer(lead.user)).json()["items"]
    ]
    assert "Secret merger" in titles
    body = client.get("/api/v1/projects", **bearer(outsider.user)).json()
    assert "Secret merger" not in [p["title"] for p in body["items"]]
    assert body["count"] == 1


def test_members_only_metrics_are_404_for_others(client, lead, secret_project):
    outsider = PersonFactory()
    url = f"/api/v1/projects/{secret_project.pk}/metrics"
    assert client.get(url, **bearer(lead.user)).status_code == 200
    response = client.get(url, **bearer(outsider.user))
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
    assert client.get("/api/v1/projects/999999/metrics", **bearer(lead.user)).status_code == 404


def test_pagination(client, member, project_index):
    for number in range(3):
        ProjectPageFactory(parent=project_index, title=f"Extra {number}")
    body = client.get("/api/v1/projects?limit=2&offset=1", **bearer(member.user)).json()
    assert body["count"] == 4
    assert [p["title"] for p in body["items"]] == ["Extra 1", "Extra 2"]


# Metrics ------------------------------------------------------------------------------------


def test_project_metrics(client, member, joint_project, metric, lead):
    check_in(metric=metric, author=lead, day=TODAY, value=Decimal("70.25"))
    response = client.get(f"/api/v1/projects/{joint_project.pk}/metrics", **bearer(member.user))
    assert response.status_code == 200
    [data] = response.json()
    assert data["id"] == metric.pk
    assert data["name"] == "FCR"
    assert data["unit"] == "percent"
    assert data["direction"] == "increase"
    assert data["baseline"] == {"value": "60", "date": metric.baseline_date.isoformat()}
    assert data["target"] == {"value": "80.5", "date": metric.target_date.isoformat()}
    assert data["agreed"] is False
    assert data["status"] in {"on_track", "at_risk", "off_track"}
    assert data["percent_to_target"] == "50"
    assert data["latest_check_in"]["value"] == "70.25"
    assert data["latest_check_in"]["author"] == str(lead)


def test_metric_detail_lists_every_check_in(client, member, metric, lead):
    check_in(metric=metric, author=lead, day=TODAY - datetime.timedelta(days=2), value=Decimal(61))
    check_in(
        metric=metric, author=member, day=TODAY, value=Decimal(65), note="Good", confidence="high"
    )
    response = client.get(f"/api/v1/metrics/{metric.pk}", **bearer(member.user))
    assert response.status_code == 200
    check_ins = response.json()["check_ins"]
    assert [(c["value"], c["author"]) for c in check_ins] == [
        ("61", str(lead)),
        ("65", str(member)),
    ]
    assert check_ins[1]["confidence"] == "high"
    assert check_ins[1]["note"] == "Good"
    assert check_ins[1]["day"] == TODAY.isoformat()


def test_metric_detail_of_a_members_only_project_is_404(client, lead, secret_project, metric):
    metric.project = secret_project
    metric.save()
    assert client.get(f"/api/v1/metrics/{metric.pk}", **bearer(lead.user)).status_code == 200
    outsider = PersonFactory()
    assert client.get(f"/api/v1/metrics/{metric.pk}", **bearer(outsider.user)).status_code == 404
    response = client.post(
        f"/api/v1/metrics/{metric.pk}/check-ins",
        {"day": TODAY.isoformat(), "value": "70"},
        content_type="application/json",
        **bearer(outsider.user),
    )
    assert response.status_code == 404
    assert not CheckIn.objects.exists()


# Check-ins ----------------------------------------------------------------------------------


def post_check_in(client, metric, user, **body):
    payload = {"day": TODAY.isoformat(), "value": "70.5", "confidence": "high", "note": "ok"}
    payload.update(body)
    return client.post(
        f"/api/v1/metrics/{metric.pk}/check-ins",
        json.dumps(payload),
        content_type="application/json",
        **bearer(user),
    )


def test_members_check_in(client, member, metric):
    response = post_check_in(client, metric, member.user, value="70.5")
    assert response.status_code == 201
    entry = CheckIn.objects.get()
    assert entry.value == Decimal("70.5")
    assert entry.author == member
    assert entry.confidence == "high"
    assert response.json() == {
        "id": entry.pk,
        "day": TODAY.isoformat(),
        "value": "70.5",
        "confidence": "high",
        "note": "ok",
        "author": str(member),
    }


def test_check_in_needs_no_csrf_token(member, metric):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    assert post_check_in(client, metric, member.user).status_code == 201


def test_viewers_cannot_check_in(client, metric):
    viewer = PersonFactory()
    response = post_check_in(client, metric, viewer.user)
    assert response.status_code == 403
    assert response.json()["detail"]
    assert not CheckIn.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"value": "abc"}, "value"),
        ({"value": "NaN"}, "value"),
        ({"value": "3,5"}, "value"),
        ({"value": "100.5"}, "value"),
        ({"day": (TODAY + datetime.timedelta(days=1)).isoformat()}, "day"),
        ({"day": "yesterday"}, "day"),
        ({"confidence": "certain"}, "confidence"),
    ],
)
def test_bad_check_ins_are_422_with_the_field(client, member, metric, body, field):
    response = post_check_in(client, metric, member.user, **body)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert [error["field"] for error in detail] == [field]
    assert all(error["message"] for error in detail)
    assert not CheckIn.objects.exists()


def test_missing_fields_are_422(client, member, metric):
    response = client.post(
        f"/api/v1/metrics/{metric.pk}/check-ins",
        json.dumps({}),
        content_type="application/json",
        **bearer(member.user),
    )
    assert response.status_code == 422
    assert {error["field"] for error in response.json()["detail"]} == {"day", "value"}


# Schema and performance ---------------------------------------------------------------------


def test_openapi_schema(client, settings):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["info"]["title"] == "Common Ground API"
    assert {
        "/api/v1/projects",
        "/api/v1/projects/{project_id}/metrics",
        "/api/v1/metrics/{metric_id}",
        "/api/v1/metrics/{metric_id}/check-ins",
    } <= set(schema["paths"])
    # No docs page: Ninja's would load Swagger UI from a CDN.
    with pytest.raises(NoReverseMatch):
        reverse("api-v1:openapi-view")


def test_listing_queries_do_not_grow_with_projects(
    client, member, project_index, django_assert_max_num_queries
):
    headers = bearer(member.user)

    def measure():
        client.get("/api/v1/projects", **headers)  # warm caches (site root paths)
        with django_assert_max_num_queries(20) as captured:
            response = client.get("/api/v1/projects", **headers)
        assert response.status_code == 200
        return len(captured), response.json()["count"]

    ProjectPageFactory(parent=project_index)
    small = measure()
    for _number in range(10):
        project = ProjectPageFactory(parent=project_index)
        MembershipFactory(project=project)
        MembershipFactory(project=project)
    large = measure()
    assert (small[1], large[1]) == (2, 12)
    assert small[0] == large[0]
