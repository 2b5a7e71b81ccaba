import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from django.utils.translation import override

from projects.metric_services import check_in
from projects.models import CheckIn, Metric
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def metric_form(project, **overrides):
    return {
        "name": "First-contact resolution",
        "definition": "Solved in the first reply, from the helpdesk.",
        "unit": "percent",
        "unit_detail": "",
        "direction": "increase",
        "baseline_value": "61.5",
        "baseline_date": (TODAY - datetime.timedelta(days=30)).isoformat(),
        "target_value": "75",
        "target_date": (TODAY + datetime.timedelta(days=60)).isoformat(),
        "stretch_value": "",
        "lower_bound": "",
        "upper_bound": "",
        "owning_departments": [d.pk for d in project.departments],
        **overrides,
    }


def test_members_define_a_metric(client, joint_project, member):
    client.force_login(member.user)
    response = client.post(joint_project.url + "metrics/new/", metric_form(joint_project))
    metric = Metric.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"/metrics/{metric.pk}/")
    assert metric.baseline_value == Decimal("61.5")


def test_bad_definitions_keep_the_input_and_say_why(client, joint_project, member):
    client.force_login(member.user)
    response = client.post(
        joint_project.url + "metrics/new/",
        metric_form(joint_project, target_value="3,5", owning_departments=[]),
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "target_value" in errors
    assert "owning_departments" in errors
    assert 'value="3,5"' in response.content.decode()
    assert not Metric.objects.exists()


def test_viewers_cannot_define_metrics(client, joint_project):
    client.force_login(PersonFactory().user)
    assert client.get(joint_project.url + "metrics/new/").status_code == 403


def test_finnish_members_check_in_with_a_decimal_comma(client, joint_project, member, metric):
    client.force_login(member.user)
    with override("fi"):
        response = client.post(
            joint_project.url + f"metrics/{metric.pk}/check-in/",
            {"value": "66,5", "day": TODAY.isoformat(), "confidence": "high", "note": ""},
            headers={"Accept-Language": "fi"},
        )
    assert response.status_code == 302
    assert CheckIn.objects.get().value == Decimal("66.5")


@pytest.mark.parametrize(
    ("value", "day"),
    [
        ("NaN", TODAY),
        ("abc", TODAY),
        ("", TODAY),
        ("101", TODAY),
        ("66", TODAY + datetime.timedelta(days=2)),
    ],
)
def test_bad_check_ins_are_refused_next_to_the_field(
    client, joint_project, member, metric, value, day
):
    client.force_login(member.user)
    response = client.post(
        joint_project.url + f"metrics/{metric.pk}/check-in/",
        {"value": value, "day": day.isoformat(), "confidence": "medium", "note": "kept"},
    )
    assert response.status_code == 400
    assert response.context["check_in_form"].errors
    assert "kept" in response.content.decode()
    assert not CheckIn.objects.exists()


def test_sign_off_from_both_departments_agrees_the_metric(
    client, joint_project, lead, member, metric
):
    for person in (lead, member):
        client.force_login(person.user)
        assert client.post(joint_project.url + f"metrics/{metric.pk}/sign-off/").status_code == 302
    metric.refresh_from_db()
    assert metric.is_agreed


def test_viewers_cannot_sign_off_or_check_in(client, joint_project, metric):
    client.force_login(PersonFactory().user)
    assert client.post(joint_project.url + f"metrics/{metric.pk}/sign-off/").status_code == 403
    response = client.post(joint_project.url + f"metrics/{metric.pk}/check-in/", {"value": "70"})
    assert response.status_code == 403


def test_members_download_the_metrics_as_csv(client, joint_project, member, metric):
    check_in(metric=metric, author=member, day=TODAY, value=Decimal("66.5"))
    client.force_login(member.user)
    response = client.get(joint_project.url + "metrics/csv/")
    body = response.content.decode()
    assert response["Content-Type"].startswith("text/csv")
    assert "FCR" in body
    assert "66.5" in body


def test_the_metrics_csv_never_hands_a_spreadsheet_a_formula(client, joint_project, member, metric):
    check_in(metric=metric, author=member, day=TODAY, value=Decimal(70), note="=HYPERLINK(1)")
    client.force_login(member.user)
    body = client.get(joint_project.url + "metrics/csv/").content.decode()
    assert "'=HYPERLINK(1)" in body


def test_metric_pages_keep_their_query_count_as_check_ins_grow(
    client, joint_project, member, metric, count_queries
):
    client.force_login(member.user)

    def add_check_ins(days):
        for offset in days:
            check_in(
                metric=metric,
                author=member,
                day=TODAY - datetime.timedelta(days=offset),
                value=Decimal(60 + offset % 10),
            )

    add_check_ins(range(2))
    detail = joint_project.url + f"metrics/{metric.pk}/"
    small = (count_queries(detail, ceiling=24), count_queries(joint_project.url, ceiling=40))
    add_check_ins(range(2, 28))
    assert (
        count_queries(detail, ceiling=24),
        count_queries(joint_project.url, ceiling=40),
    ) == small
