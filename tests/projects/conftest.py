import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from projects.metric_services import metric_define


@pytest.fixture
def metric(joint_project, lead):
    """A draft percentage metric owned by both departments of the joint project."""
    today = timezone.localdate()
    return metric_define(
        project=joint_project,
        author=lead,
        owning_departments=joint_project.departments,
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


@pytest.fixture
def retro(joint_project, lead):
    """A retrospective of the joint project in the collect phase, facilitated by the lead."""
    from projects.models import RetroFormat
    from projects.retro_services import retro_create

    return retro_create(
        projects=[joint_project],
        facilitator=lead,
        created_by=lead,
        retro_format=RetroFormat.objects.get(name="Went well / To improve / Actions"),
        title="Sprint 12 retrospective",
        held_on=timezone.localdate(),
        skip_review=True,
    )
