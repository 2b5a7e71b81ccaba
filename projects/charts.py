"""Server-rendered SVG pictures of shared success metrics.

Pure functions: they take plain values and return dictionaries of ready-made geometry and
translated labels that `projects/includes/metric_chart.html` and `sparkline.html` draw. No
database access, no JavaScript, no chart library. Every coordinate is a float rounded to one
decimal; the templates print them inside `{% localize off %}` so a Finnish page still writes
`12.5`, not `12,5`.
"""

from __future__ import annotations

import datetime
import hashlib
import itertools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, localcontext

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language, gettext, ngettext, pgettext

CONFIDENCE_LEVELS = ("low", "medium", "high")
#: Check-in dot radius in SVG units by confidence; unknown confidence draws like "medium".
POINT_RADIUS = {"low": 3.5, "medium": 4.5, "high": 5.5, None: 4.5}
#: A check-in is off track when it trails the ideal path by more than this share of the
#: distance from baseline to target (or lies outside the lower/upper bounds, if given).
OFF_TRACK_TOLERANCE = Decimal("0.1")
#: Share of the data's value span added above and below it before rounding to nice ticks.
Y_PADDING = Decimal("0.08")
#: Tick steps are these multipliers times a power of ten.
TWO_AND_A_HALF = Decimal("2.5")
NICE_STEPS = (Decimal(1), Decimal(2), TWO_AND_A_HALF, Decimal(5))

#: Short chart dates by language. Django's short formats are numeric in English too
#: ("08/03/2026"), and its month abbreviations in English word order read wrongly in
#: Finnish ("3 Elo 2026", where "Mar" is November), so Finnish uses CLDR's numeric
#: patterns: 3.8.2026, 3.8. and 8.2026.
CHART_DATE_FORMATS = {
    "en": {"day": "j M Y", "day_in_year": "j M", "month": "M Y"},
    "fi": {"day": "j.n.Y", "day_in_year": "j.n.", "month": "n.Y"},
}
#: Stands for the day of the month in a month's cached label; no month name contains it.
DAY_MARK = "§"

TICK_FONT = 13  # SVG units; mirrored by `.metric-chart__svg text` in commonground.css
PILL_FONT = 12  # .metric-chart__pill-text
PILL_HEIGHT = 19
MARGIN_TOP = 30
MARGIN_RIGHT = 24
MARGIN_BOTTOM = 30
X_LABEL_GAP = 14  # minimum free space between two x labels
DENSE_SPACING = 14  # below this average distance between check-ins, dots shrink


@dataclass(frozen=True)
class ChartPoint:
    day: datetime.date
    value: Decimal
    confidence: str | None = None  # "low" | "medium" | "high"


# ---------------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------------


def _r(value: float) -> float:
    """One decimal, and never a negative zero."""
    rounded = round(value, 1)
    return 0.0 if rounded == 0 else rounded


def _n(value: float) -> str:
    """A compact number for path data: 12.0 -> "12", -0.0 -> "0"."""
    text = f"{_r(value):.1f}"
    return text[:-2] if text.endswith(".0") else text


def _path(coords: Iterable[tuple[float, float]]) -> str:
    parts = []
    for index, (x, y) in enumerate(coords):
        parts.append(f"{'M' if index == 0 else 'L'}{_n(x)} {_n(y)}")
    return " ".join(parts)


# Average glyph advance as a share of the font size, for system-ui sans-serif. Estimates are
# only used to keep labels apart and inside the picture, so they err on the wide side.
_NARROW = set(" .,:;'|!iIjlft()[]")
_WIDE = set("%mwMW@")


def _text_width(text: str, size: float, *, bold: bool = False) -> float:
    units = 0.0
    for char in text:
        if char in _NARROW:
            units += 0.32
        elif char in _WIDE:
            units += 0.88
        elif char.isupper():
            units += 0.68
        else:
            units += 0.58
    return units * size * (1.1 if bold else 1.0)


def _finite(value: Decimal) -> bool:
    return isinstance(value, Decimal) and value.is_finite()


