"""Schemathesis against /api/v1/openapi.json: generated requests to every operation, valid and
not, with a real token. No 5xx, and every answer matches the schema the API publishes."""

import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import (
    negative_data_rejection,
    positive_data_acceptance,
)
from wagtail.models import APIToken

from commonground.wsgi import application
from tests.factories import WinFactory

# Generating the schema reads no database, so it can load when the tests are collected.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture(autouse=True)
def connection_kept_open():
    """As Django's test client does: the test's transaction must survive each request, so the
    handler may not close the connection when a request starts or ends."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(lead, metric, joint_project):
    """A lead's token, with a metric and a win to find, so requests get past the 404s."""
    WinFactory(projects=[joint_project], posted_by=lead)
    _token, plaintext = APIToken.create_token(user=lead.user, name="fuzz")
    return plaintext


@schema.parametrize()
@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_never_fails_and_matches_its_schema(case, token):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {token}"},
        # Schema-valid requests may still be refused for what a schema cannot say (a
        # department slug that does not exist, a title of spaces): 422 with field errors.
        # And like most APIs, ours ignores query parameters it does not know, which the
        # negative-data check counts as accepting invalid input.
        excluded_checks=[positive_data_acceptance, negative_data_rejection],
    )


# What the fuzzer found once, kept as plain tests so it never comes back.
@pytest.mark.parametrize(
    ("method", "url", "body", "status"),
    [
        ("get", "/api/v1/projects?limit=1607302215035584717645986922496", None, 422),
        ("get", "/api/v1/projects?offset=99999999999999999999", None, 422),
        ("get", "/api/v1/projects?limit=501", None, 422),
        ("get", "/api/v1/wins?since=0", None, 422),
        ("get", "/api/v1/wins/99999999999999999999", None, 422),
        ("get", "/api/v1/wins/-1", None, 404),
        ("post", "/api/v1/wins", {"title": "x", "projects": [10**30], "credited": []}, 422),
        ("post", "/api/v1/wins", {"title": "", "projects": [], "credited": []}, 422),
        ("post", "/api/v1/wins", "not json", 400),
    ],
)
def test_inputs_the_fuzzer_found_are_refused_cleanly(client, token, method, url, body, status):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    if method == "get":
        response = client.get(url, **headers)
    else:
        data = body if isinstance(body, str) else json.dumps(body)
        response = client.post(url, data, content_type="application/json", **headers)

    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    assert "detail" in response.json()
