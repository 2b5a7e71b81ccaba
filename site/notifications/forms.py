from django import forms
from django.utils.translation import gettext_lazy as _

from .models import EmailChoice, NotificationKind


class NotificationSettingsForm(forms.Form):
    """One choice per kind: immediately, in the daily digest, or not e-mailed at all; and
    whether the weekly digest is wanted."""

    weekly_digest = forms.BooleanField(
        label=_("Send me the weekly digest"),
        required=False,
        help_text=_(
            "Once a week: the wins in your projects and department, the status updates you "
            "owe and the retrospectives coming up. Not sent when there is nothing to tell."
        ),
    )

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

    def kind_fields(self):
        return [self[kind.value] for kind in NotificationKind]

    def choices(self):
        return {kind: EmailChoice(self.cleaned_data[kind.value]) for kind in NotificationKind}
