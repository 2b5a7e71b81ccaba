"""`manage.py import_org`: departments and people from an HR export, all or nothing."""

import csv
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import ReferenceIndex
from wagtail.search.backends import get_search_backend

from organisation import importer
from organisation.importer import default_username
from organisation.models import Department, Person, PersonTopic, Topic
from tests.factories import DepartmentFactory, PersonFactory, UserFactory

User = get_user_model()

HEADER = ["email", "first_name", "last_name", "department"]


def write_csv(tmp_path, rows, *, header=HEADER, name="people.csv", encoding="utf-8", **options):
    """Write `rows` (lists of cells, or dicts keyed by column) under `header`; return the path."""
    path = tmp_path / name
    with path.open("w", encoding=encoding, newline="") as file:
        writer = csv.writer(file, **options)
        writer.writerow(header)
        for row in rows:
            writer.writerow(
                [row.get(column, "") for column in header] if isinstance(row, dict) else row
            )
    return path


def run_import(path, *options):
    out = io.StringIO()
    call_command("import_org", str(path), *options, stdout=out)
    return out.getvalue()


def import_error(path, *options):
    with pytest.raises(CommandError) as caught:
        run_import(path, *options)
    return str(caught.value)


def database_counts():
    return {
        "users": User.objects.count(),
        "people": Person.objects.count(),
        "departments": Department.objects.count(),
        "topics": Topic.objects.count(),
        "topic links": PersonTopic.objects.count(),
    }


def person_row(number, **cells):
    return {
        "email": f"person{number}@example.org",
        "first_name": "Person",
        "last_name": f"Number{number}",
        "department": "Finance",
        **cells,
    }


FULL_HEADER = [*HEADER, *importer.OPTIONAL_COLUMNS]


# Creating and updating ------------------------------------------------------------------------


@pytest.mark.django_db
def test_creates_departments_and_people(tmp_path):
    path = write_csv(
        tmp_path,
        [
            {
                "email": "Paivi.Makela@Example.ORG",
                "first_name": "Päivi",
                "last_name": "Mäkelä",
                "department": "Finance",
                "job_title": "Controller",
                "bio": "Keeps the books.",
                "department_description": "Money in, money out.",
                "department_colour": "#AA3300",
            },
            {
                "email": "olli@example.org",
                "first_name": "Olli",
                "last_name": "Ojala",
                "department": "Finance",
                "username": "olli",
            },
        ],
        header=FULL_HEADER,
    )

    output = run_import(path)

    assert output.strip() == (
        "Imported 2 people (2 created, 0 updated, 0 unchanged) "
        "and 1 department (1 created, 0 updated, 0 unchanged)."
    )
    finance = Department.objects.get()
    assert (finance.name, finance.slug, finance.description, finance.colour) == (
        "Finance",
        "finance",
        "Money in, money out.",
        "#aa3300",
    )
    paivi = Person.objects.select_related("user").get(user__username="paivi.makela")
    # The domain is lower-cased, the mailbox kept as written.
    assert paivi.user.email == "Paivi.Makela@example.org"
    assert (paivi.user.first_name, paivi.user.last_name) == ("Päivi", "Mäkelä")
    assert (paivi.department, paivi.job_title, paivi.bio) == (
        finance,
        "Controller",
        "Keeps the books.",
    )
    assert paivi.user.is_active
    olli = Person.objects.select_related("user").get(user__username="olli")
    assert (olli.job_title, olli.bio) == ("", "")
    # Imported people sign in through the organisation, never with a password.
    assert not paivi.user.has_usable_password()
    assert not olli.user.has_usable_password()


@pytest.mark.django_db
def test_new_department_gets_a_unique_slug(tmp_path):
    DepartmentFactory(name="Finance and Accounting", slug="finance")
    path = write_csv(tmp_path, [person_row(1, department="Finance!")])

    run_import(path)

    assert Department.objects.get(name="Finance!").slug == "finance-2"


