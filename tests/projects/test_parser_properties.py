"""Properties of every parser of typed or uploaded input: whatever arrives, the answer is a value
or a ValidationError with a message for the person, never a crash."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from projects.checkin_import import ImportPreview, parse_day, read_check_in_rows
from projects.numbers import parse_decimal

LANGUAGES = st.sampled_from(["en", "fi"])
# Text people type or paste: digits, separators, signs, spaces of every kind, and anything else.
NUMBERISH = st.text(alphabet="0123456789.,-+ %\u00a0\u202f\u2212eE", max_size=30)
ANY_TEXT = st.one_of(NUMBERISH, st.text(max_size=40))
DAYS = st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2999, 12, 31))


def outcome(parse, *args, **kwargs):
    """(value, None) when `parse` reads the input, (None, messages) when it refuses it."""
    try:
        return parse(*args, **kwargs), None
    except ValidationError as error:
        return None, error.messages


@given(text=ANY_TEXT, language=LANGUAGES)
def test_parse_decimal_returns_a_finite_number_or_a_validation_error(text, language):
    value, messages = outcome(parse_decimal, text, language=language)
    if messages is not None:
        assert messages
        assert all(message.strip() for message in messages)
    else:
        assert isinstance(value, Decimal)
        assert value.is_finite()
        whole_digits = len(str(abs(value)).split(".")[0].lstrip("0"))
        assert whole_digits <= 15


@given(day=DAYS)
def test_iso_and_finnish_dates_read_back_as_the_same_day(day):
    assert parse_day(day.isoformat()) == day
    assert parse_day(f"{day.day}.{day.month}.{day.year}") == day
    assert parse_day(f"{day.day:02d}.{day.month:02d}.{day.year}") == day


@given(text=st.one_of(st.text(max_size=20), st.from_regex(r"\d{1,2}\.\d{1,2}\.\d{4}")))
def test_parse_day_returns_a_date_or_a_validation_error(text):
    day, messages = outcome(parse_day, text)
    assert messages or isinstance(day, datetime.date)


CSV_CELLS = st.one_of(
    st.sampled_from(["metric", "date", "value", "confidence", "note", "", '"', '""', ";", "\n"]),
    NUMBERISH,
    st.text(max_size=12),
)
CSV_TEXT = st.lists(st.lists(CSV_CELLS, max_size=6), max_size=8).map(
    lambda rows: "\n".join(",".join(row) for row in rows)
)


@pytest.mark.django_db
@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(header=st.booleans(), body=CSV_TEXT, language=LANGUAGES)
def test_csv_import_reads_any_file_into_rows_or_errors_without_writing(
    metric, header, body, language
):
    text = ("metric,date,value,confidence,note\n" if header else "") + body

    preview = read_check_in_rows(text=text, project=metric.project, language=language)

    assert isinstance(preview, ImportPreview)
    assert preview.rows or preview.errors
    for row in preview.rows:
        assert row.metric == metric
        assert row.day <= datetime.date.today() + datetime.timedelta(days=1)
        assert row.value.is_finite()
    assert metric.check_ins.count() == 0
