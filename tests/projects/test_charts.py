"""Server-rendered SVG charts of shared success metrics: geometry, edge cases, rendering."""

import datetime
import itertools
import math
import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from projects import charts
from projects.charts import ChartPoint, metric_chart, sparkline

D = Decimal
JAN_1 = datetime.date(2026, 1, 1)
JUN_30 = datetime.date(2026, 6, 30)
MID_MARCH = datetime.date(2026, 3, 20)
SVG = "{http://www.w3.org/2000/svg}"
NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def day(offset: int) -> datetime.date:
    return JAN_1 + datetime.timedelta(days=offset)


def example(**overrides) -> dict:
    """The cases-solved metric from the brief: 61 % to 75 % in the first half of 2026."""
    kwargs = {
        "title": "Cases solved at first contact",
        "unit_label": "%",
        "baseline": ChartPoint(JAN_1, D(61)),
        "target": ChartPoint(JUN_30, D(75)),
        "points": [
            ChartPoint(datetime.date(2026, 1, 20), D(62), "low"),
            ChartPoint(datetime.date(2026, 2, 5), D("64.5"), "medium"),
            ChartPoint(datetime.date(2026, 3, 15), D(68), "high"),
        ],
        "today": MID_MARCH,
    }
    kwargs.update(overrides)
    return metric_chart(**kwargs)


def move_to(d: str) -> list[tuple[float, float]]:
    """The vertices of an SVG path made of M/L commands."""
    return [(float(x), float(y)) for x, y in re.findall(r"[ML](-?[\d.]+) (-?[\d.]+)", d)]


def assert_inside_plot(chart: dict) -> None:
    plot = chart["plot"]
    xs = [p["x"] for p in chart["points"]] + [chart["baseline_marker"]["x"]]
    ys = [p["y"] for p in chart["points"]] + [chart["baseline_marker"]["y"]]
    xs += [x for x, _ in move_to(chart["ideal"]["d"]) + move_to(chart["actual_d"])]
    ys += [y for _, y in move_to(chart["ideal"]["d"]) + move_to(chart["actual_d"])]
    ys.append(chart["target_line"]["y"])
    for x in xs:
        assert plot["x"] <= x <= plot["right"], x
    for y in ys:
        assert plot["y"] <= y <= plot["bottom"], y
    assert plot["right"] <= chart["width"]
    assert plot["bottom"] <= chart["height"]


def assert_round_ticks(chart: dict) -> None:
    values = [tick["value"] for tick in chart["y_ticks"]]
    assert 4 <= len(values) <= 6
    assert values == sorted(set(values))
    steps = {b - a for a, b in itertools.pairwise(values)}
    assert len(steps) == 1
    step = steps.pop()
    mantissa = step.scaleb(-step.adjusted()).normalize()
    assert mantissa in {D(1), D(2), D("2.5"), D(5)}
    for value in values:
        assert (value / step) == (value / step).to_integral_value()
    ys = [tick["y"] for tick in chart["y_ticks"]]
    assert ys == sorted(ys, reverse=True)  # larger values higher up
    assert ys[0] == chart["plot"]["bottom"]
    assert ys[-1] == chart["plot"]["y"]


def assert_ordered_x_ticks(chart: dict) -> None:
    ticks = chart["x_ticks"]
    days = [tick["day"] for tick in ticks]
    assert days == sorted(set(days))
    xs = [tick["x"] for tick in ticks]
    assert xs == sorted(xs)
    for x in xs:
        assert chart["plot"]["x"] <= x <= chart["plot"]["right"]
    for tick in ticks:
        assert 0 <= tick["label_x"] <= chart["width"]


def numbers_in(chart: dict) -> list:
    """Every number the templates will print as a coordinate."""
    found = []

    def walk(value):
        if isinstance(value, dict):
            for key, item in value.items():
                if key not in {"value", "day"}:
                    walk(item)
        elif isinstance(value, list | tuple):
            for item in value:
                walk(item)
        elif isinstance(value, float | int) and not isinstance(value, bool):
            found.append(value)

    walk(chart)
    return found