@pytest.mark.django_db
def test_updates_a_person_matched_by_email_ignoring_case(tmp_path):
    person = PersonFactory(
        user__username="anna.v",
        user__email="Anna.Virtanen@example.org",
        user__first_name="Ana",
        user__last_name="Virtanen",
        job_title="Trainee",
    )
    path = write_csv(
        tmp_path,
        [
            {
                "email": "anna.virtanen@EXAMPLE.org",
                "first_name": "Anna",
                "last_name": "Virtanen",
                "department": "Research",
                "job_title": "Researcher",
            }
        ],
        header=[*HEADER, "job_title"],
    )

    output = run_import(path, "--verbosity", "2")

    assert User.objects.count() == 1
    person.refresh_from_db()
    person.user.refresh_from_db()
    assert person.user.username == "anna.v"  # not renamed after the name in the file
    assert person.user.first_name == "Anna"
    assert person.user.email == "Anna.Virtanen@example.org"  # only the case differed
    assert person.department.name == "Research"
    assert person.job_title == "Researcher"
    assert person.user.has_usable_password()  # an existing password is left alone
    assert "line 2: update Anna Virtanen (anna.v): first name, department, job title" in output
    assert "1 person (0 created, 1 updated, 0 unchanged)" in output
    assert "1 department (1 created, 0 updated, 0 unchanged)" in output


@pytest.mark.django_db
def test_matches_by_username_when_the_email_changed(tmp_path):
    person = PersonFactory(user__username="anna.v", user__email="anna.old@example.org")
    path = write_csv(
        tmp_path,
        [person_row(1, email="anna.new@example.org", username="anna.v")],
        header=[*HEADER, "username"],
    )

    run_import(path)

    assert User.objects.count() == 1
    person.user.refresh_from_db()
    assert person.user.email == "anna.new@example.org"


@pytest.mark.django_db
def test_explicit_username_renames_a_person_matched_by_email(tmp_path):
    person = PersonFactory(user__username="avirtanen", user__email="anna@example.org")
    path = write_csv(
        tmp_path,
        [person_row(1, email="anna@example.org", username="anna.virtanen")],
        header=[*HEADER, "username"],
    )

    run_import(path)

    person.user.refresh_from_db()
    assert person.user.username == "anna.virtanen"


@pytest.mark.django_db
def test_an_existing_user_without_a_profile_gets_one(tmp_path):
    user = UserFactory(username="anna.v", email="anna@example.org")
    path = write_csv(tmp_path, [person_row(1, email="anna@example.org")])

    output = run_import(path)

    assert Person.objects.get().user == user
    assert "1 person (1 created, 0 updated, 0 unchanged)" in output


@pytest.mark.django_db
def test_empty_optional_cells_leave_existing_values_alone(tmp_path):
    person = PersonFactory(
        user__email="anna@example.org",
        user__is_active=False,
        job_title="Controller",
        bio="Keeps the books.",
        topics=["Budgets"],
    )
    department = person.department
    department.parent = DepartmentFactory(name="Operations")
    department.save()
    path = write_csv(
        tmp_path,
        [
            {
                "email": "anna@example.org",
                "first_name": person.user.first_name,
                "last_name": person.user.last_name,
                "department": department.name,
            }
        ],
        header=FULL_HEADER,
    )

    output = run_import(path)

    assert "1 person (0 created, 0 updated, 1 unchanged)" in output
    person = Person.objects.select_related("user", "department").get()
    assert person.job_title == "Controller"
    assert person.bio == "Keeps the books."
    assert list(person.ask_me_about.names()) == ["Budgets"]
    assert person.user.is_active is False
    assert person.department.parent.name == "Operations"
    assert person.department.description == "Keeps the organisation running."


