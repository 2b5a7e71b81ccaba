from django import template
from django.utils.html import escape, format_html, linebreaks
from django.utils.safestring import mark_safe

from ..win_services import MENTION, PROJECT_MENTION

register = template.Library()


def _mention(name, people):
    person = people.get(name.lower())
    if person is not None:
        return format_html(
            '<a class="mention" href="{}" title="{}">@{}</a>',
            person.get_absolute_url(),
            person.full_name,
            name,
        )
    if name.lower() == PROJECT_MENTION:
        return format_html('<span class="mention mention--project">@{}</span>', name)
    return escape(f"@{name}")


@register.filter(is_safe=False)
def mentions(text, people=None):
    """A plain-text comment as HTML: everything escaped, paragraphs and line breaks kept,
    @first.last linked to that person's page (`people`: {user name: Person}) and @project
    highlighted. Unknown @names stay plain text."""
    people = people or {}
    parts, position = [], 0
    for match in MENTION.finditer(text):
        parts.append(escape(text[position : match.start()]))
        parts.append(_mention(match.group(1), people))
        position = match.end()
    parts.append(escape(text[position:]))
    # Every piece was escaped or built by format_html; linebreaks only adds <p> and <br>.
    return mark_safe(linebreaks("".join(parts)))  # noqa: S308 - escaped above  # nosec B308, B703
