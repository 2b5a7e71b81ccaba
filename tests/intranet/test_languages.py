"""Languages: the picker, the remembered choice, the admin's language, Finnish numbers and
the shipped Finnish catalogue."""

import ast
import datetime
import gettext
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.formats import date_format
from wagtail.users.models import UserProfile

from projects.metric_services import check_in, metric_define
from projects.templatetags.metric_tags import number
from tests.factories import UserFactory

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "fi" / "LC_MESSAGES"
PICKER_URL = "/account/language/"
FINNISH_WELCOME = "Tervetuloa"  # the home page's "Welcome, %(name)s"
ENGLISH_WELCOME = "Welcome"


def choose_language(client, code, *, next_url="/"):
    return client.post(PICKER_URL, {"language": code, "next": next_url})


def profile_language(user):
    return UserProfile.get_for_user(user).preferred_language


@pytest.mark.django_db
class TestPicker:
    def test_the_account_menu_offers_each_language_in_its_own_name(self, member_client, home_page):
        html = member_client.get("/").content.decode()
        assert f'action="{PICKER_URL}"' in html
        assert '<option value="en" lang="en" selected>English</option>' in html
        assert '<option value="fi" lang="fi">Suomi</option>' in html
        assert 'name="next" value="/"' in html

    def test_switches_to_finnish_and_back(self, member_client, home_page):
        response = choose_language(member_client, "fi", next_url="/?tab=1")
        assert response.status_code == 302
        assert response["Location"] == "/?tab=1"
        assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fi"

        html = member_client.get("/").content.decode()
        assert '<html lang="fi">' in html
        assert FINNISH_WELCOME in html
        assert '<option value="fi" lang="fi" selected>Suomi</option>' in html

        choose_language(member_client, "en")
        html = member_client.get("/").content.decode()
        assert '<html lang="en">' in html
        assert ENGLISH_WELCOME in html
        assert FINNISH_WELCOME not in html

    def test_stores_the_choice_in_the_profile(self, member_client, person):
        choose_language(member_client, "fi")
        assert profile_language(person.user) == "fi"
        choose_language(member_client, "en")
        assert profile_language(person.user) == "en"

    def test_an_unknown_language_changes_nothing(self, member_client, person, home_page):
        response = choose_language(member_client, "xx")
        assert response.status_code == 302
        assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
        assert profile_language(person.user) == ""

    def test_refuses_get(self, member_client):
        assert member_client.get(PICKER_URL).status_code == 405

    def test_does_not_redirect_off_site(self, member_client):
        response = choose_language(member_client, "fi", next_url="https://evil.example/")
        assert response["Location"] == "/"

    def test_works_before_login_with_the_cookie_only(self, client):
        response = choose_language(client, "fi", next_url="/login/")
        assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fi"
        html = client.get("/login/").content.decode()
        assert "Kirjaudu sisään" in html


@pytest.mark.django_db
class TestRememberedLanguage:
    def test_a_fresh_login_starts_in_the_stored_language(self, client, person, home_page):
        UserProfile.objects.update_or_create(
            user=person.user, defaults={"preferred_language": "fi"}
        )
        # This browser was last used in English by someone else.
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        response = client.post("/login/", {"username": "anna.virtanen", "password": "password"})
        assert response.status_code == 302
        assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fi"
        assert FINNISH_WELCOME in client.get("/").content.decode()

    def test_a_new_browser_follows_the_profile(self, client, person, home_page):
        client.force_login(person.user)
        choose_language(client, "fi")
        other_browser = type(client)()
        other_browser.force_login(person.user)
        response = other_browser.get("/")
        assert FINNISH_WELCOME in response.content.decode()
        assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fi"

    def test_without_a_stored_language_the_browser_decides(self, client, person, home_page):
        client.force_login(person.user)
        response = client.get("/", HTTP_ACCEPT_LANGUAGE="fi")
        assert FINNISH_WELCOME in response.content.decode()
        assert settings.LANGUAGE_COOKIE_NAME not in response.cookies

    def test_the_wagtail_admin_follows_the_choice(self, client, home_page):
        editor = UserFactory(username="editor", is_staff=True, is_superuser=True)
        client.force_login(editor)
        choose_language(client, "fi")
        # Another browser still set to English: the admin follows the person, not the cookie.
        other_browser = type(client)()
        other_browser.force_login(editor)
        other_browser.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        html = other_browser.get("/admin/").content.decode()
        assert '<html lang="fi"' in html
        assert "Kojelauta" in html  # Wagtail's own Finnish for "Dashboard"


