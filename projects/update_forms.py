"""The status update form. Its rules (dates, cadence) live in projects.update_services."""

from datetime import timedelta

from django import forms
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from .models import Health
from .update_services import latest_promise_allowed, suggested_next_update


class StatusUpdateForm(forms.Form):
    health = forms.ChoiceField(
        label=_("Overall status"),
        choices=Health.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how the project is doing overall.")},
    )
    what_happened = forms.CharField(
        label=_("What happened"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Since the last update: what was done, decided or learned."),
        error_messages={"required": _("Say what happened since the last update.")},
    )
    whats_next = forms.CharField(
        label=_("What's next"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The next steps, and who takes them. The next update reports on them."),
        error_messages={"required": _("Say what comes next, so everyone knows what to expect.")},
    )
    next_update_due = forms.DateField(
        label=_("Next update by"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _("Promise a date for the next update.")},
    )

    def __init__(self, *args, project, today, previous=None, **kwargs):
        """`previous`: the latest update, whose health is the likeliest answer again."""
        kwargs.setdefault(
            "initial",
            {
                "next_update_due": suggested_next_update(project, today),
                "health": previous.health if previous else None,
            },
        )
        super().__init__(*args, **kwargs)
        date_input = self.fields["next_update_due"].widget
        # The browser's date picker offers only the dates the service accepts.
        date_input.attrs["min"] = (today + timedelta(days=1)).isoformat()
        latest = latest_promise_allowed(project, today)
        if latest is not None:
            date_input.attrs["max"] = latest.isoformat()
            self.fields["next_update_due"].help_text = _(
                "A promise: you are reminded before it falls due. Your cadence is %(cadence)s, "
                "so %(date)s at the latest."
            ) % {
                "cadence": project.get_update_cadence_display().lower(),
                "date": formats.date_format(latest),
            }
        else:
            self.fields["next_update_due"].help_text = _(
                "A promise to the team. This project has no regular cadence, so choose any date."
            )
