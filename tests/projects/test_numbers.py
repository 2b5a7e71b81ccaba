from decimal import ROUND_HALF_UP, Decimal

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from projects.numbers import LocalizedDecimalField, format_decimal, parse_decimal

NBSP = "\u00a0"
NARROW_NBSP = "\u202f"
MINUS_SIGN = "\u2212"


def refusal(text, language=None):
    """The ValidationError that parse_decimal raises for `text`."""
    with pytest.raises(ValidationError) as caught:
        parse_decimal(text, language=language)
    return caught.value


# --- English ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3.5", "3.5"),
        ("-3.5", "-3.5"),
        ("1,234.5", "1234.5"),
        ("1,234,567", "1234567"),
        ("1234", "1234"),
        ("  12 ", "12"),
        ("+4", "4"),
        ("72%", "72"),
        ("72 %", "72"),
        (".5", "0.5"),
        ("5.", "5"),
        (f"{MINUS_SIGN}3.5", "-3.5"),
        ("-0", "0"),
        ("0001.5", "1.5"),
        ("999999999999999.999999", "999999999999999.999999"),
    ],
)
def test_english_accepts(text, expected):
    assert parse_decimal(text, language="en") == Decimal(expected)


def test_active_language_is_the_default():
    with translation.override("en"):
        assert parse_decimal("1,234.5") == Decimal("1234.5")
    with translation.override("fi"):
        assert parse_decimal("1 234,5") == Decimal("1234.5")


def test_negative_zero_reads_as_zero():
    assert str(parse_decimal("-0.0", language="en")) == "0.0"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("%", "empty"),
        ("NaN", "not_finite"),
        ("nan", "not_finite"),
        ("inf", "not_finite"),
        ("-inf", "not_finite"),
        ("Infinity", "not_finite"),
        ("1e5", "not_a_number"),
        ("1E5", "not_a_number"),
        ("abc", "not_a_number"),
        ("12a", "not_a_number"),
        ("1.2.3", "not_a_number"),
        ("-", "not_a_number"),
        ("+", "not_a_number"),
        (".", "not_a_number"),
        ("- 3", "not_a_number"),
        ("3-", "not_a_number"),
        ("1 234.5", "not_a_number"),
        ("٣", "not_a_number"),  # only ASCII digits, though str.isdigit() says otherwise
        ("²", "not_a_number"),
        ("1,23,4", "grouping"),
        ("1,234,5678", "grouping"),
        ("1234567890123456", "too_long"),
        ("1,234,567,890,123,456", "too_long"),
        ("1.1234567", "too_long"),
    ],
)
def test_english_refuses(text, code):
    assert refusal(text, "en").code == code


@pytest.mark.parametrize(
    ("text", "suggestion"),
    [("3,5", "3.5"), ("-3,5", "-3.5"), ("12,34", "12.34"), ("1.234,5", "1,234.5")],
)
def test_english_refuses_a_decimal_comma_and_suggests_the_point(text, suggestion):
    error = refusal(text, "en")
    assert error.code == "ambiguous"
    assert error.messages == [f"“{text}” could be read in two ways. Did you mean {suggestion}?"]


def test_english_messages_show_how_to_write_the_number():
    assert refusal("", "en").messages == ["Enter a number such as 3.5."]
    assert refusal("abc", "en").messages == ["Enter a number such as 3.5."]
    assert refusal("NaN", "en").messages == ["Enter a finite number such as 3.5."]
    assert refusal("1,23,4", "en").messages == [
        "Thousands separators go between groups of three digits, as in 1,234.5."
    ]
    assert refusal("1.1234567", "en").messages == [
        "Enter at most 15 digits before the decimal separator and 6 after it."
    ]


