"""The unread count in the header, counted only if a template shows it."""

from django.utils.functional import cached_property

from .unread import unread_count


class UnreadNotifications:
    """`{{ unread_notifications.count }}` is looked up the first time a template reads it
    (from the cache, or one query), never when the page doesn't (e-mails, error pages)."""

    def __init__(self, user):
        self.user = user

    @cached_property
    def count(self):
        if self.user is None or not self.user.is_authenticated:
            return 0
        return unread_count(self.user)


def unread_notifications(request):
    # Error pages may render before the authentication middleware ran: no user, no count.
    return {"unread_notifications": UnreadNotifications(getattr(request, "user", None))}
