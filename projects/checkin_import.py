"""Check-ins imported from a CSV file: read and checked first, then written all at once.

`read_check_in_rows` never writes: it returns an `ImportPreview` with the rows it could read
and, for every row it could not, the CSV line and what to fix. `apply_check_in_import` writes
a preview without errors in one transaction, through the same `check_in` service as the form,
so a same-day check-in is replaced and the replaced value stays in the metric's history.
"""

import csv
import datetime
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .metric_services import check_in, check_value_for_unit
from .models import CheckIn, Confidence, Metric
from .numbers import format_decimal, parse_decimal
from .services import ProjectActionError

MAX_ROWS = 5000
MAX_NOTE_LENGTH = 1000
REQUIRED_COLUMNS = ("metric", "date", "value")
OPTIONAL_COLUMNS = ("confidence", "note")
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
CONFIDENCE_WORDS = {
    "low": Confidence.LOW,
    "medium": Confidence.MEDIUM,
    "high": Confidence.HIGH,
    "matala": Confidence.LOW,
    "keskitaso": Confidence.MEDIUM,
    "korkea": Confidence.HIGH,
}
FINNISH_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class RowError:
    line: int | None  # None: about the file as a whole
    message: str

    def __str__(self):
        if self.line is None:
            return self.message
        return _("line %(line)d: %(message)s") % {"line": self.line, "message": self.message}


@dataclass
class ImportRow:
    line: int
    metric: Metric
    day: datetime.date
    value: Decimal
    confidence: str = Confidence.MEDIUM
    note: str = ""
    replaces: bool = False  # a check-in of that metric and day exists and will be replaced

    @property
    def value_text(self):
        return format_decimal(self.value)

    @property
    def confidence_label(self):
        return Confidence(self.confidence).label


@dataclass
class ImportPreview:
    rows: list[ImportRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def is_valid(self):
        return bool(self.rows) and not self.errors

    @property
    def replaced_count(self):
        return sum(row.replaces for row in self.rows)


def read_check_in_rows(*, text, project, language=None):
    """Read CSV `text` into check-ins for `project`'s metrics; numbers are read in `language`."""
    preview = ImportPreview()
    text = text.removeprefix("\ufeff")
    if not text.strip():
        preview.errors.append(RowError(None, _("The file is empty.")))
        return preview

    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)

    header, header_line = None, 1
    for record in reader:
        if any(cell.strip() for cell in record):
            header, header_line = record, reader.line_num
            break
    columns = [cell.strip().lower() for cell in header or []]
    if not header_line_is_usable(columns, header_line, preview):
        return preview

    records, line = [], reader.line_num + 1
    try:
        for record in reader:
            if any(cell.strip() for cell in record):
                records.append((line, record))
                if len(records) > MAX_ROWS:
                    preview.errors.append(
                        RowError(
                            None,
                            _("A file can hold at most %(count)d check-ins. Split it in parts.")
                            % {"count": MAX_ROWS},
                        )
                    )
                    return preview
            line = reader.line_num + 1
    except csv.Error:
        preview.errors.append(
            RowError(line, _("This line cannot be read as CSV. Check its quotation marks."))
        )
        return preview
    if not records:
        preview.errors.append(RowError(None, _("The file has a header but no check-ins.")))
        return preview

    metrics = MetricLookup(project)
    today = timezone.localdate()
    seen = {}
    for line, record in records:
        cells = dict(zip(columns, (cell.strip() for cell in record), strict=False))
        if len(record) > len(columns) and any(c.strip() for c in record[len(columns) :]):
            preview.errors.append(RowError(line, _("This line has more cells than the header.")))
            continue
        row = read_row(line, cells, metrics=metrics, today=today, language=language)
        if isinstance(row, RowError):
            preview.errors.append(row)
            continue
        key = (row.metric.pk, row.day)
        if key in seen:
            preview.errors.append(
                RowError(
                    line,
                    _("%(metric)s already has a value for %(day)s on line %(other)d.")
                    % {"metric": row.metric.name, "day": row.day.isoformat(), "other": seen[key]},
                )
            )
            continue
        seen[key] = line
        preview.rows.append(row)

    mark_replacements(preview.rows)
    return preview


