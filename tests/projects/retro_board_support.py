"""Fixtures shared by the board's tests (test_retro_board.py, test_retro_phase_rules.py).

The cast, around the joint project of tests/conftest.py (lead from Sales, member from Support):
a facilitator who is a sponsor, not a lead (from Finance) so facilitating and leading are tested
apart, a viewer from the organisation with no membership, and an outsider for members-only
projects. Items are put on the board with the services, as people would.
"""

import pytest
from django.urls import reverse
from django.utils import timezone

from projects.models import RetroFormat, RetroPhase, Retrospective, Role
from projects.retro_services import item_add, retro_create
from tests.factories import DepartmentFactory, MembershipFactory, PersonFactory


def board_url(retro, name="projects:retro", **kwargs):
    return reverse(name, kwargs={"retro_id": retro.pk, **kwargs})


def set_phase(retro, phase):
    """Jump to a phase directly (moving through them is tested on its own)."""
    Retrospective.objects.filter(pk=retro.pk).update(phase=phase)
    retro.refresh_from_db()
    return retro


def add(retro, person, text, *, column=0, anonymous=False):
    """An item added while collecting, whatever phase the board is in now."""
    phase = retro.phase
    set_phase(retro, RetroPhase.COLLECT)
    item = item_add(
        retro=retro,
        person=person,
        column=list(retro.columns.all())[column],
        text=text,
        anonymous=anonymous,
    )
    set_phase(retro, phase)
    return item


@pytest.fixture
def facilitator(joint_project):
    finance = DepartmentFactory(name="Finance")
    person = PersonFactory(user__username="fay", user__first_name="Fay", department=finance)
    MembershipFactory(project=joint_project, person=person, role=Role.SPONSOR)
    return person


@pytest.fixture
def viewer(joint_project):
    """Someone of the organisation who belongs to no project."""
    return PersonFactory(user__username="vic", user__first_name="Vic")


@pytest.fixture
def board(joint_project, facilitator, lead):
    """A "Went well / To improve / Actions" retrospective, collecting, facilitated by the
    sponsor."""
    return retro_create(
        projects=[joint_project],
        facilitator=facilitator,
        created_by=lead,
        retro_format=RetroFormat.objects.get(name="Went well / To improve / Actions"),
        title="Sprint 12 retrospective",
        held_on=timezone.localdate(),
        skip_review=True,
    )
