"""Login throttling (django-axes): a user name is paused at one address after five wrong
passwords in a row, with a page that says until when and whom to ask."""

import pytest
from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.test import RequestFactory
from django.utils.module_loading import import_string

from accounts.client_address import client_address
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
OFFICE = "192.0.2.10"
HOME = "198.51.100.7"


@pytest.fixture
def maria():
    return UserFactory(username="maria", password=PASSWORD)


def log_in(client, username, password, address=OFFICE, **headers):
    client.logout()
    return client.post(
        "/login/", {"username": username, "password": password}, REMOTE_ADDR=address, **headers
    )


def fail(client, username, times, address=OFFICE):
    """Wrong passwords; the one that reaches the limit already gets the lockout page."""
    for _ in range(times):
        response = log_in(client, username, "wrong", address=address)
        assert response.status_code in {200, 429}
        assert logged_in_user_id(client) is None


def logged_in_user_id(client):
    return client.session.get(SESSION_KEY)


def test_the_limit_is_five_tries_and_the_pause_a_quarter_of_an_hour():
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 15 * 60
    assert issubclass(import_string(settings.AUTHENTICATION_BACKENDS[0]), AxesStandaloneBackend)


def test_after_five_wrong_passwords_even_the_right_one_gets_the_lockout_page(client, maria):
    fail(client, "maria", settings.AXES_FAILURE_LIMIT - 1)
    response = log_in(client, "maria", "wrong")
    assert response.status_code == 429
    response = log_in(client, "maria", PASSWORD)
    assert response.status_code == 429
    assert logged_in_user_id(client) is None
    page = response.content.decode()
    assert "Too many login attempts" in page
    assert "Try again after" in page
    assert "in 15 minutes" in page
    assert "administrators" in page
    assert 'href="/login/"' in page


def test_the_lockout_page_costs_the_same_queries_however_many_were_locked_out(
    client, maria, django_assert_max_num_queries
):
    fail(client, "maria", settings.AXES_FAILURE_LIMIT)
    with django_assert_max_num_queries(12) as few:
        assert log_in(client, "maria", PASSWORD).status_code == 429
    # Read now: every later request empties the connection's query log.
    lockout_queries = len(few.captured_queries)
    for index in range(6):
        UserFactory(username=f"colleague{index}", password=PASSWORD)
        fail(client, f"colleague{index}", settings.AXES_FAILURE_LIMIT, address=f"192.0.2.{index}")
    with django_assert_max_num_queries(lockout_queries):
        assert log_in(client, "maria", PASSWORD).status_code == 429


def test_a_successful_login_starts_the_count_again(client, maria):
    fail(client, "maria", settings.AXES_FAILURE_LIMIT - 1)
    assert log_in(client, "maria", PASSWORD).status_code == 302
    # Without the reset these would make nine failures in a row, and the login would be refused.
    fail(client, "maria", settings.AXES_FAILURE_LIMIT - 1)
    response = log_in(client, "maria", PASSWORD)
    assert response.status_code == 302
    assert logged_in_user_id(client) == str(maria.pk)


def test_another_user_at_the_same_address_is_unaffected(client, maria):
    UserFactory(username="kofi", password=PASSWORD)
    fail(client, "maria", settings.AXES_FAILURE_LIMIT)
    response = log_in(client, "kofi", PASSWORD)
    assert response.status_code == 302
    assert logged_in_user_id(client) is not None


def test_the_same_user_from_another_address_is_unaffected(client, maria):
    fail(client, "maria", settings.AXES_FAILURE_LIMIT)
    assert log_in(client, "maria", PASSWORD, address=OFFICE).status_code == 429
    assert log_in(client, "maria", PASSWORD, address=HOME).status_code == 302


def test_the_lockout_page_follows_the_browsers_language(client, maria):
    fail(client, "maria", settings.AXES_FAILURE_LIMIT)
    response = log_in(client, "maria", PASSWORD, HTTP_ACCEPT_LANGUAGE="fi")
    assert response.status_code == 429
    assert '<html lang="fi">' in response.content.decode()


class TestClientAddress:
    def request(self, remote, forwarded=None):
        headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
        return RequestFactory().get("/login/", REMOTE_ADDR=remote, **headers)

    def test_without_proxies_the_header_is_ignored(self, settings):
        settings.TRUSTED_PROXY_COUNT = 0
        assert client_address(self.request("10.0.0.2", forwarded=HOME)) == "10.0.0.2"

    def test_behind_one_proxy_the_address_it_saw_counts(self, settings):
        settings.TRUSTED_PROXY_COUNT = 1
        # The client sent a made-up first entry; the proxy appended the real address.
        request = self.request("10.0.0.2", forwarded=f"203.0.113.99, {HOME}")
        assert client_address(request) == HOME

    def test_behind_two_proxies_the_outer_ones_entry_counts(self, settings):
        settings.TRUSTED_PROXY_COUNT = 2
        request = self.request("10.0.0.3", forwarded=f"203.0.113.99, {HOME}, 10.0.0.2")
        assert client_address(request) == HOME

    def test_a_request_that_bypassed_the_proxy_counts_by_its_own_address(self, settings):
        settings.TRUSTED_PROXY_COUNT = 1
        assert client_address(self.request("10.0.0.2")) == "10.0.0.2"