def render(chart: dict) -> str:
    return render_to_string("projects/includes/metric_chart.html", {"chart": chart})


def svg_of(html: str) -> ET.Element:
    start, end = html.index("<svg"), html.index("</svg>") + len("</svg>")
    return ET.fromstring(html[start:end])  # noqa: S314 - our own template's output


# ---------------------------------------------------------------------------------------
# Geometry
# ---------------------------------------------------------------------------------------


class TestGeometry:
    def test_the_ideal_path_runs_from_baseline_to_target(self):
        chart = example()
        (x1, y1), (x2, y2) = move_to(chart["ideal"]["d"])
        assert (x1, y1) == (chart["baseline_marker"]["x"], chart["baseline_marker"]["y"])
        assert (x2, y2) == (chart["target_marker"]["x"], chart["target_marker"]["y"])
        assert x1 == chart["plot"]["x"]
        assert x2 == chart["plot"]["right"]
        assert y2 == chart["target_line"]["y"]
        assert y1 > y2  # the target is higher up the picture

    def test_points_lie_inside_the_plot_area(self):
        assert_inside_plot(example())

    def test_y_ticks_are_round_and_increasing(self):
        chart = example()
        assert_round_ticks(chart)
        assert [t["label"] for t in chart["y_ticks"]] == ["55", "60", "65", "70", "75", "80"]

    def test_x_ticks_are_ordered_months_for_a_half_year(self):
        chart = example()
        assert_ordered_x_ticks(chart)
        assert [t["label"] for t in chart["x_ticks"]] == [
            "Jan 2026",
            "Feb 2026",
            "Mar 2026",
            "Apr 2026",
            "May 2026",
            "Jun 2026",
        ]
        assert all(t["day"].day == 1 for t in chart["x_ticks"])

    def test_x_ticks_are_weeks_for_a_short_span(self):
        chart = example(target=ChartPoint(day(42), D(75)), points=[ChartPoint(day(10), D(63))])
        assert_ordered_x_ticks(chart)
        assert all(t["day"].weekday() == 0 for t in chart["x_ticks"])  # Mondays
        assert chart["x_ticks"][0]["label"] == "5 Jan"

    def test_x_ticks_thin_out_for_long_spans(self):
        chart = example(target=ChartPoint(datetime.date(2030, 12, 31), D(75)))
        assert_ordered_x_ticks(chart)
        assert 3 <= len(chart["x_ticks"]) <= 8
        assert all(t["day"].month == 1 for t in chart["x_ticks"])

    def test_x_tick_labels_localize(self):
        with translation.override("fi"):
            chart = example()
        # Finnish writes chart dates with numbers (CLDR), not "Tam 2026" in English word order.
        assert chart["x_ticks"][0]["label"] == "1.2026"

    def test_the_y_range_covers_every_value_with_padding(self):
        chart = example(stretch=D(90), points=[ChartPoint(day(30), D(40))])
        low, high = chart["y_ticks"][0]["value"], chart["y_ticks"][-1]["value"]
        assert low < 40
        assert high > 90
        span = D(90) - D(40)
        assert 40 - low >= span * charts.Y_PADDING
        assert high - 90 >= span * charts.Y_PADDING

    def test_the_x_range_extends_to_check_ins_outside_the_plan(self):
        early = ChartPoint(datetime.date(2025, 12, 1), D(60))
        late = ChartPoint(datetime.date(2026, 8, 1), D(76))
        chart = example(points=[early, late])
        assert_inside_plot(chart)
        assert chart["points"][0]["x"] == chart["plot"]["x"]
        assert chart["points"][-1]["x"] == chart["plot"]["right"]
        assert chart["plot"]["x"] < chart["baseline_marker"]["x"]
        assert chart["target_marker"]["x"] < chart["plot"]["right"]

    def test_the_actual_line_starts_at_the_baseline_and_follows_the_dates(self):
        points = [ChartPoint(day(40), D(66)), ChartPoint(day(10), D(62))]  # any order
        chart = example(points=points)
        vertices = move_to(chart["actual_d"])
        assert vertices[0] == (chart["baseline_marker"]["x"], chart["baseline_marker"]["y"])
        assert [x for x, _ in vertices] == sorted(x for x, _ in vertices)
        assert [p["iso"] for p in chart["points"]] == [day(10).isoformat(), day(40).isoformat()]

    def test_coordinates_are_rounded_to_one_decimal(self):
        chart = example()
        for number in numbers_in(chart):
            assert round(number, 1) == number
        for d in (chart["ideal"]["d"], chart["actual_d"], chart["baseline_marker"]["d"]):
            assert all(len(n.partition(".")[2]) <= 1 for n in NUMBER.findall(d))

    def test_confidence_sets_the_dot_size(self):
        chart = example()
        low, medium, high = chart["points"]
        assert low["r"] < medium["r"] < high["r"]
        assert "metric-chart__point--low" in low["css_class"]
        assert "metric-chart__point--high" in high["css_class"]

    def test_an_unknown_confidence_draws_as_medium(self):
        chart = example(points=[ChartPoint(day(5), D(62)), ChartPoint(day(9), D(62), "huge")])
        assert {p["r"] for p in chart["points"]} == {charts.POINT_RADIUS["medium"]}
        assert chart["points"][1]["confidence"] is None

    def test_the_today_marker_shows_only_inside_the_span(self):
        inside = example(today=MID_MARCH)
        assert inside["today"] is not None
        assert inside["plot"]["x"] < inside["today"]["x"] < inside["plot"]["right"]
        assert example(today=datetime.date(2027, 1, 1))["today"] is None
        assert example(today=datetime.date(2025, 1, 1))["today"] is None

    def test_the_chart_id_is_stable_distinct_and_overridable(self):
        assert example()["chart_id"] == example()["chart_id"]
        assert example()["chart_id"] != example(title="Another metric")["chart_id"]
        chart = example(chart_id="metric-7")
        assert (chart["title_id"], chart["desc_id"]) == ("metric-7-title", "metric-7-desc")

    def test_the_description_summarises_in_words(self):
        assert example()["description"] == (
            "Baseline 61 % on 1 Jan 2026, target 75 % by 30 Jun 2026. "
            "Latest check-in: 68 % on 15 Mar 2026."
        )

    def test_off_track_points_are_marked(self):
        # Halfway through, the ideal path is at 68; the tolerance is 10% of 14, so 67 is
        # within it and 66 is not.
        points = [ChartPoint(day(90), D(67)), ChartPoint(day(90), D(66))]
        chart = example(points=points)
        assert [p["off_track"] for p in chart["points"]] == [False, True]
        assert "metric-chart__point--off-track" in chart["points"][1]["css_class"]
        assert chart["points"][1]["status_label"] == "Off track"
        assert chart["off_track_count"] == 1
        assert "1 of 2 check-ins is off track." in chart["description"]
        assert {"key": "off-track", "label": "Off track"} in chart["legend"]

    def test_ahead_of_the_plan_is_on_track(self):
        chart = example(points=[ChartPoint(day(10), D(74))])
        assert chart["points"][0]["off_track"] is False
        assert chart["off_track_count"] == 0


