import re

from django import template
from django.utils.html import escape, format_html

register = template.Library()


@register.filter
def highlight(text, query):
    """`text` escaped, with the words of `query` marked (<mark>), case-insensitively."""
    words = sorted({word for word in re.findall(r"\w+", query or "") if len(word) > 1}, key=len)
    text = str(text)
    if not words:
        return escape(text)
    # Longest first, so "customers" is marked whole rather than as "customer" + "s".
    pattern = re.compile("(" + "|".join(re.escape(w) for w in reversed(words)) + ")", re.I)
    parts = pattern.split(text)
    # split() with one group alternates: text, match, text, match, …
    marked = escape("")
    for n, part in enumerate(parts):
        marked += format_html("<mark>{}</mark>", part) if n % 2 else escape(part)
    return marked