@pytest.mark.django_db
def test_imported_people_can_be_found_by_search(tmp_path):
    path = write_csv(
        tmp_path,
        [person_row(1, first_name="Päivi", last_name="Mäkelä", ask_me_about="Budgets")],
        header=[*HEADER, "ask_me_about"],
    )

    run_import(path)

    person = Person.objects.get()
    backend = get_search_backend()
    assert list(backend.search("Mäkelä", Person)) == [person]
    assert list(backend.search("Budgets", Person)) == [person]
    # The admin's "usage" of the department counts the person.
    assert ReferenceIndex.get_references_to(person.department).filter(object_id=str(person.pk))


# Usernames ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first_name", "last_name", "expected"),
    [
        ("Päivi", "Mäkelä", "paivi.makela"),
        ("Anna-Liisa", "O'Brien", "anna-liisa.obrien"),
        ("Mary Ann", "van der Berg", "mary-ann.van-der-berg"),
        ("Søren", "Ødegård", "soren.odegard"),
        ("José", "Muñoz", "jose.munoz"),
        ("李", "Wang", ""),
    ],
)
def test_default_username(first_name, last_name, expected):
    assert default_username(first_name=first_name, last_name=last_name) == expected


@pytest.mark.django_db
def test_username_is_made_from_the_name_with_accents_folded(tmp_path):
    path = write_csv(tmp_path, [person_row(1, first_name="Päivi", last_name="Mäkelä")])

    run_import(path)

    assert User.objects.get().username == "paivi.makela"


@pytest.mark.django_db
def test_made_up_username_taken_by_another_email_is_an_error(tmp_path):
    UserFactory(username="anna.virtanen", email="someone.else@example.org")
    path = write_csv(
        tmp_path,
        [person_row(1), person_row(2, first_name="Anna", last_name="Virtanen")],
    )
    before = database_counts()

    error = import_error(path)

    assert (
        "line 3: The username anna.virtanen already belongs to another user "
        "(someone.else@example.org); fill in the username column for this person." in error
    )
    assert database_counts() == before


@pytest.mark.django_db
def test_same_username_for_two_emails_in_the_file_is_an_error(tmp_path):
    path = write_csv(
        tmp_path,
        [
            person_row(1, first_name="Anna", last_name="Virtanen"),
            person_row(2, first_name="Anna", last_name="Virtanen"),
        ],
    )

    error = import_error(path)

    assert (
        "line 3: The username anna.virtanen is also used on line 2 for another email address"
        in error
    )


@pytest.mark.django_db
def test_email_and_username_of_two_different_users_is_an_error(tmp_path):
    UserFactory(username="anna", email="anna@example.org")
    UserFactory(username="bertta", email="bertta@example.org")
    path = write_csv(
        tmp_path,
        [person_row(1, email="anna@example.org", username="bertta")],
        header=[*HEADER, "username"],
    )

    error = import_error(path)

    assert (
        "line 2: The email address anna@example.org belongs to the user anna, but the "
        "username bertta belongs to another user (bertta@example.org)." in error
    )


@pytest.mark.django_db
def test_two_rows_for_the_same_existing_person_is_an_error(tmp_path):
    UserFactory(username="anna", email="anna@example.org")
    path = write_csv(
        tmp_path,
        [
            person_row(1, email="anna@example.org"),
            person_row(2, email="anna.new@example.org", username="anna"),
        ],
        header=[*HEADER, "username"],
    )

    error = import_error(path)

    assert "line 3: This is the same person (anna) as on line 2." in error


@pytest.mark.django_db
def test_name_without_ascii_letters_needs_a_username(tmp_path):
    path = write_csv(tmp_path, [person_row(1, first_name="李", last_name="小龙")])

    error = import_error(path)

    assert "line 2: No username can be made from the name “李 小龙”" in error


# Topics ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_topics_are_split_on_semicolons_and_reuse_existing_topics(tmp_path):
    Topic.objects.create(name="budgets", slug="budgets")
    path = write_csv(
        tmp_path,
        [person_row(1, ask_me_about=" Python; Budgets ;python;; Data & AI")],
        header=[*HEADER, "ask_me_about"],
    )

    run_import(path)

    assert sorted(Person.objects.get().ask_me_about.names()) == ["Data & AI", "Python", "budgets"]
    assert sorted(Topic.objects.values_list("name", flat=True)) == [
        "Data & AI",
        "Python",
        "budgets",
    ]


