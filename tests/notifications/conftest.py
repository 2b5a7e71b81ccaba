import datetime

import pytest
from django.utils import timezone

from notifications.models import EmailState, Notification, NotificationKind
from tests.factories import PersonFactory


@pytest.fixture
def maria(db):
    return PersonFactory(
        user__username="maria.nieminen", user__first_name="Maria", user__last_name="Nieminen"
    )


@pytest.fixture
def make_notification(person, maria):
    """A notification for Anna (the `person` fixture) from Maria, stored as given."""

    def make(**fields):
        values = {
            "recipient": person.user,
            "kind": NotificationKind.CREDITED,
            "actor": maria,
            "subject": "Churn halved",
            "url": "/wins/1/",
            "email_state": EmailState.NOT_EMAILED,
        }
        values.update(fields)
        return Notification.objects.create(**values)

    return make


def days_ago(days):
    return timezone.now() - datetime.timedelta(days=days)
