"""Forms for posting and editing wins, and the plain-text story they are written in.

The story is a Wagtail RichTextField, but the front end carries none of Wagtail's admin
JavaScript, so Draftail cannot run here. People write in a plain <textarea> instead: blank
lines make paragraphs, single line breaks stay, and web addresses become links. We turn that
into the small HTML subset a RichTextField stores (<p>, <br> and <a href>), escaping
everything else, so `|richtext` shows it exactly like a story written in the admin.
"""

import html
import re

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape, strip_tags
from django.utils.translation import gettext_lazy as _
from wagtail.images.fields import WagtailImageField

from organisation.models import Person

from .metric_selectors import unit_label
from .models import CheckIn, ProjectPage
from .numbers import format_decimal

WEB_ADDRESS = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)
# Punctuation that ends a sentence rather than an address: "see https://x.org/a."
TRAILING_PUNCTUATION = ".,;:!?)]}'\""
PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _linked(line):
    """One line of text, escaped, with its web addresses as links."""
    parts, position = [], 0
    for match in WEB_ADDRESS.finditer(line):
        address = match.group(0)
        stripped = address.rstrip(TRAILING_PUNCTUATION)
        parts.append(escape(line[position : match.start()]))
        parts.append(f'<a href="{escape(stripped)}">{escape(stripped)}</a>')
        position = match.start() + len(stripped)
    parts.append(escape(line[position:]))
    return "".join(parts)