@pytest.mark.django_db
def test_topics_in_the_file_replace_a_persons_topics(tmp_path):
    person = PersonFactory(user__email="anna@example.org", topics=["Budgets", "Excel"])
    path = write_csv(
        tmp_path,
        [person_row(1, email="anna@example.org", ask_me_about="Excel;Forecasting")],
        header=[*HEADER, "ask_me_about"],
    )

    run_import(path)

    assert sorted(person.ask_me_about.names()) == ["Excel", "Forecasting"]


@pytest.mark.django_db
def test_new_topic_gets_a_unique_slug(tmp_path):
    Topic.objects.create(name="C++", slug="c")
    path = write_csv(
        tmp_path,
        [person_row(1, ask_me_about="C#")],
        header=[*HEADER, "ask_me_about"],
    )

    run_import(path)

    assert Topic.objects.get(name="C#").slug == "c_2"


# Departments ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_parent_defined_later_in_the_file_is_linked(tmp_path):
    path = write_csv(
        tmp_path,
        [
            person_row(1, department="Payroll", department_parent="finance"),
            person_row(2, department="Finance", department_parent="Operations"),
            person_row(3, department="Operations"),
        ],
        header=[*HEADER, "department_parent"],
    )

    run_import(path)

    payroll = Department.objects.select_related("parent__parent").get(name="Payroll")
    assert payroll.parent.name == "Finance"
    assert payroll.parent.parent.name == "Operations"
    assert payroll.parent.parent.parent is None


@pytest.mark.django_db
def test_parent_and_department_match_existing_ones_by_name_or_slug(tmp_path):
    operations = DepartmentFactory(name="Operations", slug="ops")
    finance = DepartmentFactory(name="Finance", slug="finance")
    path = write_csv(
        tmp_path,
        [person_row(1, department="FINANCE", department_parent="ops")],
        header=[*HEADER, "department_parent"],
    )

    output = run_import(path)

    assert Department.objects.count() == 2
    finance.refresh_from_db()
    assert finance.parent == operations
    assert finance.name == "Finance"  # matched, not renamed
    assert "1 department (0 created, 1 updated, 0 unchanged)" in output


@pytest.mark.django_db
def test_department_description_and_colour_update_an_existing_department(tmp_path):
    finance = DepartmentFactory(name="Finance", colour="#1d4ed8")
    path = write_csv(
        tmp_path,
        [
            person_row(1, department_colour="#BE123C"),
            person_row(2, department_description="Money in, money out."),
        ],
        header=[*HEADER, "department_description", "department_colour"],
    )

    run_import(path)

    finance.refresh_from_db()
    assert (finance.colour, finance.description) == ("#be123c", "Money in, money out.")


@pytest.mark.django_db
def test_unknown_parent_is_an_error(tmp_path):
    path = write_csv(
        tmp_path,
        [person_row(1, department="Payroll", department_parent="Finanse")],
        header=[*HEADER, "department_parent"],
    )

    error = import_error(path)

    assert (
        "line 2: The parent department “Finanse” is neither in this file (as a department) "
        "nor in the intranet." in error
    )


@pytest.mark.django_db
def test_department_that_would_become_its_own_ancestor_is_an_error(tmp_path):
    path = write_csv(
        tmp_path,
        [
            person_row(1, department="Finance", department_parent="Payroll"),
            person_row(2, department="Payroll", department_parent="Finance"),
            person_row(3, department="Legal", department_parent="Legal"),
        ],
        header=[*HEADER, "department_parent"],
    )
    before = database_counts()

    error = import_error(path)

    assert (
        "line 2: The department Finance would become its own ancestor: "
        "Finance → Payroll → Finance." in error
    )
    assert (
        "line 3: The department Payroll would become its own ancestor: "
        "Payroll → Finance → Payroll." in error
    )
    assert "line 4: The department Legal would become its own ancestor: Legal → Legal." in error
    assert database_counts() == before


