"""The Content-Security-Policy header: strict on the intranet, relaxed only for the admin."""

import pytest
from csp.constants import HEADER
from django.http import HttpResponse
from django.template import engines

from commonground.content_security import ContentSecurityPolicyMiddleware
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def policy(response):
    """The header as {directive: [sources]}."""
    directives = (part.split() for part in response[HEADER].split(";") if part.strip())
    return {name: sources for name, *sources in directives}


def test_the_login_page_runs_no_inline_script(client):
    directives = policy(client.get("/login/"))
    assert directives["script-src"] == ["'self'"]
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert directives["form-action"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    # Style attributes carry department colours; <style> elements stay forbidden.
    assert directives["style-src-elem"] == ["'self'"]
    assert directives["style-src-attr"] == ["'unsafe-inline'"]


def test_intranet_pages_run_no_inline_script(client, home_page):
    client.force_login(UserFactory())
    response = client.get(home_page.url)
    assert response.status_code == 200
    script_sources = policy(response)["script-src"]
    assert "'self'" in script_sources
    assert "'unsafe-inline'" not in script_sources
    assert "'unsafe-eval'" not in script_sources


def test_an_inline_script_runs_only_with_the_nonce_its_template_printed(rf):
    request = rf.get("/")
    middleware = ContentSecurityPolicyMiddleware(lambda request: None)
    middleware.process_request(request)
    template = engines["django"].from_string('<script nonce="{{ CSP_NONCE }}"></script>')
    html = template.render({"CSP_NONCE": request.csp_nonce})
    response = middleware.process_response(request, HttpResponse(html))
    assert f'nonce="{request.csp_nonce}"' in html
    assert policy(response)["script-src"] == ["'self'", f"'nonce-{request.csp_nonce}'"]


def test_the_wagtail_admin_gets_its_relaxed_policy_and_may_frame_previews(client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    response = client.get("/admin/")
    assert response.status_code == 200
    directives = policy(response)
    assert directives["script-src"] == ["'self'", "'unsafe-inline'"]
    assert directives["frame-ancestors"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert "'unsafe-eval'" not in directives["script-src"]
