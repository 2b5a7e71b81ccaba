"""The organisation is managed in the Wagtail admin: snippets with filters and search."""

import pytest

from tests.factories import DepartmentFactory, PersonFactory

pytestmark = pytest.mark.django_db

DEPARTMENTS = "/admin/snippets/organisation/department/"
PEOPLE = "/admin/snippets/organisation/person/"


@pytest.fixture
def admin_client_with_data(client, admin_user):
    sales = DepartmentFactory(name="Sales")
    DepartmentFactory(name="Inside Sales", parent=sales)
    PersonFactory(user__first_name="Aino", department=sales)
    PersonFactory(user__first_name="Kofi")
    client.force_login(admin_user)
    return client


def test_administrators_list_search_and_filter_departments(admin_client_with_data):
    response = admin_client_with_data.get(DEPARTMENTS)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Inside Sales" in html
    searched = admin_client_with_data.get(DEPARTMENTS, {"q": "inside"}).content.decode()
    assert "Inside Sales" in searched


def test_administrators_filter_people_by_department(admin_client_with_data):
    sales = DepartmentFactory._meta.model.objects.get(name="Sales")
    response = admin_client_with_data.get(PEOPLE, {"department": sales.pk})
    html = response.content.decode()
    assert "Aino" in html
    assert "Kofi" not in html


def test_administrators_create_a_department_and_bad_colours_are_refused(admin_client_with_data):
    url = f"{DEPARTMENTS}add/"
    bad = admin_client_with_data.post(
        url, {"name": "Legal", "slug": "legal", "description": "", "colour": "red"}
    )
    assert bad.status_code == 200
    assert "six hexadecimal digits" in bad.content.decode()
    good = admin_client_with_data.post(
        url, {"name": "Legal", "slug": "legal", "description": "", "colour": "#334155"}
    )
    assert good.status_code == 302
    assert DepartmentFactory._meta.model.objects.filter(slug="legal").exists()


@pytest.mark.parametrize("url", [DEPARTMENTS, PEOPLE])
def test_ordinary_people_cannot_manage_the_organisation(member_client, url):
    response = member_client.get(url)
    assert response.status_code in (302, 403)
    assert not response.get("Location", "").startswith("/admin/snippets")