@pytest.mark.django_db
def test_cycle_through_existing_departments_is_an_error(tmp_path):
    operations = DepartmentFactory(name="Operations")
    DepartmentFactory(name="Finance", parent=operations)
    path = write_csv(
        tmp_path,
        [person_row(1, department="Operations", department_parent="Finance")],
        header=[*HEADER, "department_parent"],
    )

    error = import_error(path)

    assert (
        "line 2: The department Operations would become its own ancestor: "
        "Operations → Finance → Operations." in error
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("column", "first", "second", "message"),
    [
        (
            "department_parent",
            "Operations",
            "Administration",
            "line 4: The department Finance gets department_parent “Administration” here "
            "but “Operations” on line 3.",
        ),
        (
            "department_colour",
            "#1D4ED8",
            "#be123c",
            "line 4: The department Finance gets department_colour “#be123c” here "
            "but “#1d4ed8” on line 3.",
        ),
        (
            "department_description",
            "Money.",
            "Budgets.",
            "line 4: The department Finance gets department_description “Budgets.” here "
            "but “Money.” on line 3.",
        ),
    ],
)
def test_conflicting_department_values_are_an_error(tmp_path, column, first, second, message):
    DepartmentFactory(name="Operations")
    DepartmentFactory(name="Administration")
    path = write_csv(
        tmp_path,
        [
            person_row(1),
            person_row(2, **{column: first}),
            person_row(3, **{column: second}),
            # The same value again (ignoring case) and empty cells are no conflict.
            person_row(4, **{column: first.lower()} if column != "department_description" else {}),
        ],
        header=[*HEADER, column],
    )

    error = import_error(path)

    assert message in error
    assert "line 5" not in error


# Validation -----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("cells", "message"),
    [
        ({"email": ""}, "email is required."),
        ({"first_name": ""}, "first_name is required."),
        ({"last_name": ""}, "last_name is required."),
        ({"department": ""}, "department is required."),
        ({"email": "anna@"}, "“anna@” is not a valid email address."),
        (
            {"email": "anna virtanen@example.org"},
            "“anna virtanen@example.org” is not a valid email address.",
        ),
        (
            {"department_colour": "blue"},
            "department_colour “blue” is not a colour like #1d4ed8.",
        ),
        ({"department_colour": "#12345"}, "department_colour “#12345” is not a colour"),
        ({"active": "maybe"}, "active must be yes, no, true, false, 1 or 0, not “maybe”."),
        ({"job_title": "x" * 121}, "job_title is 121 characters long; at most 120 are allowed."),
        ({"bio": "x" * 1001}, "bio is 1001 characters long; at most 1000 are allowed."),
        (
            {"first_name": "x" * 151},
            "first_name is 151 characters long; at most 150 are allowed.",
        ),
        ({"last_name": "x" * 151}, "last_name is 151 characters long; at most 150 are allowed."),
        (
            {"department": "x" * 101},
            "department is 101 characters long; at most 100 are allowed.",
        ),
        (
            {"department_description": "x" * 501},
            "department_description is 501 characters long; at most 500 are allowed.",
        ),
        (
            {"username": "anna virtanen"},
            "The username “anna virtanen” may contain only letters, digits",
        ),
        (
            {"ask_me_about": "Budgets;" + "x" * 101},
            "The topic “" + "x" * 101 + "” is longer than 100 characters.",
        ),
        (
            {"email": "person1@EXAMPLE.org"},
            "The email address person1@example.org is already on line 2.",
        ),
    ],
)
def test_invalid_value_is_reported_with_its_line_and_nothing_is_written(tmp_path, cells, message):
    path = write_csv(
        tmp_path,
        [person_row(1), person_row(2, **cells), person_row(3)],
        header=FULL_HEADER,
    )
    before = database_counts()

    error = import_error(path)

    assert error.startswith("Nothing was imported: fix this problem and run the import again.")
    assert f"line 3: {message}" in error
    assert "line 2:" not in error
    assert "line 4:" not in error
    assert database_counts() == before