def _confidence(value: str | None) -> str | None:
    return value if value in CONFIDENCE_LEVELS else None


def _chart_date_format(kind: str) -> str:
    """The active language's format for `kind` of chart date ("day", "day_in_year", "month")."""
    language = (get_language() or "en").split("-")[0]
    return CHART_DATE_FORMATS.get(language, CHART_DATE_FORMATS["en"])[kind]


def _date_label(day: datetime.date) -> str:
    return date_format(day, _chart_date_format("day"))


def month_label(day: datetime.date) -> str:
    """A chart's month in the active language: "Mar 2026", or "3.2026" in Finnish (where
    "Mar" would read as November)."""
    return date_format(day, _chart_date_format("month"))


class _DateLabels(dict):
    """`_date_label` for many days: localizes each month once, not each day ("15 Mar 2026")."""

    def __init__(self):
        super().__init__()
        # The format with its day escaped as DAY_MARK: one label per month, the day put in.
        self._month_format = _chart_date_format("day").replace("j", "\\" + DAY_MARK)

    def __missing__(self, day: datetime.date) -> str:
        month = (day.year, day.month)
        if month not in self:
            self[month] = date_format(day.replace(day=1), self._month_format)
        label = self[day] = self[month].replace(DAY_MARK, str(day.day))  # ~20 times faster
        return label


def _value_formatter(
    unit_label: str, value_format: Callable[[Decimal], str]
) -> Callable[[Decimal], str]:
    """`value_format` plus the unit, with the translation looked up once, not per value."""
    if not unit_label:
        return lambda value: str(value_format(value))
    pattern = pgettext("metric value and its unit", "%(value)s %(unit)s")
    return lambda value: pattern % {"value": value_format(value), "unit": unit_label}


def _confidence_labels() -> dict[str | None, str]:
    return {
        "low": gettext("Low"),
        "medium": gettext("Medium"),
        "high": gettext("High"),
        None: gettext("Not given"),
    }


def _ideal_value(day: datetime.date, baseline: ChartPoint, target: ChartPoint) -> Decimal:
    """The value the straight path from baseline to target has reached on `day`."""
    if day <= baseline.day:
        return baseline.value
    if day >= target.day:
        return target.value
    share = Decimal((day - baseline.day).days) / Decimal((target.day - baseline.day).days)
    return baseline.value + (target.value - baseline.value) * share


def _is_off_track(
    point: ChartPoint,
    baseline: ChartPoint,
    target: ChartPoint,
    lower: Decimal | None,
    upper: Decimal | None,
) -> bool:
    if lower is not None or upper is not None:
        # A "stay within a range" metric: only the bounds count.
        return (lower is not None and point.value < lower) or (
            upper is not None and point.value > upper
        )
    change = target.value - baseline.value
    if change == 0:
        return False
    tolerance = abs(change) * OFF_TRACK_TOLERANCE
    behind = _ideal_value(point.day, baseline, target) - point.value
    if change < 0:
        behind = -behind
    return behind > tolerance


def _chart_id(title: str, baseline: ChartPoint, target: ChartPoint, count: int) -> str:
    key = f"{title}|{baseline.day}|{baseline.value}|{target.day}|{target.value}|{count}"
    return "metric-chart-" + hashlib.blake2s(key.encode(), digest_size=4).hexdigest()


# ---------------------------------------------------------------------------------------
# Scales
# ---------------------------------------------------------------------------------------


def _value_range(values: list[Decimal]) -> tuple[Decimal, Decimal]:
    """The padded value range: ~8% either side, a flat range padded by 10% (or 1 unit)."""
    low, high = min(values), max(values)
    span = high - low
    flat_pad = abs(low) / 10 if low != 0 else Decimal(1)
    pad = span * Y_PADDING if span else flat_pad
    padded_low, padded_high = low - pad, high + pad
    # Never invent negative numbers for a metric that has none (or positive ones likewise).
    if low >= 0 > padded_low:
        padded_low = Decimal(0)
    elif high <= 0 < padded_high:
        padded_high = Decimal(0)
    return padded_low, padded_high