@pytest.mark.django_db
def test_finnish_numbers_use_a_decimal_comma_on_the_metric_page(member_client, lead, home_page):
    project = lead.memberships.get().project
    today = timezone.localdate()
    metric = metric_define(
        project=project,
        author=lead,
        owning_departments=project.departments,
        name="FCR",
        definition="Solved in the first reply.",
        unit="percent",
        unit_detail="",
        direction="increase",
        baseline_value=Decimal(60),
        baseline_date=today - datetime.timedelta(days=30),
        target_value=Decimal("80.5"),
        target_date=today + datetime.timedelta(days=30),
    )
    check_in(metric=metric, author=lead, day=today, value=Decimal("63.5"))
    url = f"{project.url}metrics/{metric.pk}/"

    english = member_client.get(url).content.decode()
    assert "80.5" in english
    assert "63.5" in english

    choose_language(member_client, "fi")
    finnish = member_client.get(url).content.decode()
    assert "80,5" in finnish
    assert "63,5" in finnish
    assert "80.5" not in finnish


def test_the_number_filter_follows_the_active_language():
    with translation.override("fi"):
        assert number("3.5") == "3,5"
    with translation.override("en"):
        assert number("3.5") == "3.5"


def test_dates_are_written_the_finnish_way():
    with translation.override("fi"):
        assert date_format(datetime.date(2026, 3, 5)) == "5. maaliskuuta 2026"


# The catalogue: complete, without fuzzy entries, placeholders intact, and compiled.


def _unquote(text):
    return ast.literal_eval(text)


def read_po(path):
    """Entries of a .po file as dicts: flags, msgctxt, msgid, msgid_plural, msgstr {index: text}."""
    entries, entry, key = [], None, None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            if entry and entry["msgid"] is not None:
                entries.append(entry)
            entry, key = None, None
            continue
        entry = entry or {"flags": "", "msgctxt": None, "msgid": None, "plural": None, "str": {}}
        if line.startswith("#,"):
            entry["flags"] = line
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            if key[0] == "str":
                entry["str"][key[1]] += _unquote(line)
            else:
                entry[key[0]] += _unquote(line)
        else:
            keyword, value = line.split(" ", 1)
            if keyword.startswith("msgstr["):
                key = ("str", int(keyword[7:-1]))
                entry["str"][key[1]] = _unquote(value)
            elif keyword == "msgstr":
                key = ("str", 0)
                entry["str"][0] = _unquote(value)
            else:
                key = ({"msgid_plural": "plural"}.get(keyword, keyword),)
                entry[key[0]] = _unquote(value)
    return [entry for entry in entries if entry["msgid"]]  # not the header


PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%%|\{\{?\s*\w+\s*\}?\}")


@pytest.fixture(scope="module")
def finnish_entries():
    return read_po(CATALOGUE / "django.po")


def test_every_entry_is_translated_and_none_is_fuzzy(finnish_entries):
    assert len(finnish_entries) > 1000
    fuzzy = [e["msgid"] for e in finnish_entries if "fuzzy" in e["flags"]]
    untranslated = [e["msgid"] for e in finnish_entries if not all(e["str"].values())]
    assert fuzzy == []
    assert untranslated == []
    assert all(len(e["str"]) == 2 for e in finnish_entries if e["plural"])


def test_placeholders_survive_translation(finnish_entries):
    broken = []
    for entry in finnish_entries:
        wanted = set(PLACEHOLDER.findall(entry["msgid"]))
        if entry["plural"] is None:
            if set(PLACEHOLDER.findall(entry["str"][0])) != wanted:
                broken.append(entry["msgid"])
            continue
        # The singular may leave out the count ("The win" / "All %(counter)s wins").
        wanted_plural = set(PLACEHOLDER.findall(entry["plural"]))
        if set(PLACEHOLDER.findall(entry["str"][1])) != wanted_plural or not set(
            PLACEHOLDER.findall(entry["str"][0])
        ) <= (wanted | wanted_plural):
            broken.append(entry["msgid"])
    assert broken == []


def test_the_compiled_catalogue_matches_the_po_file(finnish_entries):
    with (CATALOGUE / "django.mo").open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)
    stale = []
    for entry in finnish_entries:
        context = entry["msgctxt"]
        if entry["plural"] is None:
            got = (
                catalogue.pgettext(context, entry["msgid"])
                if context
                else catalogue.gettext(entry["msgid"])
            )
            expected = entry["str"][0]
        else:
            got = catalogue.ngettext(entry["msgid"], entry["plural"], 5)
            expected = entry["str"][1]
        if got != expected:
            stale.append(entry["msgid"])
    assert stale == [], "Run: manage.py compilemessages -l fi"


@pytest.mark.django_db
def test_pages_never_ask_the_profile(client, person, home_page):
    UserProfile.objects.update_or_create(user=person.user, defaults={"preferred_language": "fi"})
    with CaptureQueriesContext(connection) as at_login:
        client.force_login(person.user)
    with CaptureQueriesContext(connection) as first:
        response = client.get("/")
    with CaptureQueriesContext(connection) as second:
        client.get("/")
    assert profile_queries(at_login) == 1
    assert profile_queries(first) == 0
    assert profile_queries(second) == 0
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fi"


def profile_queries(captured):
    return sum("wagtailusers_userprofile" in query["sql"] for query in captured.captured_queries)
