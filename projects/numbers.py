"""Numbers as people type them in metric check-ins, in English or Finnish.

`parse_decimal` reads "1,234.5" in English and "1 234,5" in Finnish, and refuses
anything it would have to guess at, so a typo never becomes a plausible wrong number.
`format_decimal` writes numbers back the same way, so what we show can be typed back in.
"""

import functools
import re
from decimal import ROUND_HALF_UP, Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import get_format
from django.utils.translation import gettext_lazy as _

MAX_WHOLE_DIGITS = 15
MAX_DECIMAL_PLACES = 6
# Both of our languages group thousands by three (Django's NUMBER_GROUPING is 3 for each).
GROUP_SIZE = 3
# Finnish formats use a no-break space; people also type a plain space, and pasted text
# often has the narrow no-break space.
SPACE_SEPARATORS = frozenset(" \u00a0\u202f")
NOT_FINITE = frozenset({"nan", "snan", "inf", "infinity", "∞"})

MESSAGES = {
    "empty": _("Enter a number such as %(example)s."),
    "not_a_number": _("Enter a number such as %(example)s."),
    "not_finite": _("Enter a finite number such as %(example)s."),
    "ambiguous": _("“%(value)s” could be read in two ways. Did you mean %(suggestion)s?"),
    "grouping": _("Thousands separators go between groups of three digits, as in %(example)s."),
    "too_long": _(
        "Enter at most %(whole_digits)s digits before the decimal separator "
        "and %(places)s after it."
    ),
}


def parse_decimal(text: str, *, language: str | None = None) -> Decimal:
    """Read a number typed in `language` (default: the active language).

    Raises ValidationError (codes: empty, not_a_number, not_finite, ambiguous, grouping,
    too_long) with a message showing how to write the number in that language.
    """
    decimal_separator = get_format("DECIMAL_SEPARATOR", lang=language)
    thousand_separator = get_format("THOUSAND_SEPARATOR", lang=language)
    group_separators = (
        SPACE_SEPARATORS if thousand_separator.isspace() else frozenset(thousand_separator)
    )
    example = format_decimal(Decimal("3.5"), language=language)

    def refuse(code, **params):
        raise ValidationError(MESSAGES[code], code=code, params={"example": example, **params})

    # The unit (%, €, …) is known from the metric, so a trailing % sign is only decoration.
    text = text.strip().removesuffix("%").strip().replace("\u2212", "-")
    if not text:
        refuse("empty")
    if text.lstrip("+-").lower() in NOT_FINITE:
        refuse("not_finite")

    readings = [(decimal_separator, group_separators)]
    if decimal_separator != "." and "." not in group_separators:
        # Numbers pasted from English sources keep their decimal point; where the dot is
        # never a thousands separator, it can only mean that.
        readings.append((".", group_separators))
    for reading in readings:
        if match := _pattern(*reading).fullmatch(text):
            return _to_decimal(match, reading[1], refuse)

    # Written the other way round ("3,5" in English, "1.234,5" in Finnish), the number means
    # something else here: ask rather than guess.
    for other_reading in [(",", frozenset(".")), (".", frozenset(","))]:
        if other_reading in readings:
            continue
        if match := _pattern(*other_reading).fullmatch(text):
            meant = _to_decimal(match, other_reading[1], refuse)
            refuse("ambiguous", value=text, suggestion=format_decimal(meant, language=language))

    if _pattern(decimal_separator, group_separators, strict_groups=False).fullmatch(text):
        grouped_example = format_decimal(Decimal("1234.5"), language=language)
        refuse("grouping", example=grouped_example)
    refuse("not_a_number")


@functools.cache
def _pattern(decimal_separator, group_separators, *, strict_groups=True):
    """A regex for one way of writing numbers: a sign, whole digits, a fraction."""
    separator = "[" + "".join(map(re.escape, sorted(group_separators))) + "]"
    if strict_groups:
        grouped = rf"[0-9]{{1,{GROUP_SIZE}}}(?:{separator}[0-9]{{{GROUP_SIZE}}})+"
    else:
        grouped = rf"[0-9]+(?:{separator}[0-9]+)+"
    return re.compile(
        rf"(?P<sign>[+-]?)(?P<whole>{grouped}|[0-9]*)"
        rf"(?:{re.escape(decimal_separator)}(?P<fraction>[0-9]*))?"
    )


def _to_decimal(match, group_separators, refuse):
    whole = "".join(c for c in match["whole"] if c not in group_separators)
    fraction = match["fraction"] or ""
    if not whole and not fraction:  # a lone sign or separator
        refuse("not_a_number")
    if len(whole.lstrip("0")) > MAX_WHOLE_DIGITS or len(fraction) > MAX_DECIMAL_PLACES:
        refuse("too_long", whole_digits=MAX_WHOLE_DIGITS, places=MAX_DECIMAL_PLACES)
    digits = f"{whole or '0'}.{fraction}" if fraction else whole  # "5." reads as 5
    value = Decimal(match["sign"] + digits)
    return abs(value) if value.is_zero() else value  # nobody means "-0"


def format_decimal(
    value: Decimal | int | float, *, language: str | None = None, places: int | None = None
) -> str:
    """Write `value` for people reading `language` (default: the active language).

    Thousands are grouped (Finnish with no-break spaces). Without `places`, only the
    digits needed are shown (1.50 → "1.5"); with it, the value is rounded half up.
    """
    value = Decimal(str(value))  # via str, so that 0.1 (a float) shows as 0.1
    if not value.is_finite():
        raise ValueError(f"Cannot format {value} as a number people can read.")
    if places is not None:
        value = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if value.is_zero():
        value = abs(value)
    digits = f"{abs(value):f}"
    if places is None and "." in digits:
        digits = digits.rstrip("0").rstrip(".")
    whole, _point, fraction = digits.partition(".")

    first_group = len(whole) % GROUP_SIZE or GROUP_SIZE
    groups = [whole[:first_group]] + [
        whole[start : start + GROUP_SIZE] for start in range(first_group, len(whole), GROUP_SIZE)
    ]
    text = get_format("THOUSAND_SEPARATOR", lang=language).join(groups)
    if fraction:
        text += get_format("DECIMAL_SEPARATOR", lang=language) + fraction
    return f"-{text}" if value < 0 else text


class LocalizedDecimalField(forms.CharField):
    """A text input for a number, read and shown in the active language.

    Unlike forms.DecimalField, it accepts "1 234,5" in Finnish and refuses "3,5" in
    English instead of misreading it. Cleans to a Decimal, or None when left empty.
    """

    default_error_messages = {
        "min_value": _("Must be at least %(limit)s."),
        "max_value": _("Must be at most %(limit)s."),
    }

    def __init__(self, *, min_value=None, max_value=None, **kwargs):
        self.min_value = min_value
        self.max_value = max_value
        super().__init__(**kwargs)

    def to_python(self, value):
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        return parse_decimal(text)

    def validate(self, value):
        super().validate(value)
        if value is None:
            return
        if self.min_value is not None and value < self.min_value:
            self._refuse_limit("min_value", self.min_value)
        if self.max_value is not None and value > self.max_value:
            self._refuse_limit("max_value", self.max_value)

    def _refuse_limit(self, code, limit):
        raise ValidationError(
            self.error_messages[code], code=code, params={"limit": format_decimal(limit)}
        )

    def prepare_value(self, value):
        # Bound forms pass the raw text through here: only numbers are formatted, so a
        # re-displayed form shows exactly what the person typed.
        if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
            return format_decimal(value)
        return value