# ---------------------------------------------------------------------------------------
# Edge cases
# ---------------------------------------------------------------------------------------


class TestEdgeCases:
    def test_no_check_ins(self):
        chart = example(points=[])
        assert chart["points"] == []
        assert chart["actual_d"] == ""
        assert chart["has_points"] is False
        assert chart["empty_message"] == "No check-ins yet."
        assert chart["description"].endswith("No check-ins yet.")
        assert_round_ticks(chart)
        assert_inside_plot(chart)
        assert [row["kind"] for row in chart["table"]["rows"]] == ["baseline", "target"]

    def test_one_check_in(self):
        chart = example(points=[ChartPoint(day(30), D(63), "high")])
        assert len(chart["points"]) == 1
        assert len(move_to(chart["actual_d"])) == 2  # baseline, then the check-in
        assert_inside_plot(chart)

    @pytest.mark.parametrize(
        ("value", "low", "high"),
        [(D(5), D("4.5"), D("5.5")), (D(0), D(0), D(1)), (D(-200), D(-220), D(-180))],
    )
    def test_all_values_equal(self, value, low, high):
        chart = example(
            baseline=ChartPoint(JAN_1, value),
            target=ChartPoint(JUN_30, value),
            points=[ChartPoint(day(20), value), ChartPoint(day(40), value)],
        )
        assert_round_ticks(chart)
        assert_inside_plot(chart)
        assert chart["y_ticks"][0]["value"] <= low
        assert chart["y_ticks"][-1]["value"] >= high
        assert chart["y_ticks"][-1]["value"] - chart["y_ticks"][0]["value"] <= 4 * (high - low)
        assert all(not p["off_track"] for p in chart["points"])  # nothing to fall behind

    def test_target_date_equals_baseline_date(self):
        chart = example(target=ChartPoint(JAN_1, D(75)), points=[], today=JAN_1)
        assert_inside_plot(chart)
        assert_ordered_x_ticks(chart)
        assert len(chart["x_ticks"]) >= 2
        (x1, _), (x2, _) = move_to(chart["ideal"]["d"])
        assert x1 == x2
        assert chart["plot"]["x"] < x1 < chart["plot"]["right"]
        assert chart["today"]["x"] == x1
        assert all(math.isfinite(n) for n in numbers_in(chart))

    def test_a_check_in_on_the_target_date_when_it_equals_the_baseline_date(self):
        chart = example(target=ChartPoint(JAN_1, D(61)), points=[ChartPoint(JAN_1, D(61))])
        assert_inside_plot(chart)
        assert chart["points"][0]["off_track"] is False

    def test_negative_values(self):
        chart = example(
            unit_label="k€",
            baseline=ChartPoint(JAN_1, D(-40)),
            target=ChartPoint(JUN_30, D(5)),
            points=[ChartPoint(day(30), D(-35)), ChartPoint(day(60), D(-50))],
        )
        assert_round_ticks(chart)
        assert_inside_plot(chart)
        labels = [t["label"] for t in chart["y_ticks"]]
        assert "0" in labels
        assert labels[0].startswith("-")
        assert "-0" not in labels

    def test_positive_metrics_get_no_negative_ticks(self):
        chart = example(baseline=ChartPoint(JAN_1, D(0)), target=ChartPoint(JUN_30, D(100)))
        assert chart["y_ticks"][0]["value"] == 0

    def test_huge_values_are_labelled_with_value_format(self):
        def millions(value: Decimal) -> str:
            return f"{value / 1_000_000:g} M"

        chart = example(
            unit_label="EUR",
            baseline=ChartPoint(JAN_1, D(0)),
            target=ChartPoint(JUN_30, D(12_500_000)),
            points=[ChartPoint(day(60), D(3_200_000))],
            value_format=millions,
        )
        assert_round_ticks(chart)
        assert_inside_plot(chart)
        assert [t["label"] for t in chart["y_ticks"]] == ["0 M", "5 M", "10 M", "15 M"]
        assert chart["target_line"]["label"] == "Target 12.5 M EUR"
        assert "target 12.5 M EUR by 30 Jun 2026" in chart["description"]
        assert chart["plot"]["x"] < chart["width"] / 3 + 1  # labels do not eat the chart

    def test_astronomically_large_values(self):
        big = D("1e40")
        chart = example(
            baseline=ChartPoint(JAN_1, big),
            target=ChartPoint(JUN_30, big * 3),
            points=[ChartPoint(day(3), big * 2)],
            value_format=lambda v: f"{v:.1e}",
        )
        assert_round_ticks(chart)
        assert_inside_plot(chart)
        assert all(math.isfinite(n) for n in numbers_in(chart))

    def test_tiny_fractions(self):
        chart = example(
            unit_label="",
            baseline=ChartPoint(JAN_1, D("0.0012")),
            target=ChartPoint(JUN_30, D("0.0019")),
            points=[ChartPoint(day(40), D("0.00135"))],
        )
        assert_round_ticks(chart)
        assert_inside_plot(chart)
        labels = [t["label"] for t in chart["y_ticks"]]
        assert all("E" not in label for label in labels)
        assert labels[0].startswith("0.00")

    def test_non_finite_values_are_left_out(self):
        chart = example(points=[ChartPoint(day(3), D("NaN")), ChartPoint(day(4), D(62))])
        assert len(chart["points"]) == 1
        assert_inside_plot(chart)

    def test_many_dense_points_get_smaller_dots(self):
        points = [ChartPoint(day(i % 180), D(61 + i % 10)) for i in range(200)]
        chart = example(points=points)
        assert chart["dense"] is True
        assert max(p["r"] for p in chart["points"]) < charts.POINT_RADIUS["medium"]
        assert min(p["r"] for p in chart["points"]) > 0

    @settings(max_examples=150, deadline=None)
    @given(
        values=st.lists(
            st.decimals(min_value=-(10**9), max_value=10**9, places=3, allow_nan=False),
            min_size=2,
            max_size=12,
        ),
        offsets=st.lists(st.integers(min_value=-400, max_value=2000), min_size=2, max_size=12),
        stretch=st.none() | st.decimals(min_value=-(10**9), max_value=10**9, places=2),
        width=st.integers(min_value=240, max_value=1200),
    )
    def test_any_metric_draws_inside_the_plot(self, values, offsets, stretch, width):
        baseline_day, *rest = offsets
        target_day = max(baseline_day, rest[0])
        chart = example(
            baseline=ChartPoint(day(baseline_day), values[0]),
            target=ChartPoint(day(target_day), values[1]),
            points=[
                ChartPoint(day(offset), value)
                for offset, value in zip(rest[1:], values[2:], strict=False)
            ],
            stretch=stretch,
            width=width,
        )
        assert_round_ticks(chart)
        assert_ordered_x_ticks(chart)
        assert_inside_plot(chart)
        assert all(math.isfinite(n) for n in numbers_in(chart))