def story_to_html(text):
    """Plain text as rich-text HTML: paragraphs, line breaks and links, nothing else."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    paragraphs = [p.strip() for p in PARAGRAPH_BREAK.split(text) if p.strip()]
    return "".join(
        "<p>" + "<br/>".join(_linked(line.strip()) for line in p.split("\n")) + "</p>"
        for p in paragraphs
    )


LINK = re.compile(r"<a\b[^>]*?href=\"([^\"]*)\"[^>]*>(.*?)</a>", re.IGNORECASE | re.DOTALL)


def story_to_text(story_html):
    """A stored story back as the text people edit (the reverse of story_to_html).

    Formatting added in the Wagtail admin (bold, lists) cannot be typed here; the edit form
    keeps the stored HTML untouched unless the story text itself was changed.
    """

    def link_text(match):
        # Still escaped here: the whole text is unescaped once, at the end.
        address, label = match.group(1), strip_tags(match.group(2))
        same = html.unescape(label) == html.unescape(address)
        return address if same else f"{label} ({address})"

    text = LINK.sub(link_text, story_html or "")
    text = re.sub(r"<br\s*/?>", "\n", text, flags=re.IGNORECASE)
    text = re.sub(r"<li[^>]*>", "- ", text, flags=re.IGNORECASE)
    text = re.sub(r"</(p|li|ul|ol|h\d)>", "\n\n", text, flags=re.IGNORECASE)
    text = html.unescape(strip_tags(text))
    text = re.sub(r"\n{3,}", "\n\n", re.sub(r"[ \t]+\n", "\n", text))
    return text.strip()


def check_in_label(check_in):
    """ "First-contact resolution — 12 March 2026: 72 %" """
    metric = check_in.metric
    unit = unit_label(metric)
    value = format_decimal(check_in.value) + (f" {unit}" if unit else "")
    return f"{metric.name} — {date_format(check_in.day)}: {value}"


class PeopleByUserName(forms.CharField):
    """Colleagues typed by user name (the datalist offers them), separated by commas."""

    def clean(self, value):
        value = super().clean(value)
        names = [name.strip().lower() for name in value.split(",") if name.strip()]
        if not names:
            return []
        found = {
            person.user.username.lower(): person
            for person in Person.objects.active()
            .filter(user__username__in=names)
            .select_related("user", "department")
        }
        if missing := [name for name in names if name not in found]:
            raise forms.ValidationError(
                _("Nobody in the directory has the user name %(names)s. Pick people from the list.")
                % {"names": ", ".join(missing)}
            )
        return [found[name] for name in dict.fromkeys(names)]


class WinForm(forms.Form):
    """The fields a win is posted and edited with (the projects come on top when posting).

    `projects` are the win's projects: their members are offered to credit, their metrics'
    check-ins to show the win with.
    """

    title = forms.CharField(
        label=_("What did you achieve?"),
        max_length=140,
        help_text=_("One line, e.g. “First-contact resolution passed 70 %”."),
    )
    story = forms.CharField(
        label=_("The story"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "How it happened and who helped. Leave a blank line between paragraphs; "
            "web addresses become links."
        ),
    )
    day = forms.DateField(label=_("When"), widget=DATE_INPUT)
    credited = forms.ModelMultipleChoiceField(
        label=_("Who made it happen"),
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    also_credit = PeopleByUserName(
        label=_("Someone else in the organisation"),
        required=False,
        max_length=1000,
        help_text=_("Start typing a name and pick it; separate several people with commas."),
    )
    check_in = forms.ModelChoiceField(
        label=_("The check-in that shows it"),
        queryset=CheckIn.objects.none(),
        required=False,
        empty_label=_("No check-in"),
        help_text=_("A measurement of one of the project's metrics, e.g. the jump you made."),
    )
    image = WagtailImageField(label=_("A picture"), required=False)

    def __init__(self, *args, projects, **kwargs):
        super().__init__(*args, **kwargs)
        project_ids = [project.pk for project in projects]
        self.members = list(
            Person.objects.active()
            .filter(memberships__project__in=project_ids)
            .distinct()
            .select_related("user", "department")
            .order_by("department__name", "user__first_name", "user__last_name", "pk")
        )
        self.fields["credited"].queryset = Person.objects.active().filter(
            pk__in=[person.pk for person in self.members]
        )
        self.fields["credited"].choices = [(person.pk, person.full_name) for person in self.members]
        check_ins = (
            CheckIn.objects.filter(metric__project__in=project_ids)
            .select_related("metric")
            .order_by("-day", "-pk")
        )
        self.fields["check_in"].queryset = check_ins
        self.fields["check_in"].label_from_instance = check_in_label
        self.fields["day"].widget.attrs["max"] = timezone.localdate().isoformat()

    @property
    def credit_groups(self):
        """[(department, [checkbox, ...]), ...]: the members to credit, by department."""
        boxes = {str(box.data["value"]): box for box in self["credited"]}
        groups = {}
        for person in self.members:
            groups.setdefault(person.department, []).append(boxes[str(person.pk)])
        return list(groups.items())

    @property
    def directory(self):
        """Everyone else who can be credited, for the "someone else" datalist."""
        members = [person.pk for person in self.members]
        return (
            Person.objects.active()
            .exclude(pk__in=members)
            .select_related("user", "department")
            .order_by("user__first_name", "user__last_name", "pk")
        )

    def clean_day(self):
        day = self.cleaned_data["day"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("A win cannot happen in the future."))
        return day

    def clean(self):
        data = super().clean()
        people = list(data.get("credited") or []) + list(data.get("also_credit") or [])
        data["credited_people"] = list(dict.fromkeys(people))
        if not data["credited_people"] and not self.has_error("also_credit"):
            self.add_error("credited", _("Credit at least one person."))
        return data

    def story_html(self):
        return story_to_html(self.cleaned_data["story"])

    def win_fields(self):
        """The cleaned win, as the keyword arguments posting and editing services take."""
        data = self.cleaned_data
        return {
            "title": data["title"],
            "story": self.story_html(),
            "day": data["day"],
            "credited": data["credited_people"],
            "check_in": data["check_in"],
            "upload": data["image"],
        }


class PostWinForm(WinForm):
    also_share_with = forms.ModelMultipleChoiceField(
        label=_("Also share with"),
        queryset=ProjectPage.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Other projects of yours this win belongs to: one win, shown in each."),
    )

    field_order = ["title", "story", "day", "credited", "also_credit", "also_share_with"]

    def __init__(self, *args, project, poster, **kwargs):
        kwargs.setdefault(
            "initial", {"day": timezone.localdate(), "credited": [poster.pk] if poster else []}
        )
        super().__init__(*args, projects=[project], **kwargs)
        self.fields["also_share_with"].queryset = (
            ProjectPage.objects.live()
            .filter(memberships__person=poster)
            .exclude(pk=project.pk)
            .order_by("title")
        )


class EditWinForm(WinForm):
    remove_image = forms.BooleanField(label=_("Remove the picture"), required=False)

    def __init__(self, *args, win, **kwargs):
        credited = [credit.person for credit in win.credits.all()]
        projects = list(win.projects.all())
        super().__init__(*args, projects=projects, initial={}, **kwargs)
        members = {person.pk for person in self.members}
        self.initial = {
            "title": win.title,
            "story": story_to_text(win.story),
            "day": win.day,
            "credited": [person.pk for person in credited if person.pk in members],
            "also_credit": ", ".join(
                person.user.username for person in credited if person.pk not in members
            ),
            "check_in": win.check_in_id,
        }
        self.win = win

    def story_html(self):
        # Unchanged text keeps the stored HTML, with any formatting added in the admin.
        if "story" not in self.changed_data:
            return self.win.story
        return super().story_html()
