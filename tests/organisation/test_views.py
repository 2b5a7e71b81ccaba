import pytest
from django.urls import reverse

from tests.factories import DepartmentFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisation():
    sales = DepartmentFactory(name="Sales", colour="#1d4ed8")
    support = DepartmentFactory(name="Customer Support", colour="#0f766e")
    return {
        "sales": sales,
        "support": support,
        "aino": PersonFactory(
            user__first_name="Aino",
            user__last_name="Lehtonen",
            user__username="aino.lehtonen",
            department=sales,
            job_title="Head of Sales",
            topics=["pricing"],
        ),
        "kofi": PersonFactory(
            user__first_name="Kofi",
            user__last_name="Mensah",
            department=support,
            job_title="Support Specialist",
            topics=["billing questions"],
        ),
        "gone": PersonFactory(user__first_name="Gone", department=sales, user__is_active=False),
    }


def names(response):
    return [person.user.first_name for person in response.context["page"].object_list]


class TestPeopleDirectory:
    url = reverse("organisation:people")

    def test_lists_active_people_alphabetically(self, member_client, organisation):
        response = member_client.get(self.url)
        assert response.status_code == 200
        assert names(response) == ["Aino", "Anna", "Kofi"]

    def test_filters_by_text_department_and_topic(self, member_client, organisation):
        assert names(member_client.get(self.url, {"q": "mensah"})) == ["Kofi"]
        assert names(member_client.get(self.url, {"department": "sales"})) == ["Aino"]
        assert names(member_client.get(self.url, {"topic": "pricing"})) == ["Aino"]
        assert names(member_client.get(self.url, {"q": "head", "department": "sales"})) == ["Aino"]

    def test_unknown_department_shows_an_error_next_to_the_field_and_keeps_the_input(
        self, member_client, organisation
    ):
        response = member_client.get(self.url, {"q": "aino", "department": "nowhere"})
        assert response.status_code == 200
        assert response.context["form"].errors["department"]
        assert names(response) == []
        assert 'value="aino"' in response.content.decode()

    def test_overlong_search_is_refused_with_an_error(self, member_client, organisation):
        response = member_client.get(self.url, {"q": "x" * 101})
        assert response.context["form"].errors["q"]

    def test_htmx_request_gets_only_the_results(self, member_client, organisation):
        response = member_client.get(self.url, {"q": "kofi"}, headers={"HX-Request": "true"})
        html = response.content.decode()
        assert "Kofi Mensah" in html
        assert "<html" not in html

    def test_pagination_keeps_the_filters(self, member_client, organisation):
        PersonFactory.create_batch(30, department=organisation["sales"])
        response = member_client.get(self.url, {"department": "sales"})
        assert "department=sales&amp;page=2" in response.content.decode()

    def test_query_count_does_not_grow_with_people(self, member_client, count_queries):
        department = DepartmentFactory()
        PersonFactory.create_batch(3, department=department, with_photo=True, topics=["x"])
        small = count_queries(self.url, ceiling=12)
        PersonFactory.create_batch(30, department=department, with_photo=True, topics=["y"])
        assert count_queries(self.url, ceiling=12) == small


class TestPersonProfile:
    def test_shows_profile_topics_and_colleagues(self, member_client, organisation):
        PersonFactory(user__first_name="Marcus", department=organisation["sales"])
        response = member_client.get(reverse("organisation:person", args=["aino.lehtonen"]))
        html = response.content.decode()
        assert "Head of Sales" in html
        assert "pricing" in html
        assert "Marcus" in html

    def test_people_who_left_are_not_found(self, member_client, organisation):
        username = organisation["gone"].user.username
        response = member_client.get(reverse("organisation:person", args=[username]))
        assert response.status_code == 404

    def test_query_count_does_not_grow_with_colleagues(self, member_client, count_queries):
        person = PersonFactory(with_photo=True, topics=["a", "b"])
        PersonFactory(department=person.department, with_photo=True)
        url = person.get_absolute_url()
        small = count_queries(url, ceiling=12)
        PersonFactory.create_batch(10, department=person.department, with_photo=True)
        person.ask_me_about.add("c", "d", "e")
        assert count_queries(url, ceiling=12) == small


class TestDepartments:
    def test_list_shows_departments_with_people_counts(self, member_client, organisation):
        response = member_client.get(reverse("organisation:departments"))
        html = response.content.decode()
        assert "Customer Support" in html
        assert "1 person" in html

    def test_department_page_lists_its_people_and_sub_departments(
        self, member_client, organisation
    ):
        DepartmentFactory(name="Inside Sales", parent=organisation["sales"])
        response = member_client.get(organisation["sales"].get_absolute_url())
        html = response.content.decode()
        assert names(response) == ["Aino"]
        assert "Inside Sales" in html

    def test_unknown_department_is_404(self, member_client):
        assert member_client.get("/departments/nowhere/").status_code == 404

    def test_query_counts_do_not_grow_with_data(self, member_client, count_queries):
        department = DepartmentFactory()
        PersonFactory.create_batch(2, department=department, with_photo=True)
        list_url, detail_url = reverse("organisation:departments"), department.get_absolute_url()
        small_list, small_detail = (
            count_queries(list_url, ceiling=8),
            count_queries(detail_url, ceiling=24),
        )
        for index in range(8):
            DepartmentFactory(parent=department, name=f"Team {index}")
        PersonFactory.create_batch(20, department=department, with_photo=True)
        assert count_queries(list_url, ceiling=8) == small_list
        assert count_queries(detail_url, ceiling=24) == small_detail
