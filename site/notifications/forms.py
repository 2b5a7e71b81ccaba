from django import forms
from django.utils.translation import gettext_lazy as _

from .models import EmailChoice, NotificationKind


class NotificationSettingsForm(forms.Form):
    """One choice per kind: immediately, in the daily digest, or not e-mailed at all."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in NotificationKind:
            self.fields[kind.value] = forms.ChoiceField(
                label=kind.label,
                choices=EmailChoice.choices,
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("Choose how you want this e-mailed."),
                    "invalid_choice": _("Choose immediately, in a daily digest, or off."),
                },
            )

    def choices(self):
        return {
            NotificationKind(kind): EmailChoice(choice)
            for kind, choice in self.cleaned_data.items()
        }
