from django import forms
from django.utils.translation import gettext_lazy as _


class APITokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("What the token is for, so you recognise it later, e.g. “Team dashboard”."),
    )
