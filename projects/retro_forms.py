"""Forms of the retrospective board: adding and correcting an item."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import RetroColumn, RetroItem

MAX_ITEM_LENGTH = RetroItem._meta.get_field("text").max_length

ITEM_TEXT_ERRORS = {
    "required": _("Write something first."),
    "max_length": _("Keep it to %(limit_value)d characters: this one has %(show_value)d."),
}


def _item_text_field(label):
    return forms.CharField(
        label=label,
        max_length=MAX_ITEM_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages=ITEM_TEXT_ERRORS,
    )


class RetroItemForm(forms.Form):
    """One column's "add an item" form. Every column has its own on the board, so each gets
    ids of its own (`key`) and labels keep pointing at the right field."""

    column = forms.ModelChoiceField(
        queryset=RetroColumn.objects.none(),
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Choose one of this board's columns."),
            "invalid_choice": _("Choose one of this board's columns."),
        },
    )
    text = _item_text_field(_("Your item"))
    anonymous = forms.BooleanField(
        label=_("Post anonymously"),
        required=False,
        help_text=_(
            "Nobody, not even administrators, can see who wrote it. Your name is stored "
            "nowhere, so you cannot edit or delete it afterwards."
        ),
    )

    def __init__(self, *args, retro, key, **kwargs):
        kwargs.setdefault("auto_id", f"id_item_{key}_%s")
        super().__init__(*args, **kwargs)
        self.fields["column"].queryset = RetroColumn.objects.filter(retrospective=retro)


class RetroItemEditForm(forms.Form):
    """Correcting one of your own items while the board is still collecting."""

    text = _item_text_field(_("Text"))

    def __init__(self, *args, item, **kwargs):
        kwargs.setdefault("auto_id", f"id_edit_{item.pk}_%s")
        kwargs.setdefault("initial", {"text": item.text})
        super().__init__(*args, **kwargs)
