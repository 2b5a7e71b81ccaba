"""The comment form under a win (plain text; the service reads the @mentions)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import WinComment

MAX_COMMENT_LENGTH = WinComment._meta.get_field("text").max_length


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Your comment"),
        max_length=MAX_COMMENT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Mention someone with @first.last, or everyone in the project with @project."),
        error_messages={
            "required": _("Write something first."),
            "max_length": _("Keep it to %(limit_value)d characters: this one has %(show_value)d."),
        },
    )

    def __init__(self, *args, **kwargs):
        # The win page has other forms: ids of its own keep labels pointing at the right field.
        kwargs.setdefault("auto_id", "id_comment_%s")
        super().__init__(*args, **kwargs)
