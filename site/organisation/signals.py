"""Keep the search index in step when a name changes on the user rather than on the person."""

from django.contrib.auth import get_user_model
from django.db.models.signals import post_save
from django.dispatch import receiver
from wagtail.search.index import insert_or_update_object


@receiver(post_save, sender=get_user_model())
def reindex_person_on_user_change(sender, instance, created, raw=False, **kwargs):
    if raw or created:
        return
    person = getattr(instance, "person", None)
    if person is not None:
        insert_or_update_object(person)
