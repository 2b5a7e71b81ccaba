import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import override_settings
from wagtail.models import Locale

from intranet.models import HomePage, StandardPage
from organisation.models import Department, Person

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        Department.objects.count(),
        Person.objects.count(),
        get_user_model().objects.count(),
        StandardPage.objects.count(),
        Person.objects.filter(photo__isnull=True).count(),
    )


def test_builds_a_believable_organisation_and_is_idempotent(client):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    first = snapshot()
    departments, people, _users, pages, without_photo = first
    assert departments >= 8
    assert people >= 40
    assert pages >= 2
    assert without_photo == 0
    assert Person.objects.exclude(bio="").count() == people
    home = HomePage.objects.get(locale__language_code="en")
    # The home page shows every block editors can use, the live ones with real demo data.
    every_block = set(home.body.stream_block.child_blocks)
    assert {child.block_type for child in home.body} == every_block
    chosen = {child.block_type: child.value for child in home.body}
    assert chosen["project_cards"]["projects"]
    assert chosen["metric_chart"]["metric"]
    assert all(choice["why"] for choice in chosen["people_spotlight"]["people"])
    guide = StandardPage.objects.get(slug="how-we-work-together", locale=home.locale)
    assert {"promises_kept", "project_cards"} <= {child.block_type for child in guide.body}
    # Finnish translations of the home page and the guides, published, with the same blocks.
    finnish_home = home.get_translation(Locale.objects.get(language_code="fi"))
    assert finnish_home.live
    assert [child.block_type for child in finnish_home.body] == [
        child.block_type for child in home.body
    ]
    assert StandardPage.objects.filter(locale=finnish_home.locale, live=True).count() >= 2

    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert snapshot() == first


def test_development_gives_every_person_and_an_administrator_a_demo_login(client):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert client.login(username="laura.makela", password="demo")
    assert client.login(username="demo", password="demo")
    assert get_user_model().objects.get(username="demo").is_superuser


@override_settings(DEMO_LOGINS=False)
def test_without_demo_logins_nobody_can_log_in_with_the_demo_password(client):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert not client.login(username="laura.makela", password="demo")
    assert not get_user_model().objects.filter(username="demo").exists()