def _nice_ticks(low: Decimal, high: Decimal) -> tuple[list[Decimal], Decimal]:
    """Four to six round ticks whose first and last enclose [low, high]; and their step."""
    span = high - low
    exponent = span.adjusted()
    best: tuple[tuple[int, Decimal, int], Decimal, Decimal, int] | None = None
    for power in range(exponent - 2, exponent + 2):
        for multiplier in NICE_STEPS:
            step = multiplier.scaleb(power)
            first = (low / step).to_integral_value(rounding=ROUND_FLOOR)
            last = (high / step).to_integral_value(rounding=ROUND_CEILING)
            count = int(last - first) + 1
            # Prefer 4-6 ticks, then the tightest fit; steps of 2.5 (an extra decimal in
            # the labels) must fit 15% tighter than steps of 1, 2 or 5 to win.
            miss = 0 if 4 <= count <= 6 else min(abs(count - 4), abs(count - 6))
            fit = (last - first) * step * (Decimal("1.15") if multiplier == TWO_AND_A_HALF else 1)
            score = (miss, fit, count)
            if best is None or score < best[0]:
                best = (score, step, first, count)
    assert best is not None  # noqa: S101 - the loops above always run  # nosec B101
    _, step, first, count = best
    places = max(0, -step.normalize().as_tuple().exponent)
    quantum = Decimal(1).scaleb(-places)
    ticks = []
    for index in range(count):
        tick = (first + index) * step
        tick = tick.quantize(quantum) if places else Decimal(int(tick))
        ticks.append(abs(tick) if tick.is_zero() else tick)
    return ticks, step


def _add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def _x_tick_days(start: datetime.date, end: datetime.date, unit: str, every: int):
    if unit == "day":
        day = start
        while day <= end:
            yield day
            day += datetime.timedelta(days=every)
    elif unit == "week":
        day = start + datetime.timedelta(days=(7 - start.weekday()) % 7)  # the first Monday
        while day <= end:
            yield day
            day += datetime.timedelta(days=7 * every)
    else:
        day = datetime.date(start.year, start.month, 1)
        if day < start:
            day = _add_months(day, 1)
        while (day.month - 1) % every:
            day = _add_months(day, 1)
        while day <= end:
            yield day
            day = _add_months(day, every)


def _x_ticks(start: datetime.date, end: datetime.date, plot_width: float):
    """The finest day/week/month ticks whose labels fit side by side; (unit, days, labels)."""
    span = (end - start).days
    candidates: list[tuple[str, int]] = []
    if span <= 20:
        candidates += [("day", 1), ("day", 2), ("day", 3)]
    if span <= 100:
        candidates += [("week", 1), ("week", 2)]
    candidates += [("month", n) for n in (1, 2, 3, 6, 12, 24, 60, 120, 240, 600, 1200)]
    per_day = plot_width / span
    chosen: list[tuple[datetime.date, str]] = []
    for unit, every in candidates:
        days = list(_x_tick_days(start, end, unit, every))
        if len(days) > plot_width / 30:  # far too many: skip without formatting labels
            continue
        label_format = _chart_date_format("month" if unit == "month" else "day_in_year")
        labels = [date_format(day, label_format) for day in days]
        widest = max((_text_width(label, TICK_FONT) for label in labels), default=0)
        gaps = [(b - a).days * per_day for a, b in itertools.pairwise(days)]
        chosen = list(zip(days, labels, strict=True))
        if not gaps or min(gaps) >= widest + X_LABEL_GAP:
            break
    return chosen


# ---------------------------------------------------------------------------------------
# The metric chart
# ---------------------------------------------------------------------------------------


