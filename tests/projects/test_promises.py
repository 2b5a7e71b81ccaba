"""Promises kept: a commitment's timeliness, the record of a project and of the organisation."""

import datetime

import pytest
from django.utils import timezone

from projects.models import Commitment, PromiseRecord, Timeliness, Visibility
from projects.update_selectors import PromiseSummary, commitment_promises
from tests.factories import CommitmentFactory, PersonFactory, ProjectPageFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def day(n):
    return TODAY + datetime.timedelta(days=n)


def delivered(project, *, due, on):
    return CommitmentFactory(project=project, due_date=day(due), delivered_on=day(on))


class TestTimeliness:
    @pytest.mark.parametrize(
        ("due", "on", "timeliness", "days_late", "days_early"),
        [
            (-5, -8, Timeliness.EARLY, -3, 3),
            (-5, -5, Timeliness.ON_TIME, 0, 0),
            (-5, -1, Timeliness.LATE, 4, -4),
        ],
    )
    def test_delivered(self, joint_project, due, on, timeliness, days_late, days_early):
        commitment = delivered(joint_project, due=due, on=on)
        assert commitment.timeliness == timeliness
        assert commitment.days_late == days_late
        assert commitment.days_early == days_early

    def test_open_commitments_have_none(self, joint_project):
        commitment = CommitmentFactory(project=joint_project, due_date=day(3))
        assert commitment.timeliness is None
        assert commitment.days_late is None
        assert commitment.days_early is None


class TestPromiseRecord:
    def test_hand_computed(self, joint_project):
        # Early by 3, on time, early by 1, late by 2, early by 4 (open ones do not count):
        # kept 4 of 5 = 80 %; lateness -3, 0, -1, +2, -4 = -6 / 5 = 1.2 days early.
        for due, on in [(-10, -13), (-5, -5), (-4, -5), (-6, -4), (-2, -6)]:
            delivered(joint_project, due=due, on=on)
        CommitmentFactory(project=joint_project, due_date=day(-1))  # open and overdue
        CommitmentFactory(project=joint_project, due_date=day(5))  # open
        record = Commitment.objects.filter(project=joint_project).promise_record()
        assert (record.delivered, record.kept, record.kept_percent) == (5, 4, 80)
        assert record.average_days_late == pytest.approx(-1.2)
        assert record.average_days_early == pytest.approx(1.2)
        summary = commitment_promises(joint_project.commitments.all())
        assert (summary.lean, summary.days, summary.days_plural) == ("early", 1.2, 2)

    def test_late_on_average(self, joint_project):
        delivered(joint_project, due=-10, on=-9)  # late by 1
        delivered(joint_project, due=-10, on=-10)  # on time
        delivered(joint_project, due=-10, on=-8)  # late by 2
        summary = commitment_promises(joint_project.commitments.all())
        assert (summary.kept, summary.delivered, summary.percent) == (1, 3, 33)
        assert (summary.lean, summary.days) == ("late", 1.0)
        assert summary.days_plural == 1

    def test_nothing_delivered(self, joint_project):
        CommitmentFactory(project=joint_project)
        summary = commitment_promises(joint_project.commitments.all())
        assert summary.delivered == 0
        assert summary.percent is None
        assert summary.lean is None

    def test_exactly_on_time_on_average(self):
        summary = PromiseSummary(PromiseRecord(delivered=2, kept=1, average_days_late=0.0))
        assert summary.lean == "on_time"

    def test_one_query(self, joint_project, django_assert_num_queries):
        delivered(joint_project, due=-3, on=-3)
        with django_assert_num_queries(1):
            commitment_promises(joint_project.commitments.all())


class TestShown:
    def test_on_the_project_page(self, client, joint_project, member):
        for due, on in [(-10, -13), (-5, -5), (-4, -5), (-6, -4), (-2, -6)]:
            delivered(joint_project, due=due, on=on)
        client.force_login(member.user)
        html = client.get(joint_project.url).content.decode()
        assert "Promises kept" in html
        assert "4 of 5 (80%)" in html
        assert "on average 1.2 days early" in html
        # In the status panel and at the top of the commitments.
        assert html.count("4 of 5 (80%)") == 2

    def test_empty_record_on_the_project_page(self, client, joint_project, member):
        client.force_login(member.user)
        assert "nothing delivered yet" in client.get(joint_project.url).content.decode()

    def test_organisation_figure_on_the_index_counts_visible_projects(
        self, client, joint_project, project_index
    ):
        delivered(joint_project, due=-4, on=-4)  # on time
        other = ProjectPageFactory(parent=project_index)
        delivered(other, due=-4, on=-2)  # late by 2
        hidden = ProjectPageFactory(parent=project_index, visibility=Visibility.MEMBERS)
        delivered(hidden, due=-4, on=-1)  # late, but not the viewer's business
        client.force_login(PersonFactory().user)
        html = client.get("/projects/").content.decode()
        assert "Promises kept across the organisation" in html
        assert "1 of 2 (50%)" in html
        assert "on average 1 day late" in html

    def test_organisation_figure_ignores_the_filters(self, client, joint_project, project_index):
        delivered(joint_project, due=-4, on=-5)
        client.force_login(PersonFactory().user)
        html = client.get("/projects/", {"q": "no such project"}).content.decode()
        assert "1 of 1 (100%)" in html
