"""Translated intranet pages: Finnish readers get the Finnish page at the same address, the
English page when there is no live translation; projects are never translated."""

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from wagtail.models import Locale, Page

from intranet.models import StandardPage
from projects.models import ProjectPage
from tests.factories import StandardPageFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def finnish(db):
    return Locale.objects.get_or_create(language_code="fi")[0]


def read_in(client, code):
    """The reader's language: the cookie the account menu's picker sets."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = code
    return client


def translate(page, locale, *, title, introduction="", body=None, publish=True):
    translation = page.copy_for_translation(locale, copy_parents=True)
    translation.title = title
    translation.introduction = introduction
    if body is not None:
        translation.body = body
    revision = translation.save_revision()
    if publish:
        revision.publish()
    return translation


@pytest.fixture
def finnish_home(home_page, finnish):
    home_page.title = "Common Ground"
    home_page.introduction = "Where departments meet."
    home_page.save_revision().publish()
    return translate(
        home_page,
        finnish,
        title="Yhteinen pohja",
        introduction="Täällä osastot kohtaavat.",
        body=[("heading", {"text": "Miksi Common Ground?", "level": "h2"})],
    )


@pytest.fixture
def guide(home_page):
    return StandardPageFactory(
        parent=home_page,
        title="How we work together",
        slug="how-we-work-together",
        introduction="Our habits.",
        show_in_menus=True,
    )


def test_home_and_standard_pages_can_be_translated(finnish_home, guide, finnish):
    finnish_guide = translate(guide, finnish, title="Näin teemme yhteistyötä")
    assert finnish_home.depth == 2  # a sibling of the English home under the root
    assert finnish_home.locale == finnish
    assert finnish_guide.get_parent().specific == finnish_home
    # Same addresses as the English pages: no language prefix.
    assert finnish_home.url == "/"
    assert finnish_guide.url == "/how-we-work-together/"


def test_finnish_reader_sees_the_finnish_home_page(member_client, finnish_home):
    html = read_in(member_client, "fi").get("/").content.decode()
    assert "Yhteinen pohja" in html
    assert "Täällä osastot kohtaavat." in html
    assert "Miksi Common Ground?" in html
    assert "Where departments meet." not in html


def test_english_reader_sees_the_english_home_page(member_client, finnish_home):
    html = read_in(member_client, "en").get("/").content.decode()
    assert "Where departments meet." in html
    assert "Täällä osastot kohtaavat." not in html


def test_finnish_reader_sees_the_finnish_standard_page_at_the_same_address(
    member_client, finnish_home, guide, finnish
):
    translate(guide, finnish, title="Näin teemme yhteistyötä", introduction="Tapamme.")
    html = read_in(member_client, "fi").get("/how-we-work-together/").content.decode()
    assert "Näin teemme yhteistyötä" in html
    assert "Tapamme." in html
    english = read_in(member_client, "en").get("/how-we-work-together/").content.decode()
    assert "Our habits." in english
    assert "Tapamme." not in english


def test_untranslated_page_falls_back_to_english(member_client, finnish_home, guide):
    response = read_in(member_client, "fi").get("/how-we-work-together/")
    assert response.status_code == 200
    assert "Our habits." in response.content.decode()


def test_a_draft_translation_is_not_shown(member_client, finnish_home, guide, finnish):
    translate(guide, finnish, title="Luonnos", introduction="Kesken.", publish=False)
    html = read_in(member_client, "fi").get("/how-we-work-together/").content.decode()
    assert "Kesken." not in html
    assert "Our habits." in html


def test_a_draft_finnish_home_leaves_finnish_readers_on_the_english_home(
    member_client, home_page, finnish
):
    home_page.introduction = "Where departments meet."
    home_page.save_revision().publish()
    translate(home_page, finnish, title="Luonnos", introduction="Kesken.", publish=False)
    html = read_in(member_client, "fi").get("/").content.decode()
    assert "Where departments meet." in html
    assert "Kesken." not in html


def test_projects_work_for_finnish_readers(member_client, finnish_home, joint_project):
    # Projects exist only in the English tree; routing must not get lost in the Finnish one.
    read_in(member_client, "fi")
    assert member_client.get("/projects/").status_code == 200
    response = member_client.get(joint_project.url)
    assert response.status_code == 200
    assert "Faster answers" in response.content.decode()
    assert member_client.get(reverse("projects:wins")).status_code == 200
    assert member_client.get("/no-such-page/").status_code == 404


def test_finnish_reader_gets_the_english_home_when_no_translation_exists(
    member_client, home_page, finnish
):
    assert read_in(member_client, "fi").get("/").status_code == 200


def main_navigation(html):
    html = html.decode() if isinstance(html, bytes) else html
    return html.split('<nav class="main-nav"', 1)[1].split("</nav>", 1)[0]


def test_menu_shows_translated_titles(member_client, finnish_home, guide, finnish):
    translate(guide, finnish, title="Näin teemme yhteistyötä")
    StandardPageFactory(
        parent=guide.get_parent(), title="Travel", slug="travel", show_in_menus=True
    )
    html = read_in(member_client, "fi").get(reverse("projects:wins")).content.decode()
    nav = main_navigation(html)
    assert '<a href="/how-we-work-together/">Näin teemme yhteistyötä</a>' in nav
    assert '<a href="/travel/">Travel</a>' in nav  # untranslated: its English title
    english = main_navigation(read_in(member_client, "en").get(reverse("projects:wins")).content)
    assert "How we work together" in english


def test_menu_translation_query_count_does_not_grow_with_pages(
    member_client, finnish_home, guide, finnish, count_queries
):
    translate(guide, finnish, title="Näin teemme yhteistyötä")
    read_in(member_client, "fi")
    small = count_queries(reverse("projects:wins"), ceiling=30)
    for number in range(5):
        extra = StandardPageFactory(
            parent=guide.get_parent(), slug=f"extra-{number}", show_in_menus=True
        )
        translate(extra, finnish, title=f"Lisäsivu {number}")
    assert count_queries(reverse("projects:wins"), ceiling=30) == small


def test_api_lists_pages_per_locale(member_client, finnish_home, guide):
    english = member_client.get("/api/v2/pages/?locale=en").json()
    finnish_pages = member_client.get("/api/v2/pages/?locale=fi").json()
    assert {item["title"] for item in english["items"]} >= {"Common Ground", guide.title}
    assert [item["title"] for item in finnish_pages["items"]] == ["Yhteinen pohja"]


@pytest.fixture
def editor(db):
    user = UserFactory(username="editor")
    user.groups.add(Group.objects.get(name="Editors"))
    user.user_permissions.add(
        Permission.objects.get(
            content_type__app_label="simple_translation", codename="submit_translation"
        )
    )
    return user


def translate_url(page):
    return reverse("simple_translation:submit_page_translation", args=[page.pk])


def test_an_editor_can_translate_a_page_in_the_admin(client, editor, guide, finnish_home, finnish):
    client.force_login(editor)
    assert client.get(translate_url(guide)).status_code == 200
    response = client.post(translate_url(guide), {"locales": [finnish.pk]})
    assert response.status_code == 302
    translation = guide.get_translation(finnish)
    assert not translation.live  # a draft until the editor has translated and published it
    assert translation.url_path == f"{finnish_home.url_path}how-we-work-together/"


def test_translating_never_copies_the_pages_below(
    client, editor, home_page, finnish, guide, joint_project
):
    client.force_login(editor)
    # Even when asked for the subtree: below the home page are the projects.
    response = client.post(
        translate_url(home_page), {"locales": [finnish.pk], "include_subtree": "on"}
    )
    assert response.status_code == 302
    assert ProjectPage.objects.count() == 1
    assert list(Page.objects.filter(locale=finnish).values_list("pk", flat=True)) == [
        home_page.get_translation(finnish).pk
    ]


def test_projects_cannot_be_translated(client, editor, joint_project, finnish):
    client.force_login(editor)
    response = client.post(translate_url(joint_project), {"locales": [finnish.pk]})
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_pages:edit", args=[joint_project.pk])
    assert ProjectPage.objects.count() == 1
    assert not joint_project.get_translations().exists()


def test_people_without_the_translate_permission_are_refused(client, guide, finnish):
    user = UserFactory(username="plain.editor")
    user.groups.add(Group.objects.get(name="Editors"))
    client.force_login(user)
    # The Wagtail admin answers a refusal with a redirect to its dashboard and a message.
    assert client.get(translate_url(guide))["Location"] == reverse("wagtailadmin_home")
    response = client.post(translate_url(guide), {"locales": [finnish.pk]})
    assert response["Location"] == reverse("wagtailadmin_home")
    assert not guide.get_translations().exists()


def test_readers_outside_the_admin_cannot_translate(member_client, guide, finnish):
    response = member_client.post(translate_url(guide), {"locales": [finnish.pk]})
    assert response.status_code in (302, 403)
    assert not StandardPage.objects.filter(locale=finnish).exists()
