import pytest
from django.utils import translation

from notifications.models import NotificationKind
from tests.factories import ProjectPageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(project_index):
    return ProjectPageFactory(parent=project_index, title="Faster answers")


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"kind": NotificationKind.CREDITED}, "Maria Nieminen credited you in “Churn halved”"),
        (
            {"kind": NotificationKind.MENTIONED, "subject": "Well done @anna"},
            "Maria Nieminen mentioned you: “Well done @anna”",
        ),
        (
            {
                "kind": NotificationKind.COMMITMENT_DUE,
                "subject": "Pilot",
                "key": "commitment:12:due:2026-11-30",
            },
            "Your commitment “Pilot” is due on Nov. 30, 2026",
        ),
        (
            {"kind": NotificationKind.COMMITMENT_DUE, "subject": "Pilot"},
            "Your commitment “Pilot” is due soon",
        ),
        (
            {"kind": NotificationKind.UPDATE_DUE, "subject": "Faster answers"},
            "Your status update for Faster answers is due soon",
        ),
        (
            {"kind": NotificationKind.OVERDUE, "subject": "Pilot", "key": "commitment:12:late"},
            "“Pilot” in Faster answers is overdue",
        ),
        (
            {"kind": NotificationKind.OVERDUE, "subject": "Faster answers", "key": "update:3"},
            "The status update for Faster answers is overdue",
        ),
        (
            {"kind": NotificationKind.WEBHOOK_FAILED, "subject": "Team chat"},
            "Chat webhook “Team chat” of Faster answers keeps failing",
        ),
        (
            {"kind": NotificationKind.CREDITED, "actor": None},
            "Someone credited you in “Churn halved”",
        ),
    ],
)
def test_message_is_built_from_kind_actor_subject_and_project(
    make_notification, project, fields, expected
):
    notification = make_notification(project=project, **fields)

    with translation.override("en"):
        assert notification.message == expected


def test_a_malformed_date_in_the_key_says_soon(make_notification):
    notification = make_notification(
        kind=NotificationKind.COMMITMENT_DUE, subject="Pilot", key="commitment:1:due:2026-02-31"
    )

    # 31 February does not exist: no crash, no made-up date.
    assert notification.message == "Your commitment “Pilot” is due soon"