# --- Finnish ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3,5", "3.5"),
        ("1 234,5", "1234.5"),
        (f"1{NBSP}234,5", "1234.5"),
        (f"1{NARROW_NBSP}234,5", "1234.5"),
        ("1 234 567", "1234567"),
        ("-3,5", "-3.5"),
        (f"{MINUS_SIGN}3,5", "-3.5"),
        ("3.5", "3.5"),  # pasted from an English source
        ("1 234.5", "1234.5"),
        ("72 %", "72"),
        (",5", "0.5"),
        ("5,", "5"),
    ],
)
def test_finnish_accepts(text, expected):
    assert parse_decimal(text, language="fi") == Decimal(expected)
    with translation.override("fi"):
        assert parse_decimal(text) == Decimal(expected)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "empty"),
        ("NaN", "not_finite"),
        ("inf", "not_finite"),
        ("1e5", "not_a_number"),
        ("kolme", "not_a_number"),
        ("1,2,3", "not_a_number"),
        ("3,5.1", "not_a_number"),
        ("-", "not_a_number"),
        ("1 23 4", "grouping"),
        ("12 34,5", "grouping"),
        ("1234567890123456", "too_long"),
        ("1,1234567", "too_long"),
        ("1.234,5", "ambiguous"),
        ("1,234.5", "ambiguous"),
        ("1,234,567", "ambiguous"),
    ],
)
def test_finnish_refuses(text, code):
    with translation.override("fi"):
        assert refusal(text).code == code


def test_finnish_messages_show_finnish_numbers():
    with translation.override("fi"):
        assert refusal("kolme").params["example"] == "3,5"
        assert refusal("1 23 4").params["example"] == f"1{NBSP}234,5"
        ambiguous = refusal("1.234,5")
        assert ambiguous.params["suggestion"] == f"1{NBSP}234,5"
        assert "1.234,5" in ambiguous.messages[0]


def test_explicit_language_wins_over_the_active_one():
    with translation.override("fi"):
        assert parse_decimal("1,234.5", language="en") == Decimal("1234.5")
        assert refusal("3,5", "en").params["example"] == "3.5"


# --- format_decimal ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "places", "english", "finnish"),
    [
        (Decimal("1234567.5"), None, "1,234,567.5", f"1{NBSP}234{NBSP}567,5"),
        (Decimal("1.50"), None, "1.5", "1,5"),
        (Decimal("100"), None, "100", "100"),
        (Decimal("1E+3"), None, "1,000", f"1{NBSP}000"),
        (Decimal("-1234.5"), None, "-1,234.5", f"-1{NBSP}234,5"),
        (Decimal("-0"), None, "0", "0"),
        (Decimal("0.000001"), None, "0.000001", "0,000001"),
        (Decimal("3.5"), 2, "3.50", "3,50"),
        (Decimal("2.345"), 2, "2.35", "2,35"),  # half up, as people round
        (Decimal("-0.001"), 2, "0.00", "0,00"),
        (Decimal("1234.5"), 0, "1,235", f"1{NBSP}235"),
        (12, None, "12", "12"),
        (0.1, None, "0.1", "0,1"),
    ],
)
def test_format_decimal(value, places, english, finnish):
    assert format_decimal(value, language="en", places=places) == english
    assert format_decimal(value, language="fi", places=places) == finnish


def test_format_decimal_uses_the_active_language():
    with translation.override("fi"):
        assert format_decimal(Decimal("3.5")) == "3,5"


@pytest.mark.parametrize("value", [Decimal("NaN"), Decimal("Infinity"), float("-inf")])
def test_format_decimal_refuses_what_is_not_a_number(value):
    with pytest.raises(ValueError, match="Cannot format"):
        format_decimal(value)


# --- Properties -------------------------------------------------------------------------

LANGUAGES = st.sampled_from(["en", "fi"])
CHECK_IN_VALUES = st.integers(min_value=0, max_value=6).flatmap(
    lambda places: st.decimals(
        min_value=-(10**12),
        max_value=10**12,
        places=places,
        allow_nan=False,
        allow_infinity=False,
    )
)


