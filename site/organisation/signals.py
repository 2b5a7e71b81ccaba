"""Keep the search index in step when a name changes on the user rather than on the person."""

from django.contrib.auth import get_user_model
from django.db.models.signals import post_save
from django.dispatch import receiver
from wagtail.search.index import insert_or_update_object

# Only these user fields are indexed with the person; logins save last_login and need nothing.
INDEXED_USER_FIELDS = {"first_name", "last_name"}


@receiver(post_save, sender=get_user_model())
def reindex_person_on_user_change(
    sender, instance, created, raw=False, update_fields=None, **kwargs
):
    if raw or created:
        return
    if update_fields is not None and not INDEXED_USER_FIELDS & set(update_fields):
        return
    person = getattr(instance, "person", None)
    if person is not None:
        insert_or_update_object(person)
