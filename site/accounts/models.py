import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone


def new_feed_key():
    return secrets.token_urlsafe(32)


class User(AbstractUser):
    """Our own user model from the first migration, so later needs (SSO ids, tokens) need no swap.

    A person's organisational profile (department, title, photo) lives on organisation.Person.
    """

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        ordering = ["first_name", "last_name", "username"]

    def __str__(self):
        return self.get_full_name() or self.username


class FeedToken(models.Model):
    """The secret in a person's feed addresses, so feed readers (which cannot log in) can
    read the wins the person may see. Regenerating it retires every old address at once."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="feed_token")
    key = models.CharField(max_length=64, unique=True, default=new_feed_key)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"Feed token of {self.user}"