def header_line_is_usable(columns, line, preview):
    unknown = [c for c in columns if c and c not in COLUMNS]
    if unknown:
        preview.errors.append(
            RowError(
                line,
                _("Unknown columns: %(unknown)s. The columns are %(columns)s.")
                % {"unknown": ", ".join(unknown), "columns": ", ".join(COLUMNS)},
            )
        )
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        preview.errors.append(
            RowError(
                line,
                _("Missing columns: %(missing)s. The first line names the columns.")
                % {"missing": ", ".join(missing)},
            )
        )
    repeated = sorted({c for c in columns if c and columns.count(c) > 1})
    if repeated:
        preview.errors.append(
            RowError(
                line, _("Columns named twice: %(columns)s.") % {"columns": ", ".join(repeated)}
            )
        )
    return not preview.errors


class MetricLookup:
    """The project's metrics by name (any case) or id, read with one query."""

    def __init__(self, project):
        self.by_name, self.by_id = {}, {}
        for metric in Metric.objects.filter(project=project):
            metric.project = project  # check_in records activity on it: no query per row
            self.by_id[str(metric.pk)] = metric
            self.by_name.setdefault(metric.name.strip().casefold(), []).append(metric)

    def find(self, text):
        if not text:
            raise ValidationError(_("Name the metric."))
        named = self.by_name.get(text.casefold(), [])
        if len(named) > 1:
            raise ValidationError(
                _("Several metrics are called “%(name)s”: give the metric's id instead.")
                % {"name": text}
            )
        if named:
            return named[0]
        if text in self.by_id:
            return self.by_id[text]
        raise ValidationError(_("This project has no metric called “%(name)s”.") % {"name": text})


def parse_day(text):
    if not text:
        raise ValidationError(_("Give the date, e.g. 2026-03-31 or 31.3.2026."))
    try:
        if ISO_DATE.fullmatch(text):
            return datetime.date.fromisoformat(text)
        if match := FINNISH_DATE.fullmatch(text):
            day, month, year = (int(part) for part in match.groups())
            return datetime.date(year, month, day)
    except ValueError:
        pass
    raise ValidationError(
        _("“%(value)s” is not a date. Write it as 2026-03-31 or 31.3.2026.") % {"value": text}
    )


def read_row(line, cells, *, metrics, today, language):
    """One CSV line as an ImportRow, or the RowError saying what to fix first."""
    try:
        metric = metrics.find(cells.get("metric", ""))
        day = parse_day(cells.get("date", ""))
        if day > today:
            raise ValidationError(_("A check-in cannot be dated in the future."))
        value = parse_decimal(cells.get("value", ""), language=language)
        check_value_for_unit(value, metric.unit, "value")
        word = cells.get("confidence", "").casefold()
        if word and word not in CONFIDENCE_WORDS:
            raise ValidationError(
                _("Confidence is low, medium or high, not “%(value)s”.")
                % {"value": cells["confidence"]}
            )
        note = cells.get("note", "")
        if len(note) > MAX_NOTE_LENGTH:
            raise ValidationError(
                _("The note is %(length)d characters long; the most is %(limit)d.")
                % {"length": len(note), "limit": MAX_NOTE_LENGTH}
            )
    except ValidationError as error:
        return RowError(line, " ".join(error.messages))
    return ImportRow(
        line=line,
        metric=metric,
        day=day,
        value=value,
        confidence=CONFIDENCE_WORDS.get(word, Confidence.MEDIUM),
        note=note,
    )


def mark_replacements(rows):
    """Flag rows that replace an existing check-in, with one query for all of them."""
    if not rows:
        return
    existing = set(
        CheckIn.objects.filter(
            metric__in={row.metric.pk for row in rows}, day__in={row.day for row in rows}
        ).values_list("metric_id", "day")
    )
    for row in rows:
        row.replaces = (row.metric.pk, row.day) in existing


def apply_check_in_import(*, preview, author):
    """Write every row of an error-free preview, or nothing. Returns (written, replaced)."""
    if preview.errors:
        raise ProjectActionError(_("The file has errors, so nothing was imported."))
    if not preview.rows:
        raise ProjectActionError(_("The file has no check-ins to import."))
    with transaction.atomic():
        for row in preview.rows:
            try:
                check_in(
                    metric=row.metric,
                    author=author,
                    day=row.day,
                    value=row.value,
                    note=row.note,
                    confidence=row.confidence,
                )
            except ProjectActionError as error:
                raise ProjectActionError(
                    str(RowError(row.line, " ".join(error.messages)))
                ) from error
    return len(preview.rows), preview.replaced_count