def metric_chart(
    *,
    title: str,
    unit_label: str,
    baseline: ChartPoint,
    target: ChartPoint,
    points: list[ChartPoint],
    stretch: Decimal | None = None,
    lower: Decimal | None = None,
    upper: Decimal | None = None,
    width: int = 640,
    height: int = 280,
    value_format: Callable[[Decimal], str] = str,
    today: datetime.date | None = None,
    chart_id: str | None = None,
) -> dict:
    """Everything `projects/includes/metric_chart.html` needs to draw one metric.

    `today` defaults to the local date; `chart_id` (used for element ids) defaults to a
    short hash of the metric, so pass one when the same metric appears twice on a page.
    """
    if today is None:
        today = timezone.localdate()
    checkins = sorted(
        (p for p in points if _finite(p.value) and isinstance(p.day, datetime.date)),
        key=lambda p: p.day,
    )
    stretch = stretch if stretch is not None and _finite(stretch) else None
    lower = lower if lower is not None and _finite(lower) else None
    upper = upper if upper is not None and _finite(upper) else None
    if lower is not None and upper is not None and lower > upper:
        lower, upper = upper, lower
    decreasing = target.value < baseline.value

    fmt = _value_formatter(unit_label, value_format)

    with localcontext() as context:
        context.prec = 60  # huge metrics must not lose digits in tick arithmetic

        # --- value scale ------------------------------------------------------------
        values = [baseline.value, target.value, *(p.value for p in checkins)]
        values += [v for v in (stretch, lower, upper) if v is not None]
        padded_low, padded_high = _value_range(values)
        y_tick_values, _ = _nice_ticks(padded_low, padded_high)
        domain_low, domain_high = float(y_tick_values[0]), float(y_tick_values[-1])
        y_labels = [str(value_format(v)) for v in y_tick_values]

    # --- layout -----------------------------------------------------------------------
    widest_y = max(_text_width(label, TICK_FONT) for label in y_labels)
    left = max(40.0, min(width / 3, widest_y + 16))
    plot_x, plot_y = left, float(MARGIN_TOP)
    plot_w = max(40.0, width - left - MARGIN_RIGHT)
    plot_h = max(40.0, height - MARGIN_TOP - MARGIN_BOTTOM)
    plot_right, plot_bottom = plot_x + plot_w, plot_y + plot_h

    def y_of(value: Decimal | float) -> float:
        share = (domain_high - float(value)) / (domain_high - domain_low)
        return _r(plot_y + min(1.0, max(0.0, share)) * plot_h)

    start = min([baseline.day, *(p.day for p in checkins)])
    end = max([target.day, *(p.day for p in checkins)])
    if end == start:  # one day only: show a fortnight either side
        start -= datetime.timedelta(days=14)
        end += datetime.timedelta(days=14)
    span_days = (end - start).days

    def x_of(day: datetime.date) -> float:
        return _r(plot_x + (day - start).days / span_days * plot_w)

    # --- axes -------------------------------------------------------------------------
    # The unit sits above the y labels, right-aligned with them when it fits.
    unit_width = _text_width(unit_label, TICK_FONT, bold=True)
    if unit_width <= plot_x - 12:
        unit = {"label": unit_label, "x": _r(plot_x - 8), "anchor": "end"}
        unit_end = plot_x - 8
    else:
        unit = {"label": unit_label, "x": 4.0, "anchor": "start"}
        unit_end = 4 + unit_width
    unit["y"] = _r(plot_y - 12)
    y_ticks = [
        {"value": value, "label": label, "y": y_of(value), "label_y": _r(y_of(value) + 4)}
        for value, label in zip(y_tick_values, y_labels, strict=True)
    ]
    x_ticks = []
    for day, label in _x_ticks(start, end, plot_w):
        x = x_of(day)
        half = _text_width(label, TICK_FONT) / 2
        label_x = min(max(x, half + 2), width - half - 2)  # keep the label inside the picture
        x_ticks.append(
            {"day": day, "iso": day.isoformat(), "label": label, "x": x, "label_x": _r(label_x)}
        )

    # --- reference lines ----------------------------------------------------------------
    base_x, base_y = x_of(baseline.day), y_of(baseline.value)
    target_x, target_y = x_of(target.day), y_of(target.value)
    ideal = {
        "d": _path([(base_x, base_y), (target_x, target_y)]),
        "x1": base_x,
        "y1": base_y,
        "x2": target_x,
        "y2": target_y,
    }
    band = None
    if lower is not None or upper is not None:
        band_top = y_of(upper) if upper is not None else plot_y
        band_bottom = y_of(lower) if lower is not None else plot_bottom
        if lower is not None and upper is not None:
            band_label = gettext("Acceptable range %(lower)s to %(upper)s") % {
                "lower": fmt(lower),
                "upper": fmt(upper),
            }
        elif lower is not None:
            band_label = gettext("Acceptable: at least %(lower)s") % {"lower": fmt(lower)}
        else:
            band_label = gettext("Acceptable: at most %(upper)s") % {"upper": fmt(upper)}
        band = {
            "x": _r(plot_x),
            "y": band_top,
            "width": _r(plot_w),
            "height": _r(max(1.0, band_bottom - band_top)),
            "label": band_label,
        }

    today_marker = None
    if start <= today <= end:
        x = x_of(today)
        label = gettext("Today")
        half = _text_width(label.upper(), TICK_FONT) / 2  # drawn in small capitals
        today_marker = {
            "x": x,
            "y1": _r(plot_y - 6),
            "y2": _r(plot_bottom),
            "label": label,
            # Keep clear of the unit label in the top left corner.
            "label_x": _r(min(max(x, unit_end + 8 + half), width - half - 2)),
            "label_y": _r(plot_y - 12),
        }

    # --- check-ins ----------------------------------------------------------------------
    chart_points = []
    line = sorted([(baseline.day, 0, baseline.value)] + [(p.day, 1, p.value) for p in checkins])
    # Many check-ins close together: smaller dots, so the line stays readable.
    spacing = plot_w / max(1, len(checkins))
    dense = spacing < DENSE_SPACING
    radius_scale = max(0.35, spacing / DENSE_SPACING) if dense else 1.0
    # Translations looked up once per chart, not once per check-in.
    confidence_labels = _confidence_labels()
    off_track_label, on_track_label = gettext("Off track"), gettext("On track")
    checkin_label = gettext("Check-in")
    confidence_phrases = {
        "low": gettext("low confidence"),
        "medium": gettext("medium confidence"),
        "high": gettext("high confidence"),
    }
    status_phrases = {True: gettext("off track"), False: gettext("on track")}
    tooltip_with_confidence = gettext("%(date)s: %(value)s, %(confidence)s, %(status)s")
    tooltip_without = gettext("%(date)s: %(value)s, %(status)s")
    date_labels = _DateLabels()
    for point in checkins:
        confidence = _confidence(point.confidence)
        off_track = _is_off_track(point, baseline, target, lower, upper)
        date_label = date_labels[point.day]
        value_label = fmt(point.value)
        status_label = off_track_label if off_track else on_track_label
        classes = ["metric-chart__point", f"metric-chart__point--{confidence or 'unknown'}"]
        if off_track:
            classes.append("metric-chart__point--off-track")
        chart_points.append(
            {
                "x": x_of(point.day),
                "y": y_of(point.value),
                "r": _r(POINT_RADIUS[confidence] * radius_scale),
                "confidence": confidence,
                "off_track": off_track,
                "css_class": " ".join(classes),
                "iso": point.day.isoformat(),
                "date_label": date_label,
                "value_label": value_label,
                "confidence_label": confidence_labels[confidence],
                "status_label": status_label,
                "tooltip": (tooltip_with_confidence if confidence else tooltip_without)
                % {
                    "date": date_label,
                    "value": value_label,
                    "confidence": confidence_phrases.get(confidence or ""),
                    "status": status_phrases[off_track],
                },
            }
        )
    actual_d = _path((x_of(day), y_of(value)) for day, _, value in line) if checkins else ""
    off_track_count = sum(1 for p in chart_points if p["off_track"])

    # --- target and stretch lines, labelled where they hide nothing ----------------------
    plot_box = (plot_x, plot_y, plot_right, plot_bottom)
    obstacles = [(x - r - 2, y - r - 2, x + r + 2, y + r + 2) for x, y, r in _marks(chart_points)]
    obstacles += [
        (base_x - 8, base_y - 8, base_x + 8, base_y + 8),
        (target_x - 6, target_y - 6, target_x + 6, target_y + 6),
    ]
    segments = list(itertools.pairwise(_vertices(actual_d)))
    segments.append(((base_x, base_y), (target_x, target_y)))
    beyond = 1 if decreasing else -1  # -1: "beyond the target" is up the picture
    stretch_beyond = stretch is not None and (
        stretch < target.value if decreasing else stretch > target.value
    )
    target_line = _reference_line(
        gettext("Target %(value)s") % {"value": fmt(target.value)},
        target_y,
        # With a stretch beyond the target, the target's label goes on the baseline side.
        side=-beyond if stretch_beyond else beyond,
        plot=plot_box,
        obstacles=obstacles,
        segments=segments,
    )
    stretch_line = None
    if stretch is not None:
        stretch_y = y_of(stretch)
        pill = target_line["pill"]
        stretch_line = _reference_line(
            gettext("Stretch %(value)s") % {"value": fmt(stretch)},
            stretch_y,
            side=-1 if stretch_y <= target_y else 1,
            plot=plot_box,
            obstacles=[
                *obstacles,
                (pill["x"], pill["y"], pill["x"] + pill["width"], pill["y"] + pill["height"]),
            ],
            segments=segments,
        )

    # --- words ----------------------------------------------------------------------------
    baseline_label, target_label = fmt(baseline.value), fmt(target.value)
    baseline_date, target_date = _date_label(baseline.day), _date_label(target.day)
    sentences = [
        gettext("Baseline %(baseline)s on %(baseline_date)s, target %(target)s by %(target_date)s.")
        % {
            "baseline": baseline_label,
            "baseline_date": baseline_date,
            "target": target_label,
            "target_date": target_date,
        }
    ]
    if stretch is not None:
        sentences.append(gettext("Stretch target %(stretch)s.") % {"stretch": fmt(stretch)})
    if band is not None:
        sentences.append(band["label"] + ".")
    if chart_points:
        latest = chart_points[-1]
        sentences.append(
            gettext("Latest check-in: %(value)s on %(date)s.")
            % {"value": latest["value_label"], "date": latest["date_label"]}
        )
        if off_track_count:
            sentences.append(
                ngettext(
                    "%(count)d of %(total)d check-ins is off track.",
                    "%(count)d of %(total)d check-ins are off track.",
                    off_track_count,
                )
                % {"count": off_track_count, "total": len(chart_points)}
            )
    else:
        sentences.append(gettext("No check-ins yet."))

    legend = [{"key": "ideal", "label": gettext("Ideal path")}]
    if chart_points:
        legend.append({"key": "actual", "label": gettext("Check-ins")})
    legend.append({"key": "target", "label": gettext("Target")})
    if stretch is not None:
        legend.append({"key": "stretch", "label": gettext("Stretch target")})
    if band is not None:
        legend.append({"key": "band", "label": gettext("Acceptable range")})
    legend.append({"key": "baseline", "label": gettext("Baseline")})
    if off_track_count:
        legend.append({"key": "off-track", "label": off_track_label})
    if any(p["confidence"] for p in chart_points):
        legend.append({"key": "confidence", "label": gettext("Dot size: confidence")})

    rows = [
        _row("baseline", gettext("Baseline"), baseline.day, baseline_label),
        *(
            {
                "kind": "checkin",
                "kind_label": checkin_label,
                "iso": p["iso"],
                "date_label": p["date_label"],
                "value_label": p["value_label"],
                "confidence_label": p["confidence_label"],
                "status_label": p["status_label"],
            }
            for p in chart_points
        ),
        _row("target", gettext("Target"), target.day, target_label),
    ]
    if stretch is not None:
        rows.append(_row("stretch", gettext("Stretch target"), target.day, fmt(stretch)))

    chart_id = chart_id or _chart_id(title, baseline, target, len(checkins))
    return {
        "chart_id": chart_id,
        "title_id": f"{chart_id}-title",
        "desc_id": f"{chart_id}-desc",
        "title": title,
        "unit_label": unit_label,
        "description": " ".join(sentences),
        "width": width,
        "height": height,
        "view_box": f"0 0 {width} {height}",
        "plot": {
            "x": _r(plot_x),
            "y": _r(plot_y),
            "width": _r(plot_w),
            "height": _r(plot_h),
            "right": _r(plot_right),
            "bottom": _r(plot_bottom),
        },
        "unit": unit,
        "y_ticks": y_ticks,
        "y_label_x": _r(plot_x - 8),
        "x_ticks": x_ticks,
        "x_tick_y2": _r(plot_bottom + 5),
        "x_label_y": _r(plot_bottom + 19),
        "ideal": ideal,
        "actual_d": actual_d,
        "points": chart_points,
        "has_points": bool(chart_points),
        "dense": dense,
        "off_track_count": off_track_count,
        "baseline_marker": {
            "x": base_x,
            "y": base_y,
            "d": _diamond(base_x, base_y, 6),
            "tooltip": gettext("Baseline %(value)s on %(date)s")
            % {"value": baseline_label, "date": baseline_date},
        },
        "target_marker": {"x": target_x, "y": target_y},
        "target_line": target_line,
        "stretch_line": stretch_line,
        "band": band,
        "today": today_marker,
        "legend": legend,
        "decreasing": decreasing,
        "table": {
            "caption": gettext("%(title)s: baseline, check-ins and target") % {"title": title},
            "rows": rows,
        },
        "empty_message": "" if chart_points else gettext("No check-ins yet."),
    }