@pytest.mark.django_db
def test_every_problem_is_reported_together_in_line_order(tmp_path):
    path = write_csv(
        tmp_path,
        [
            person_row(1, email="not-an-email"),
            person_row(2),
            person_row(3, active="perhaps", job_title="x" * 121),
        ],
        header=FULL_HEADER,
    )

    error = import_error(path)

    assert error.splitlines() == [
        "Nothing was imported: fix these 3 problems and run the import again.",
        "line 2: “not-an-email” is not a valid email address.",
        "line 4: job_title is 121 characters long; at most 120 are allowed.",
        "line 4: active must be yes, no, true, false, 1 or 0, not “perhaps”.",
    ]


@pytest.mark.django_db
def test_line_numbers_count_lines_of_multi_line_cells_and_blank_lines(tmp_path):
    path = tmp_path / "people.csv"
    path.write_text(
        "email,first_name,last_name,department,bio\n"
        'anna@example.org,Anna,Virtanen,Finance,"Line one\nline two"\n'
        "\n"
        ",,,,\n"
        "bad-email,Olli,Ojala,Finance,\n",
        encoding="utf-8",
    )

    error = import_error(path)

    assert "line 6: “bad-email” is not a valid email address." in error


@pytest.mark.django_db
def test_row_with_more_values_than_columns_is_an_error(tmp_path):
    path = tmp_path / "people.csv"
    path.write_text(
        "email,first_name,last_name,department\nanna@example.org,Anna,Virtanen,Finance,extra\n",
        encoding="utf-8",
    )

    error = import_error(path)

    assert "line 2: This row has 1 value more than the header has columns." in error


@pytest.mark.django_db
def test_invalid_row_still_defines_its_department_for_other_rows(tmp_path):
    # Row 2's email is wrong, but its department is fine: row 3 must not get a second error.
    path = write_csv(
        tmp_path,
        [
            person_row(1, email="wrong", department="Finance"),
            person_row(2, department="Payroll", department_parent="Finance"),
        ],
        header=[*HEADER, "department_parent"],
    )

    error = import_error(path)

    assert "fix this problem" in error
    assert "line 2: “wrong” is not a valid email address." in error


# The file -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_missing_file_is_an_error(tmp_path):
    error = import_error(tmp_path / "missing.csv")

    assert f"The file {tmp_path / 'missing.csv'} does not exist." in error


@pytest.mark.django_db
def test_file_that_is_not_utf8_is_an_error(tmp_path):
    path = write_csv(
        tmp_path, [person_row(1), person_row(2, first_name="Päivi")], encoding="latin-1"
    )

    error = import_error(path)

    assert "line 3: The file is not UTF-8 text. Save it as “CSV UTF-8”" in error


@pytest.mark.django_db
def test_unclosed_quote_is_an_error_on_the_line_where_the_row_starts(tmp_path):
    path = tmp_path / "people.csv"
    path.write_text(
        "email,first_name,last_name,department\n"
        'anna@example.org,"Anna,Virtanen,Finance\n'
        "olli@example.org,Olli,Ojala,Finance\n",
        encoding="utf-8",
    )

    error = import_error(path)

    assert "line 2: This is not valid CSV: unexpected end of data" in error