@given(value=CHECK_IN_VALUES, language=LANGUAGES)
def test_formatted_numbers_read_back_as_the_same_number(value, language):
    shown = format_decimal(value, language=language)
    assert parse_decimal(shown, language=language) == value


@given(value=CHECK_IN_VALUES, language=LANGUAGES)
def test_numbers_without_thousands_separators_read_back(value, language):
    thousands_separator = {"en": ",", "fi": NBSP}[language]
    typed = format_decimal(value, language=language).replace(thousands_separator, "")
    assert parse_decimal(typed, language=language) == value


@given(value=CHECK_IN_VALUES, separator=st.sampled_from([" ", NBSP, NARROW_NBSP]))
def test_finnish_numbers_read_back_with_any_space_between_thousands(value, separator):
    typed = format_decimal(value, language="fi").replace(NBSP, separator)
    assert parse_decimal(typed, language="fi") == value


@given(value=CHECK_IN_VALUES, language=LANGUAGES, places=st.integers(0, 6))
def test_numbers_shown_with_places_read_back_rounded(value, language, places):
    shown = format_decimal(value, language=language, places=places)
    rounded = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    assert parse_decimal(shown, language=language) == rounded


PARSE_ERROR_CODES = {"empty", "not_a_number", "not_finite", "ambiguous", "grouping", "too_long"}


@given(text=st.text(), language=LANGUAGES)
def test_any_text_is_a_number_or_a_validation_error(text, language):
    try:
        parse_decimal(text, language=language)
    except ValidationError as error:
        refused_with = error.code
    else:
        return
    assert refused_with in PARSE_ERROR_CODES


@given(
    text=st.text(alphabet=f"0123456789.,+-% {NBSP}{NARROW_NBSP}{MINUS_SIGN}eE", max_size=30),
    language=LANGUAGES,
)
def test_any_number_like_text_reads_within_the_limits_or_is_refused(text, language):
    try:
        value = parse_decimal(text, language=language)
    except ValidationError:
        return
    assert value.is_finite()
    assert -value.as_tuple().exponent <= 6
    assert abs(value) < 10**15


def mixed_case(word):
    return st.tuples(*(st.sampled_from([c.lower(), c.upper()]) for c in word)).map("".join)


@given(
    sign=st.sampled_from(["", "+", "-", MINUS_SIGN]),
    word=st.sampled_from(["nan", "snan", "inf", "infinity"]).flatmap(mixed_case),
    padding=st.sampled_from(["", " ", "  "]),
    language=LANGUAGES,
)
def test_nan_and_infinity_are_always_refused(sign, word, padding, language):
    assert refusal(f"{padding}{sign}{word}{padding}", language).code == "not_finite"


NOT_A_GROUP_OF_THREE = st.from_regex(r"[0-9]{1,2}|[0-9]{4,6}", fullmatch=True)


@given(whole=st.integers(0, 10**6), fraction=NOT_A_GROUP_OF_THREE)
def test_english_never_reads_a_decimal_comma_as_thousands(whole, fraction):
    assert refusal(f"{whole},{fraction}", "en").code == "ambiguous"


# --- LocalizedDecimalField --------------------------------------------------------------


class CheckInForm(forms.Form):
    value = LocalizedDecimalField(min_value=Decimal("0.5"), max_value=Decimal("10000"))
    note = forms.CharField(required=False)


def test_field_cleans_to_a_decimal_in_the_active_language():
    field = LocalizedDecimalField()
    assert field.clean(" 1,234.5 ") == Decimal("1234.5")
    with translation.override("fi"):
        assert field.clean("1 234,5") == Decimal("1234.5")


def test_required_field_refuses_empty_input():
    with pytest.raises(ValidationError) as caught:
        LocalizedDecimalField().clean("  ")
    assert caught.value.code == "required"