def _row(kind: str, kind_label: str, day: datetime.date, value_label: str) -> dict:
    return {
        "kind": kind,
        "kind_label": kind_label,
        "iso": day.isoformat(),
        "date_label": _date_label(day),
        "value_label": value_label,
        "confidence_label": "",
        "status_label": "",
    }


def _diamond(x: float, y: float, size: float) -> str:
    corners = [(x, y - size), (x + size, y), (x, y + size), (x - size, y)]
    return _path(corners) + " Z"


def _marks(points: list[dict]):
    for point in points:
        yield point["x"], point["y"], point["r"]


def _vertices(d: str) -> list[tuple[float, float]]:
    """The vertices of a path made by `_path` ("M1 2 L3 4 ...")."""
    if not d:
        return []
    return [
        (float(x), float(y))
        for x, y in (part[1:].split(" ") for part in d.replace(" L", "|L").split("|"))
    ]


def _overlaps(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _crosses(rect: tuple[float, float, float, float], start, end) -> bool:
    """Whether the segment start-end passes through rect (Liang-Barsky clipping)."""
    (x0, y0), (x1, y1) = start, end
    left, top, right, bottom = rect
    if max(x0, x1) < left or min(x0, x1) > right or max(y0, y1) < top or min(y0, y1) > bottom:
        return False
    dx, dy = x1 - x0, y1 - y0
    low, high = 0.0, 1.0
    for p, q in ((-dx, x0 - left), (dx, right - x0), (-dy, y0 - top), (dy, bottom - y0)):
        if p == 0:
            if q < 0:
                return False
        else:
            t = q / p
            if p < 0:
                low = max(low, t)
            else:
                high = min(high, t)
            if low > high:
                return False
    return True


def _reference_line(
    label: str,
    y: float,
    *,
    side: int,
    plot: tuple[float, float, float, float],
    obstacles: Sequence[tuple[float, float, float, float]] = (),
    segments: Sequence[tuple[tuple[float, float], tuple[float, float]]] = (),
) -> dict:
    """A full-width horizontal line with a label pill near one end.

    The pill prefers the left end on `side` (-1 above the line, 1 below), then the other
    side, then the right end; it takes the first place inside the plot that covers no
    check-in, marker or line, or else the place that covers the fewest.
    """
    left, top, right, bottom = plot
    pill_width = _text_width(label, PILL_FONT, bold=True) + 16
    best = None
    for end in ("left", "right"):
        for pill_side in (side, -side):
            x = left + 6 if end == "left" else right - 6 - pill_width
            pill_y = y - 3 - PILL_HEIGHT if pill_side < 0 else y + 3
            rect = (x, pill_y, x + pill_width, pill_y + PILL_HEIGHT)
            if pill_y < top - 0.05 or pill_y + PILL_HEIGHT > bottom + 0.05 or x < left:
                continue
            hits = sum(1 for box in obstacles if _overlaps(rect, box))
            hits += sum(1 for a, b in segments if _crosses(rect, a, b))
            if best is None or hits < best[0]:
                best = (hits, x, pill_y)
            if not hits:
                break
        if best is not None and best[0] == 0:
            break
    if best is None:  # a plot too small for any label: put it on the line
        best = (0, left + 6, y - PILL_HEIGHT / 2)
    _, pill_x, pill_y = best
    return {
        "x1": _r(left),
        "x2": _r(right),
        "y": _r(y),
        "label": label,
        "pill": {
            "x": _r(pill_x),
            "y": _r(pill_y),
            "width": _r(pill_width),
            "height": PILL_HEIGHT,
        },
        "text_x": _r(pill_x + 8),
        "text_y": _r(pill_y + PILL_HEIGHT / 2 + 4.2),
    }


# ---------------------------------------------------------------------------------------
# The sparkline
# ---------------------------------------------------------------------------------------


def sparkline(
    *,
    points: list[ChartPoint],
    baseline: ChartPoint,
    target: ChartPoint,
    width: int = 120,
    height: int = 32,
    unit_label: str = "",
    value_format: Callable[[Decimal], str] = str,
) -> dict:
    """A tiny trend: baseline and check-ins as a line, the target as a faint line."""
    checkins = sorted((p for p in points if _finite(p.value)), key=lambda p: p.day)

    fmt = _value_formatter(unit_label, value_format)

    pad = 4.0  # room for the last dot
    with localcontext() as context:
        context.prec = 60
        low, high = _value_range([baseline.value, target.value, *(p.value for p in checkins)])
    low_f, high_f = float(low), float(high)
    start = min([baseline.day, *(p.day for p in checkins)])
    end = max([target.day, *(p.day for p in checkins)])
    span_days = max(1, (end - start).days)

    def x_of(day: datetime.date) -> float:
        return _r(pad + (day - start).days / span_days * (width - 2 * pad))

    def y_of(value: Decimal) -> float:
        return _r(pad + (high_f - float(value)) / (high_f - low_f) * (height - 2 * pad))

    target_label = fmt(target.value)
    result = {
        "width": width,
        "height": height,
        "view_box": f"0 0 {width} {height}",
        "empty": not checkins,
        "target": {"x1": _r(pad), "x2": _r(width - pad), "y": y_of(target.value)},
        "baseline": {"x": x_of(baseline.day), "y": y_of(baseline.value)},
        "path_d": "",
        "last": None,
    }
    if not checkins:
        result["label"] = gettext("No check-ins yet; target %(target)s") % {"target": target_label}
        result["text"] = gettext(
            "No check-ins yet. Baseline %(baseline)s, target %(target)s by %(date)s."
        ) % {
            "baseline": fmt(baseline.value),
            "target": target_label,
            "date": _date_label(target.day),
        }
        return result

    line = sorted([(baseline.day, 0, baseline.value)] + [(p.day, 1, p.value) for p in checkins])
    last = checkins[-1]
    last_label = fmt(last.value)
    result["path_d"] = _path((x_of(day), y_of(value)) for day, _, value in line)
    result["last"] = {
        "x": x_of(last.day),
        "y": y_of(last.value),
        "off_track": _is_off_track(last, baseline, target, None, None),
    }
    result["label"] = gettext("Trend: latest %(value)s, target %(target)s") % {
        "value": last_label,
        "target": target_label,
    }
    result["text"] = gettext(
        "Baseline %(baseline)s, latest check-in %(value)s on %(date)s, "
        "target %(target)s by %(target_date)s."
    ) % {
        "baseline": fmt(baseline.value),
        "value": last_label,
        "date": _date_label(last.day),
        "target": target_label,
        "target_date": _date_label(target.day),
    }
    return result
