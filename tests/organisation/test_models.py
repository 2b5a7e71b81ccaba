from unittest import mock

import pytest
from django.core.exceptions import ValidationError

from organisation.colours import contrast_ratio, readable_text_colour
from organisation.models import Department, Person
from tests.factories import DepartmentFactory, PersonFactory


@pytest.mark.parametrize("background", ["#1d4ed8", "#f4b740", "#ffffff", "#000000", "#0f766e"])
def test_department_text_colour_meets_wcag_aa(background):
    assert contrast_ratio(background, readable_text_colour(background)) >= 4.5


def test_light_colours_get_dark_text_and_dark_colours_light_text():
    assert readable_text_colour("#fde68a") == "#111827"
    assert readable_text_colour("#1e3a8a") == "#ffffff"


@pytest.mark.django_db
def test_department_cannot_become_its_own_ancestor():
    company = DepartmentFactory(name="Company")
    sales = DepartmentFactory(name="Sales", parent=company)
    company.parent = sales
    with pytest.raises(ValidationError) as error:
        company.full_clean()
    assert "parent" in error.value.message_dict


@pytest.mark.django_db
def test_department_rejects_a_malformed_colour():
    department = DepartmentFactory.build(colour="blue")
    with pytest.raises(ValidationError) as error:
        department.full_clean()
    assert "colour" in error.value.message_dict


@pytest.mark.django_db
def test_people_count_ignores_people_who_left():
    department = DepartmentFactory()
    PersonFactory.create_batch(2, department=department)
    PersonFactory(department=department, user__is_active=False)
    assert Department.objects.with_people_count().get(pk=department.pk).people_count == 2


@pytest.mark.django_db
class TestPersonMatching:
    @pytest.fixture(autouse=True)
    def people(self):
        finance = DepartmentFactory(name="Finance")
        self.anna = PersonFactory(
            user__first_name="Anna",
            user__last_name="Virtanen",
            job_title="Accountant",
            department=finance,
            topics=["pricing", "budgets"],
        )
        self.ben = PersonFactory(
            user__first_name="Ben", user__last_name="Carter", job_title="QA Engineer"
        )

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("anna", {"anna"}),
            ("ANNA virt", {"anna"}),
            ("accountant", {"anna"}),
            ("pricing", {"anna"}),
            ("finance", {"anna"}),
            ("engineer", {"ben"}),
            ("anna engineer", set()),
            ("", {"anna", "ben"}),
        ],
    )
    def test_every_word_must_match_name_title_department_or_topic(self, text, expected):
        found = Person.objects.matching(text)
        by_name = {"anna": self.anna, "ben": self.ben}
        assert set(found) == {by_name[name] for name in expected}

    def test_a_person_with_several_matching_topics_is_listed_once(self):
        assert list(Person.objects.matching("i")).count(self.anna) == 1


@pytest.mark.django_db
def test_person_initials_and_name_fall_back_to_username():
    person = PersonFactory(user__first_name="", user__last_name="", user__username="xavier")
    assert person.full_name == "xavier"
    assert person.initials == "X"


@pytest.mark.django_db
def test_renaming_a_user_updates_the_search_index():
    person = PersonFactory(user__first_name="Old")
    person.user.first_name = "Zebulon"
    person.user.save()
    assert list(Person.objects.search("Zebulon")) == [person]


@pytest.mark.django_db
def test_logging_in_does_not_touch_the_search_index(client):
    person = PersonFactory(user__username="ines")
    person.user.set_password("pw")
    person.user.save()
    with mock.patch("organisation.signals.insert_or_update_object") as reindex:
        assert client.login(username="ines", password="pw")
    reindex.assert_not_called()