# ---------------------------------------------------------------------------------------
# Decreasing metrics, stretch targets and ranges
# ---------------------------------------------------------------------------------------


class TestDirectionsAndRanges:
    def decreasing(self, **overrides):
        kwargs = {
            "unit_label": "days",
            "baseline": ChartPoint(JAN_1, D(21)),
            "target": ChartPoint(JUN_30, D(10)),
            "points": [ChartPoint(day(60), D(17)), ChartPoint(day(90), D(20))],
        }
        kwargs.update(overrides)
        return example(**kwargs)

    def test_a_decreasing_metric_runs_downhill(self):
        chart = self.decreasing()
        assert chart["decreasing"] is True
        (_, y1), (_, y2) = move_to(chart["ideal"]["d"])
        assert y1 < y2  # the baseline is higher up than the target
        assert_round_ticks(chart)
        assert_inside_plot(chart)

    def test_a_decreasing_metric_is_off_track_above_the_ideal_path(self):
        # On day 60 the ideal is ~17.4 (17 is ahead); on day 90 it is ~15.5 (20 is behind).
        chart = self.decreasing()
        assert [p["off_track"] for p in chart["points"]] == [False, True]

    def test_the_target_label_sits_beyond_the_target(self):
        up, down = example(), self.decreasing()
        assert up["target_line"]["pill"]["y"] < up["target_line"]["y"]  # above
        assert down["target_line"]["pill"]["y"] > down["target_line"]["y"]  # below

    def test_the_target_label_flips_when_there_is_no_room(self):
        # Down to zero: the zero line is the bottom of the plot, so the label goes above.
        chart = self.decreasing(target=ChartPoint(JUN_30, D(0)), points=[])
        line = chart["target_line"]
        assert line["y"] == chart["plot"]["bottom"]
        assert line["pill"]["y"] + line["pill"]["height"] <= line["y"]

    def test_a_stretch_target_gets_its_own_line_and_label(self):
        chart = example(stretch=D(80))
        stretch, target = chart["stretch_line"], chart["target_line"]
        assert stretch["y"] < target["y"]
        assert stretch["label"] == "Stretch 80 %"
        # Labels on opposite sides of their lines, so they never collide.
        assert stretch["pill"]["y"] < stretch["y"]
        assert target["pill"]["y"] > target["y"]
        assert "Stretch target 80 %." in chart["description"]
        assert chart["table"]["rows"][-1]["kind"] == "stretch"

    def test_a_range_band_between_bounds(self):
        chart = example(
            unit_label="°C",
            baseline=ChartPoint(JAN_1, D(21)),
            target=ChartPoint(JUN_30, D(21)),
            points=[ChartPoint(day(10), D(22)), ChartPoint(day(20), D("23.5"))],
            lower=D(19),
            upper=D(23),
        )
        band = chart["band"]
        assert band["label"] == "Acceptable range 19 °C to 23 °C"
        assert chart["plot"]["y"] < band["y"]
        assert band["y"] + band["height"] < chart["plot"]["bottom"]
        # Inside the band is on track, outside is not, whatever the ideal path says.
        assert [p["off_track"] for p in chart["points"]] == [False, True]
        assert "Acceptable range 19 °C to 23 °C." in chart["description"]
        assert {"key": "band", "label": "Acceptable range"} in chart["legend"]
        assert_round_ticks(chart)

    def test_line_labels_keep_clear_of_check_ins(self):
        # Check-ins hugging the target at the left end push its label elsewhere.
        points = [ChartPoint(day(i), D(21) + D((i % 3) - 1) / 2) for i in range(0, 40, 4)]
        chart = example(
            unit_label="°C",
            baseline=ChartPoint(JAN_1, D(21)),
            target=ChartPoint(JUN_30, D(21)),
            points=points,
            lower=D(19),
            upper=D(23),
        )
        pill = chart["target_line"]["pill"]
        left, top = pill["x"], pill["y"]
        right, bottom = left + pill["width"], top + pill["height"]
        assert chart["plot"]["x"] <= left
        assert right <= chart["plot"]["right"]
        assert chart["plot"]["y"] <= top
        assert bottom <= chart["plot"]["bottom"]
        for point in chart["points"]:
            clear_x = point["x"] + point["r"] < left or point["x"] - point["r"] > right
            clear_y = point["y"] + point["r"] < top or point["y"] - point["r"] > bottom
            assert clear_x or clear_y, point

    def test_bounds_in_the_wrong_order_are_swapped(self):
        chart = example(lower=D(70), upper=D(60))
        assert chart["band"]["label"] == "Acceptable range 60 % to 70 %"

    def test_a_lower_bound_only_shades_up_to_the_top(self):
        chart = example(lower=D(65), points=[ChartPoint(day(5), D(64))])
        assert chart["band"]["y"] == chart["plot"]["y"]
        assert chart["band"]["label"] == "Acceptable: at least 65 %"
        assert chart["points"][0]["off_track"] is True

    def test_an_upper_bound_only_shades_down_to_the_bottom(self):
        chart = example(upper=D(70), points=[ChartPoint(day(5), D(64))])
        band = chart["band"]
        assert band["y"] + band["height"] == pytest.approx(chart["plot"]["bottom"], abs=0.1)
        assert chart["points"][0]["off_track"] is False

    def test_bounds_widen_the_y_range(self):
        chart = example(lower=D(10), upper=D(120))
        assert chart["y_ticks"][0]["value"] <= 10
        assert chart["y_ticks"][-1]["value"] >= 120