@pytest.mark.parametrize("empty", ["", "  ", None])
def test_optional_field_cleans_empty_input_to_none(empty):
    assert LocalizedDecimalField(required=False).clean(empty) is None


def test_field_passes_on_parse_errors():
    with pytest.raises(ValidationError) as caught:
        LocalizedDecimalField(required=False).clean("3,5")
    assert caught.value.code == "ambiguous"


def test_field_limits_are_inclusive():
    field = LocalizedDecimalField(min_value=Decimal("0.5"), max_value=Decimal("10000"))
    assert field.clean("0.5") == Decimal("0.5")
    assert field.clean("10,000") == Decimal("10000")


@pytest.mark.parametrize(
    ("text", "code", "message"),
    [
        ("0.25", "min_value", "Must be at least 0.5."),
        ("-1", "min_value", "Must be at least 0.5."),
        ("10,000.01", "max_value", "Must be at most 10,000."),
    ],
)
def test_field_limit_messages_show_the_limit_in_english(text, code, message):
    field = LocalizedDecimalField(min_value=Decimal("0.5"), max_value=Decimal("10000"))
    with pytest.raises(ValidationError) as caught:
        field.clean(text)
    assert caught.value.code == code
    assert caught.value.messages == [message]


def test_field_limit_messages_show_the_limit_in_finnish():
    field = LocalizedDecimalField(min_value=Decimal("0.5"), max_value=Decimal("10000"))
    with translation.override("fi"):
        with pytest.raises(ValidationError) as too_small:
            field.clean("0,25")
        with pytest.raises(ValidationError) as too_big:
            field.clean("10 001")
    assert too_small.value.code == "min_value"
    assert too_small.value.params == {"limit": "0,5"}
    assert too_big.value.code == "max_value"
    assert too_big.value.params == {"limit": f"10{NBSP}000"}


def test_prepare_value_formats_numbers_for_the_active_language():
    field = LocalizedDecimalField()
    assert field.prepare_value(Decimal("1234.50")) == "1,234.5"
    assert field.prepare_value(7) == "7"
    with translation.override("fi"):
        assert field.prepare_value(Decimal("1234.50")) == f"1{NBSP}234,5"


@pytest.mark.parametrize("raw", ["3,5", "abc", "", None, True])
def test_prepare_value_leaves_anything_but_numbers_alone(raw):
    assert LocalizedDecimalField().prepare_value(raw) is raw


@given(value=CHECK_IN_VALUES, language=LANGUAGES)
def test_prepared_values_clean_back_to_the_same_number(value, language):
    field = LocalizedDecimalField()
    with translation.override(language):
        assert field.clean(field.prepare_value(value)) == value


def test_unbound_form_shows_the_initial_value_formatted():
    with translation.override("fi"):
        form = CheckInForm(initial={"value": Decimal("1234.50")})
        assert form["value"].value() == f"1{NBSP}234,5"
        assert f'value="1{NBSP}234,5"' in str(form["value"])


@pytest.mark.parametrize("typed", ["3,5", "abc", "0.25", "10 001"])
def test_invalid_bound_form_keeps_what_the_person_typed(typed):
    form = CheckInForm(data={"value": typed, "note": "x"}, initial={"value": Decimal("2")})
    assert not form.is_valid()
    assert "value" in form.errors
    assert form["value"].value() == typed
    assert f'value="{typed}"' in str(form["value"])


def test_valid_bound_form_cleans_and_keeps_the_typed_text():
    with translation.override("fi"):
        form = CheckInForm(data={"value": "1 234,5"})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["value"] == Decimal("1234.5")
        assert form["value"].value() == "1 234,5"


def test_retyping_the_same_number_differently_is_not_a_change():
    form = CheckInForm(data={"value": "3.50"}, initial={"value": Decimal("3.5")})
    assert not form.has_changed()
    form = CheckInForm(data={"value": "3.6"}, initial={"value": Decimal("3.5")})
    assert form.has_changed()
