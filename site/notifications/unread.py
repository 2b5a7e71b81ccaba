"""The header's unread count, cached per person: every page shows it, and it changes only when
a notification arrives or is read, so most pages need no query for it."""

from django.core.cache import cache

from .models import Notification

# A safety net for changes made around the functions below (e.g. bulk edits in a shell).
CACHE_SECONDS = 300


def _key(user_id):
    return f"notifications:unread:{user_id}"


def unread_count(user):
    count = cache.get(_key(user.pk))
    if count is None:
        count = Notification.objects.for_user(user).unread().count()
        cache.set(_key(user.pk), count, CACHE_SECONDS)
    return count


def forget_unread_counts(user_ids):
    """Call after creating or reading notifications of these users."""
    cache.delete_many([_key(user_id) for user_id in user_ids])
