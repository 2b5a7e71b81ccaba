from decimal import Decimal, InvalidOperation

from django import template

from ..numbers import format_decimal

register = template.Library()


@register.filter
def number(value):
    """A stored number as people write it here: "74.1" or "74,1", no trailing zeros.

    History rows keep values as text; anything that is not a number is shown as it is.
    """
    if value in (None, ""):
        return "—"
    try:
        return format_decimal(Decimal(str(value)))
    except (InvalidOperation, ValueError):
        return value
