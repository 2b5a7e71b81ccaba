"""The intranet is private: everything needs a login except login, static files and /healthz."""

from unittest import mock

import pytest
from django.db import DatabaseError
from django.urls import reverse

pytestmark = pytest.mark.django_db

PRIVATE_URLS = [
    "/",
    "/people/",
    "/people/anyone/",
    "/departments/",
    "/departments/sales/",
    "/search/?q=x",
    "/admin/",
    "/media/original_images/photo.png",
    "/documents/1/report.pdf",
    "/a-page-that-does-not-exist/",
]


@pytest.mark.parametrize("url", PRIVATE_URLS)
def test_anonymous_visitors_are_sent_to_the_login_page(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")


def test_login_page_and_static_files_are_public(client):
    assert client.get(reverse("login")).status_code == 200
    response = client.get("/static/css/commonground.css")
    assert response.status_code == 200


def test_healthz_answers_json_without_a_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_reports_a_database_failure_as_503(client):
    with mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=DatabaseError):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


def test_healthz_refuses_writes(client):
    assert client.post("/healthz").status_code == 405


class TestLogin:
    def test_good_credentials_log_in_and_go_to_the_requested_page(self, client, person):
        response = client.post(
            reverse("login"),
            {"username": "anna.virtanen", "password": "password", "next": "/people/"},
        )
        assert response.status_code == 302
        assert response["Location"] == "/people/"

    def test_bad_credentials_show_an_error_and_keep_the_username(self, client, person):
        response = client.post(reverse("login"), {"username": "anna.virtanen", "password": "x"})
        assert response.status_code == 200
        html = response.content.decode()
        assert 'role="alert"' in html
        assert 'value="anna.virtanen"' in html

    def test_login_refuses_a_foreign_next_address(self, client, person):
        response = client.post(
            reverse("login"),
            {"username": "anna.virtanen", "password": "password", "next": "https://evil.example/"},
        )
        assert response["Location"] == "/"

    def test_logout_needs_a_post_and_ends_the_session(self, member_client):
        assert member_client.get(reverse("logout")).status_code == 405
        assert member_client.post(reverse("logout")).status_code == 302
        assert member_client.get("/").status_code == 302

    def test_login_form_is_csrf_protected(self, person):
        from django.test import Client

        strict = Client(enforce_csrf_checks=True)
        response = strict.post(reverse("login"), {"username": "anna.virtanen", "password": "pw"})
        assert response.status_code == 403


def test_ordinary_people_cannot_open_the_admin(member_client):
    response = member_client.get("/admin/")
    assert response.status_code in (302, 403)
    assert not response.get("Location", "").startswith("/admin/")


def test_administrators_can_open_the_admin(client, admin_user):
    client.force_login(admin_user)
    assert client.get("/admin/").status_code == 200


def test_unknown_page_is_a_friendly_404(member_client):
    response = member_client.get("/no-such-page/")
    assert response.status_code == 404
    assert "We couldn" in response.content.decode()


def test_server_error_page_renders_without_the_database(rf):
    from intranet.views import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


def test_front_end_pages_may_not_be_framed_but_admin_previews_may(client, admin_user):
    client.force_login(admin_user)
    assert client.get("/people/")["X-Frame-Options"] == "DENY"
    assert client.get("/admin/")["X-Frame-Options"] == "SAMEORIGIN"