# ---------------------------------------------------------------------------------------
# The sparkline
# ---------------------------------------------------------------------------------------


class TestSparkline:
    def spark(self, points, **overrides):
        kwargs = {
            "points": points,
            "baseline": ChartPoint(JAN_1, D(61)),
            "target": ChartPoint(JUN_30, D(75)),
        }
        kwargs.update(overrides)
        return sparkline(**kwargs)

    def test_a_trend_ends_in_a_dot_at_the_latest_point(self):
        spark = self.spark([ChartPoint(day(40), D(66)), ChartPoint(day(20), D(63))])
        vertices = move_to(spark["path_d"])
        assert len(vertices) == 3
        assert vertices[-1] == (spark["last"]["x"], spark["last"]["y"])
        for x, y in vertices:
            assert 0 <= x <= spark["width"]
            assert 0 <= y <= spark["height"]
        assert spark["target"]["y"] < vertices[-1][1]  # the target is above the trend
        assert spark["label"] == "Trend: latest 66, target 75"

    def test_the_empty_state(self):
        spark = self.spark([])
        assert spark["empty"] is True
        assert spark["path_d"] == ""
        assert spark["last"] is None
        assert "No check-ins yet" in spark["text"]

    def test_flat_and_same_day(self):
        spark = self.spark(
            [ChartPoint(JAN_1, D(5))],
            baseline=ChartPoint(JAN_1, D(5)),
            target=ChartPoint(JAN_1, D(5)),
        )
        assert all(math.isfinite(n) for n in numbers_in(spark))

    def test_the_last_point_off_track(self):
        spark = self.spark([ChartPoint(day(150), D(61))], unit_label="%")
        assert spark["last"]["off_track"] is True
        assert spark["label"] == "Trend: latest 61 %, target 75 %"

    def test_it_renders(self):
        html = render_to_string(
            "projects/includes/sparkline.html",
            {"spark": self.spark([ChartPoint(day(40), D(66))])},
        )
        svg = svg_of(html)
        assert svg.get("role") == "img"
        assert svg.get("aria-label") == "Trend: latest 66, target 75"
        assert 'class="visually-hidden"' in html
        assert len(svg.findall(f"{SVG}circle")) == 1

    def test_the_empty_one_renders(self):
        html = render_to_string("projects/includes/sparkline.html", {"spark": self.spark([])})
        svg = svg_of(html)
        assert svg.find(f"{SVG}path") is None
        assert "No check-ins yet" in html


