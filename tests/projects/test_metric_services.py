import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from projects.metric_services import check_in, metric_define, metric_sign_off, metric_update
from projects.models import CheckIn, Metric, MetricChange
from projects.services import ProjectActionError
from tests.factories import DepartmentFactory, MembershipFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def definition(**overrides):
    return {
        "name": "First-contact resolution",
        "definition": "Share of tickets solved in the first reply, from the helpdesk.",
        "unit": "percent",
        "unit_detail": "",
        "direction": "increase",
        "baseline_value": Decimal("61"),
        "baseline_date": TODAY - datetime.timedelta(days=90),
        "target_value": Decimal("75"),
        "target_date": TODAY + datetime.timedelta(days=90),
        **overrides,
    }


@pytest.fixture
def metric(joint_project, lead):
    return metric_define(
        project=joint_project,
        author=lead,
        owning_departments=joint_project.departments,
        **definition(),
    )


class TestDefinition:
    def test_a_metric_starts_as_a_draft_owned_by_two_departments(self, metric):
        assert not metric.is_agreed
        assert metric.owning_departments.count() == 2

    def test_one_department_cannot_own_a_shared_metric(self, joint_project, lead):
        with pytest.raises(ProjectActionError) as error:
            metric_define(
                project=joint_project,
                author=lead,
                owning_departments=joint_project.departments[:1],
                **definition(),
            )
        assert "owning_departments" in error.value.message_dict

    def test_owners_must_take_part_in_the_project(self, joint_project, lead):
        stranger = DepartmentFactory(name="Legal")
        with pytest.raises(ProjectActionError):
            metric_define(
                project=joint_project,
                author=lead,
                owning_departments=[joint_project.departments[0], stranger],
                **definition(),
            )

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"target_value": Decimal("50")}, "target_value"),
            ({"direction": "decrease"}, "target_value"),
            ({"target_date": TODAY - datetime.timedelta(days=91)}, "target_date"),
            ({"target_value": Decimal("120")}, "target_value"),
            ({"direction": "range"}, "lower_bound"),
            ({"unit": "currency", "unit_detail": "euros"}, "unit_detail"),
        ],
    )
    def test_definitions_nobody_could_agree_on_are_refused(
        self, joint_project, lead, overrides, field
    ):
        with pytest.raises(ProjectActionError) as error:
            metric_define(
                project=joint_project,
                author=lead,
                owning_departments=joint_project.departments,
                **definition(**overrides),
            )
        assert field in error.value.message_dict
        assert not Metric.objects.exists()


class TestSignOff:
    def test_agreed_when_every_owning_department_signed(self, metric, lead, member):
        metric_sign_off(metric=metric, person=lead)
        metric.refresh_from_db()
        assert not metric.is_agreed
        metric_sign_off(metric=metric, person=member)
        metric.refresh_from_db()
        assert metric.is_agreed

    def test_a_department_signs_once_per_version(self, metric, joint_project, lead):
        colleague = MembershipFactory(
            project=joint_project, person__department=lead.department, department=lead.department
        )
        metric_sign_off(metric=metric, person=lead)
        with pytest.raises(ProjectActionError):
            metric_sign_off(metric=metric, person=colleague.person)

    def test_only_members_of_owning_departments_sign(self, metric, joint_project):
        outsider = MembershipFactory(project=joint_project).person
        with pytest.raises(ProjectActionError):
            metric_sign_off(metric=metric, person=outsider)


class TestNoMovingGoalposts:
    def test_changing_the_target_after_agreement_needs_a_reason(self, metric, lead, member):
        metric_sign_off(metric=metric, person=lead)
        metric_sign_off(metric=metric, person=member)
        with pytest.raises(ProjectActionError) as error:
            metric_update(metric=metric, actor=lead, target_value=Decimal("70"))
        assert "reason" in error.value.message_dict

        metric_update(
            metric=metric, actor=lead, target_value=Decimal("70"), reason="Budget was cut"
        )
        metric.refresh_from_db()
        assert metric.target_value == Decimal("70")
        assert not metric.is_agreed
        assert metric.version == 2
        change = MetricChange.objects.get(field="target_value")
        assert (change.old_value, change.new_value, change.reason, change.changed_by) == (
            "75.000000",
            "70",
            "Budget was cut",
            lead,
        )
        assert change.reopened_sign_off

    def test_renaming_a_draft_needs_no_reason(self, metric, lead):
        metric_update(metric=metric, actor=lead, name="FCR")
        metric.refresh_from_db()
        assert metric.name == "FCR"
        assert metric.version == 1


class TestCheckIns:
    def test_check_in_and_replace_the_same_day_keeping_history(self, metric, member):
        check_in(metric=metric, author=member, day=TODAY, value=Decimal("66"))
        check_in(metric=metric, author=member, day=TODAY, value=Decimal("67.5"), note="recount")
        entry = CheckIn.objects.get()
        assert entry.value == Decimal("67.5")
        assert MetricChange.objects.get(field=f"check-in {TODAY.isoformat()}").old_value == (
            "66.000000"
        )

    @pytest.mark.parametrize(
        ("day", "value", "field"),
        [
            (TODAY + datetime.timedelta(days=1), Decimal("66"), "day"),
            (TODAY, Decimal("101"), "value"),
            (TODAY, Decimal("-1"), "value"),
            (TODAY, Decimal("NaN"), "value"),
            (TODAY, Decimal("Infinity"), "value"),
        ],
    )
    def test_bad_check_ins_are_refused(self, metric, member, day, value, field):
        with pytest.raises(ProjectActionError) as error:
            check_in(metric=metric, author=member, day=day, value=value)
        assert field in error.value.message_dict
        assert not CheckIn.objects.exists()