@pytest.mark.django_db
def test_empty_file_is_an_error(tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("\n\n", encoding="utf-8")

    error = import_error(path)

    assert "The file is empty; it needs a header row naming the columns." in error


@pytest.mark.django_db
def test_missing_required_columns_are_an_error(tmp_path):
    path = write_csv(tmp_path, [["anna@example.org", "Anna"]], header=["email", "first_name"])

    error = import_error(path)

    assert "line 1: Required columns are missing: last_name, department." in error


@pytest.mark.django_db
def test_unknown_and_repeated_columns_are_reported_up_front(tmp_path):
    path = write_csv(
        tmp_path,
        [person_row(1)],
        header=[*HEADER, "phone", "Email", "manager"],
    )

    error = import_error(path)

    assert "line 1: These columns appear more than once: email." in error
    assert "line 1: Unknown columns: phone, manager." in error
    assert "line 2" not in error


@pytest.mark.django_db
def test_header_names_ignore_case_and_surrounding_spaces(tmp_path):
    path = write_csv(
        tmp_path,
        [["anna@example.org", "Anna", "Virtanen", "Finance", "Controller"]],
        header=[" Email", "FIRST_NAME ", "Last_Name", " department ", "Job_Title"],
    )

    run_import(path)

    assert Person.objects.get().job_title == "Controller"


@pytest.mark.django_db
def test_byte_order_mark_from_excel_is_accepted(tmp_path):
    path = write_csv(tmp_path, [person_row(1)], encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")

    run_import(path)

    assert User.objects.get().email == "person1@example.org"


@pytest.mark.django_db
def test_semicolon_separated_file_is_read(tmp_path):
    # What Excel writes as "CSV" in Finnish and other European locales.
    path = write_csv(
        tmp_path,
        [person_row(1, ask_me_about="Budgets;Excel")],
        header=[*HEADER, "ask_me_about"],
        delimiter=";",
    )

    run_import(path)

    assert sorted(Person.objects.get().ask_me_about.names()) == ["Budgets", "Excel"]


@pytest.mark.django_db
def test_header_only_file_imports_nothing(tmp_path):
    path = write_csv(tmp_path, [])

    output = run_import(path)

    assert "Imported 0 people" in output


# Activation -----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("word", "active"),
    [("no", False), ("No", False), ("false", False), ("0", False), ("YES", True), ("1", True)],
)
def test_active_column_activates_and_deactivates(tmp_path, word, active):
    PersonFactory(user__email="anna@example.org", user__is_active=not active)
    path = write_csv(
        tmp_path,
        [person_row(1, email="anna@example.org", active=word), person_row(2, active=word)],
        header=[*HEADER, "active"],
    )

    run_import(path)

    assert list(User.objects.values_list("is_active", flat=True)) == [active, active]


@pytest.mark.django_db
def test_new_people_are_active_by_default(tmp_path):
    path = write_csv(tmp_path, [person_row(1)])

    run_import(path)

    assert User.objects.get().is_active


# All or nothing -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_one_bad_row_means_nothing_is_written(tmp_path):
    PersonFactory(user__email="person1@example.org", job_title="Old title")
    path = write_csv(
        tmp_path,
        [
            person_row(1, job_title="New title", ask_me_about="Budgets"),
            person_row(2, department="New department"),
            person_row(3, department_colour="#000000"),
            person_row(4, email="broken"),
        ],
        header=FULL_HEADER,
    )
    before = database_counts()

    error = import_error(path)

    assert "line 5: “broken” is not a valid email address." in error
    assert database_counts() == before
    assert Person.objects.get().job_title == "Old title"


@pytest.mark.django_db
def test_failure_while_writing_rolls_everything_back(tmp_path, monkeypatch):
    path = write_csv(tmp_path, [person_row(1), person_row(2, department="Payroll")])
    before = database_counts()

    def fail_at_the_last_step(plan):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(importer, "_update_indexes", fail_at_the_last_step)

    with pytest.raises(RuntimeError):
        run_import(path)

    assert database_counts() == before


@pytest.mark.django_db
def test_dry_run_writes_nothing_and_lists_the_changes(tmp_path):
    PersonFactory(
        user__email="person1@example.org",
        user__username="p1",
        user__first_name="Person",
        user__last_name="Number1",
        job_title="Old",
    )
    path = write_csv(
        tmp_path,
        [person_row(1, job_title="New"), person_row(2, username="p2")],
        header=[*HEADER, "username", "job_title"],
    )
    before = database_counts()

    output = run_import(path, "--dry-run")

    assert database_counts() == before
    assert Person.objects.get().job_title == "Old"
    assert output.splitlines() == [
        "line 2: create department Finance",
        "line 2: update Person Number1 (p1): department, job title",
        "line 3: create Person Number2 (p2) in Finance",
        "Dry run, nothing was written. Would import 2 people (1 created, 1 updated, "
        "0 unchanged) and 1 department (1 created, 0 updated, 0 unchanged).",
    ]


@pytest.mark.django_db
def test_dry_run_still_reports_problems(tmp_path):
    path = write_csv(tmp_path, [person_row(1, email="broken")])

    error = import_error(path, "--dry-run")

    assert "line 2: “broken” is not a valid email address." in error


# Idempotence ----------------------------------------------------------------------------------


def database_state():
    return {
        "users": sorted(
            User.objects.values_list("username", "email", "first_name", "last_name", "is_active")
        ),
        "people": sorted(
            Person.objects.values_list("user__username", "department__name", "job_title", "bio")
        ),
        "departments": sorted(
            Department.objects.values_list("name", "slug", "parent__name", "description", "colour")
        ),
        "topics": sorted(
            PersonTopic.objects.values_list("content_object__user__username", "tag__name")
        ),
    }


@pytest.mark.django_db
def test_importing_the_same_file_twice_changes_nothing_the_second_time(tmp_path):
    PersonFactory(user__email="person1@example.org", job_title="Old", topics=["Excel"])
    path = write_csv(
        tmp_path,
        [
            person_row(
                1,
                job_title="Controller",
                bio="Keeps the books.",
                ask_me_about="Budgets;Excel",
                department="Payroll",
                department_parent="Finance",
                active="no",
            ),
            person_row(
                2,
                first_name="Päivi",
                last_name="Mäkelä",
                department_colour="#BE123C",
                department_description="Money.",
            ),
        ],
        header=FULL_HEADER,
    )

    first = run_import(path)
    state = database_state()
    second = run_import(path)

    assert "(1 created, 1 updated, 0 unchanged)" in first
    assert database_state() == state
    assert second.strip() == (
        "Imported 2 people (0 created, 0 updated, 2 unchanged) "
        "and 2 departments (0 created, 0 updated, 2 unchanged)."
    )


# Efficiency -----------------------------------------------------------------------------------


def write_mixed_file(tmp_path, size):
    """A file of `size` people, half of them existing, spread over departments and topics."""
    for number in range(size // 2):
        PersonFactory(
            user__email=f"existing{size}-{number}@example.org",
            user__username=f"existing{size}-{number}",
            topics=["Budgets"],
        )
    rows = [
        person_row(
            f"{size}-{number}",
            email=(
                f"existing{size}-{number}@example.org"
                if number < size // 2
                else f"new{size}-{number}@example.org"
            ),
            department=f"Department {number % 7}",
            department_parent="Operations" if number % 7 else "",
            ask_me_about=f"Topic {number};Topic {number + 1}",
            job_title="Specialist",
        )
        for number in range(size)
    ]
    rows.append(person_row(f"{size}-head", department="Operations"))
    return write_csv(tmp_path, rows, header=FULL_HEADER, name=f"people-{size}.csv")


@pytest.mark.django_db
def test_dry_run_queries_do_not_grow_with_the_number_of_rows(
    tmp_path, django_assert_max_num_queries
):
    small_file = write_mixed_file(tmp_path, 10)
    large_file = write_mixed_file(tmp_path, 50)

    with CaptureQueriesContext(connection) as small_queries:
        small_output = run_import(small_file, "--dry-run")
    with django_assert_max_num_queries(len(small_queries)) as large_queries:
        large_output = run_import(large_file, "--dry-run")

    assert "Would import 11 people (6 created, 5 updated, 0 unchanged)" in small_output
    assert "Would import 51 people (26 created, 25 updated, 0 unchanged)" in large_output
    assert len(large_queries) == len(small_queries)
    # Departments, users, topics and the existing people's topics: one query each.
    assert len(small_queries) == 4, "\n".join(q["sql"] for q in small_queries.captured_queries)