# ---------------------------------------------------------------------------------------
# The rendered template
# ---------------------------------------------------------------------------------------


class TestTemplate:
    def test_an_accessible_picture(self):
        chart = example(stretch=D(80), lower=D(55))
        html = render(chart)
        svg = svg_of(html)
        assert svg.get("role") == "img"
        assert svg.get("aria-labelledby") == f"{chart['title_id']} {chart['desc_id']}"
        assert svg.get("viewBox") == "0 0 640 280"
        title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
        assert (title.get("id"), title.text) == (chart["title_id"], chart["title"])
        assert (desc.get("id"), desc.text) == (chart["desc_id"], chart["description"])
        assert "<title" in html
        assert "<desc" in html
        assert 'role="img"' in html

    def test_a_data_table_alternative(self):
        html = render(example())
        assert "<summary>Show the data as a table</summary>" in html
        caption = "Cases solved at first contact: baseline, check-ins and target"
        assert f"<caption>{caption}</caption>" in html
        assert html.count('<th scope="col"') == 5
        assert html.count('<th scope="row"') == 5  # baseline, 3 check-ins, target
        assert '<time datetime="2026-03-15">15 Mar 2026</time>' in html
        for text in ("Baseline", "Target", "68 %", "High", "Low", "On track"):
            assert text in html

    def test_a_legend_in_words(self):
        html = render(example(stretch=D(80)))
        for text in ("Ideal path", "Check-ins", "Target", "Stretch target", "Baseline"):
            assert text in html

    def test_coordinates_are_never_nan_none_or_infinite(self):
        for chart in (
            example(),
            example(points=[]),
            example(target=ChartPoint(JAN_1, D(61)), points=[]),
            example(baseline=ChartPoint(JAN_1, D(7)), target=ChartPoint(JUN_30, D(7))),
        ):
            svg_markup = render(chart)
            svg_markup = svg_markup[svg_markup.index("<svg") : svg_markup.index("</svg>")]
            for bad in ("NaN", "nan", "None", "inf", "Infinity"):
                assert bad not in svg_markup

    @pytest.mark.parametrize("language", ["en", "fi"])
    def test_the_svg_is_valid_xml_with_plain_numbers(self, language):
        with translation.override(language):
            chart = example(
                stretch=D("80.5"),
                lower=D("58.25"),
                upper=D("82.75"),
                value_format=lambda v: f"{v:,}",
                title='Cases <solved> & "closed"',
            )
            html = render(chart)
        svg = svg_of(html)  # raises on invalid XML
        geometry = {"x", "y", "x1", "x2", "y1", "y2", "cx", "cy", "r", "width", "height"}
        for element in svg.iter():
            for name, value in element.attrib.items():
                if name in geometry:
                    float(value)  # no "12,5" from a localized float
                elif name == "d":
                    assert "," not in value
        assert svg.find(f"{SVG}title").text == 'Cases <solved> & "closed"'

    def test_ids_are_unique_per_chart(self):
        html = render(example(chart_id="a")) + render(example(chart_id="b"))
        ids = re.findall(r'\sid="([^"]+)"', html)
        assert len(ids) == len(set(ids))
        for referenced in re.findall(r'aria-labelledby="([^"]+)"', html):
            for id_ in referenced.split():
                assert id_ in ids

    def test_colours_come_from_classes(self):
        html = render(example(points=[ChartPoint(day(150), D(61))]))
        assert "style=" not in html
        assert not re.search(r'(fill|stroke)="#', html)
        assert "metric-chart__point--off-track" in html

    def test_the_empty_chart_says_so(self):
        html = render(example(points=[]))
        assert "No check-ins yet." in html
        assert '<path class="metric-chart__actual"' not in html
        assert "Check-ins" not in html  # no legend entry for a line that is not there


