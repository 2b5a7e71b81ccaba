import pytest
from wagtail.models import APIToken

from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db
URL = "/account/api-tokens/"


def test_anonymous_people_are_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_the_page_lists_only_my_tokens(member_client, person):
    APIToken.create_token(user=person.user, name="Mine")
    APIToken.create_token(user=PersonFactory().user, name="Someone else's")
    response = member_client.get(URL)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Mine" in content
    assert "Someone else" not in content
    assert "curl -H" in content


def test_an_empty_list_says_so(member_client):
    assert "no API tokens yet" in member_client.get(URL).content.decode()


def test_create_shows_the_token_once_and_stores_only_a_hash(client, member_client, person):
    response = member_client.post(URL, {"action": "create", "name": "Dashboard"})
    assert response.status_code == 200
    plaintext = response.context["new_token"]
    token = APIToken.objects.get(user=person.user)
    assert token.name == "Dashboard"
    assert f'<code id="new-token" class="token-secret">{plaintext}</code>' in (
        response.content.decode()
    )
    assert "no-store" in response["Cache-Control"]
    # Only a digest is stored, never the plaintext.
    assert token.key_hash == APIToken.hash_token(plaintext)
    assert plaintext not in {token.key_hash, token.prefix, token.name}
    assert plaintext.startswith(token.prefix)
    # The next visit does not show it again.
    assert plaintext not in member_client.get(URL).content.decode()
    # And it authenticates an API call.
    client.logout()
    api = client.get("/api/v1/projects", HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    assert api.status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


@pytest.mark.parametrize("name", ["", "   ", "x" * 101])
def test_bad_names_are_refused_next_to_the_field_and_kept(member_client, name):
    response = member_client.post(URL, {"action": "create", "name": name})
    assert response.status_code == 400
    assert "name" in response.context["form"].errors
    content = response.content.decode()
    assert 'id="id_name_error"' in content
    if name.strip():
        assert f'value="{name}"' in content
    assert not APIToken.objects.exists()


def test_revoke_my_token(client, member_client, person):
    token, plaintext = APIToken.create_token(user=person.user, name="Old")
    response = member_client.post(URL, {"action": "revoke", "token": token.pk})
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert "revoked" in member_client.get(URL).content.decode()
    client.logout()
    api = client.get("/api/v1/projects", HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    assert api.status_code == 401


def test_cannot_revoke_someone_elses_token(member_client):
    token, _plaintext = APIToken.create_token(user=PersonFactory().user, name="Theirs")
    response = member_client.post(URL, {"action": "revoke", "token": token.pk})
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert member_client.post(URL, {"action": "revoke", "token": "x"}).status_code == 404


def test_posts_need_the_csrf_token(person):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(person.user)
    assert client.post(URL, {"action": "create", "name": "No CSRF"}).status_code == 403
    assert not APIToken.objects.exists()


def test_people_find_their_tokens_from_their_own_profile(client):
    me, colleague = PersonFactory(), PersonFactory()
    client.force_login(me.user)
    # The account menu links the page everywhere; the profile adds a button on one's own.
    assert "My API tokens" in client.get(me.get_absolute_url()).content.decode()
    assert "My API tokens" not in client.get(colleague.get_absolute_url()).content.decode()