# ---------------------------------------------------------------------------------------
# Cost: counted in work done, never in time
# ---------------------------------------------------------------------------------------


class TestCost:
    def test_fifty_charts_of_two_hundred_points(self):
        rendered = []
        for chart_number in range(50):
            points = [
                ChartPoint(day(i), D(61 + (i * 7 + chart_number) % 15), ("low", "high")[i % 2])
                for i in range(200)
            ]
            rendered.append(render(example(points=points, chart_id=f"chart-{chart_number}")))
        for html in rendered:
            svg = svg_of(html)
            points_group = svg.find(f"{SVG}g[@class='metric-chart__points']")
            assert len(points_group.findall(f"{SVG}circle")) == 200
            assert len(svg.findall(f".//{SVG}circle")) == 201  # and the target marker
            assert html.count('<th scope="row"') == 202
            assert len(move_to(svg.find(f"{SVG}path[@class='metric-chart__actual']").get("d"))) == (
                201
            )

    def test_dates_are_localized_once_per_month_not_once_per_check_in(self, monkeypatch):
        calls = []
        real_date_format = charts.date_format

        def counting_date_format(value, fmt):
            calls.append(fmt)
            return real_date_format(value, fmt)

        monkeypatch.setattr(charts, "date_format", counting_date_format)

        def count_for(n: int) -> int:
            calls.clear()
            example(points=[ChartPoint(day(i * 170 // n), D(62)) for i in range(n)])
            return len(calls)

        assert count_for(100) == count_for(200) == count_for(1000)
        assert count_for(200) < 60  # axis labels, months, baseline and target
        labels = [p["date_label"] for p in example(points=[ChartPoint(day(73), D(62))])["points"]]
        assert labels == [real_date_format(day(73), "j M Y")] == ["15 Mar 2026"]

    def test_finnish_chart_dates_are_numeric_as_finns_write_them(self):
        with translation.override("fi"):
            labels = charts._DateLabels()
            assert labels[datetime.date(2026, 11, 2)] == "2.11.2026"
            assert charts._date_label(datetime.date(2026, 8, 3)) == "3.8.2026"
            chart = example(target=ChartPoint(day(20), D(75)))
        assert chart["x_ticks"][0]["label"].endswith(".")  # a day in the year: "5.1."

    def test_date_labels_match_date_format_in_every_language(self):
        for language in ("en", "fi"):
            with translation.override(language):
                labels = charts._DateLabels()
                for offset in range(0, 400, 17):
                    assert labels[day(offset)] == charts._date_label(day(offset))
