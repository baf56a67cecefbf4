"""The one chart renderer (common.charts): ticks, empty and flat charts, SVG and PNG output."""

import io
import math
import xml.etree.ElementTree as ET

import pytest
from django.utils import translation
from PIL import Image

from common.charts import (
    Chart,
    HLine,
    Polyline,
    Series,
    Text,
    _overlaps,
    _text_box,
    charts_png,
    layout,
    line_chart_svg,
    nice_ticks,
)

SVG = "{http://www.w3.org/2000/svg}"


def _along(points, step=2.0):
    """Points every `step` pixels along a polyline (the test's own, finer than the renderer's)."""
    for (x1, y1), (x2, y2) in zip(points, points[1:], strict=False):
        n = max(1, int(math.hypot(x2 - x1, y2 - y1) / step))
        for i in range(n + 1):
            yield x1 + (x2 - x1) * i / n, y1 + (y2 - y1) * i / n


def _texts(svg: str) -> list[str]:
    return [node.text for node in ET.fromstring(svg).iter(f"{SVG}text")]


@pytest.mark.parametrize(
    ("low", "high"),
    [(84.6, 85.4), (2.95, 3.05), (0, 1_234_567), (-3, 7), (0.001, 0.004), (85, 85), (0, 0)],
)
def test_ticks_are_distinct_steps_of_one_two_or_five_covering_the_range(low, high):
    ticks, places = nice_ticks(low, high)
    assert ticks[0] <= low and ticks[-1] >= high
    assert 2 <= len(ticks) <= 12
    step = ticks[1] - ticks[0]
    mantissa = round(step / 10 ** math.floor(math.log10(step)), 6)
    assert mantissa in (1, 2, 5)
    labels = [f"{t:.{places}f}" for t in ticks]
    assert len(set(labels)) == len(labels)


def test_kpi_axis_labels_never_repeat_and_cover_data_and_target():
    # Today's complaint: "85, 85, 85, 85" and "€3.0" three times.
    svg = line_chart_svg(
        title="Cost per ticket",
        series=[Series("daily", [(1, 2.98), (2, 3.01), (3, 3.02)])],
        hlines=[HLine("target 3.05", 3.05)],
        y_money=True,
    )
    plan = layout(
        Chart(
            title="Cost per ticket",
            series=[Series("daily", [(1, 2.98), (2, 3.01), (3, 3.02)])],
            hlines=[HLine("target 3.05", 3.05)],
            y_money=True,
        )
    )
    y_labels = [t.text for t in plan.items if isinstance(t, Text) and t.anchor == "end"]
    y_labels = [label for label in y_labels if label.startswith("€")]
    assert len(y_labels) >= 3
    assert len(set(y_labels)) == len(y_labels)
    assert y_labels[0] == "€2.98" and y_labels[-1] == "€3.06"  # fitted, not from 0
    assert "€0.00" not in _texts(svg)


def test_a_flat_series_draws_a_sensible_range_around_its_value():
    svg = line_chart_svg(
        title="CSAT (%)",
        series=[Series("daily", [(d, 85) for d in range(1, 31)])],
        hlines=[HLine("target 85", 85)],
    )
    texts = _texts(svg)
    y_labels = texts[1 : texts.index("1")]  # the title, then the y ticks, then the x ticks
    assert y_labels == ["80", "82", "84", "86", "88", "90"]
    assert "0" not in texts


def test_no_data_draws_a_message_and_no_axes():
    with translation.override("nl"):
        svg = line_chart_svg(
            title="CSAT (%)",
            series=[Series("daily", [(1, None), (2, None)])],
            hlines=[HLine("target 85", 85)],
        )
    root = ET.fromstring(svg)
    assert [n.text for n in root.iter(f"{SVG}text")] == ["CSAT (%)", "Nog geen gegevens"]
    assert list(root.iter(f"{SVG}line")) == []
    assert list(root.iter(f"{SVG}polyline")) == []


def test_svg_is_well_formed_and_accessible():
    title = 'Cost <per> "ticket" & more'
    svg = line_chart_svg(
        title=title,
        series=[Series("a & b", [(1, 1), (2, 2)])],
        hlines=[HLine("target <2>", 2)],
    )
    root = ET.fromstring(svg)
    assert root.get("role") == "img"
    assert root.get("aria-label") == title
    assert root.find(f"{SVG}title").text == title
    # The text equivalent (the accessible description): what the lines show, in words.
    assert root.find(f"{SVG}desc").text == (
        "a & b: 1.00 at 1, 2.00 at 2 (lowest 1.00, highest 2.00, 2 points). target <2>: 2.00."
    )


def test_an_empty_chart_says_so_in_words_too():
    svg = line_chart_svg(title="CSAT", series=[Series("CSAT %", [(1, None)])])
    assert ET.fromstring(svg).find(f"{SVG}desc").text == "CSAT %: no data yet."


@pytest.mark.parametrize("target", [50, 62, 80])
def test_the_target_label_overlaps_neither_the_data_nor_the_title(target):
    # The data runs along the target at the right end, where the label would go first.
    points = [(d, 40 if d < 20 else target) for d in range(1, 31)]
    title = "A long title that spans much of the width of the chart, on purpose"
    plan = layout(
        Chart(title=title, series=[Series("s", points)], hlines=[HLine("target", target)])
    )
    label = next(t for t in plan.items if isinstance(t, Text) and t.text == "target")
    title_text = next(t for t in plan.items if isinstance(t, Text) and t.text == title)
    box = _text_box(label)
    line = next(item for item in plan.items if isinstance(item, Polyline))
    assert not any(box[0] <= x <= box[2] and box[1] <= y <= box[3] for x, y in _along(line.points))
    assert not _overlaps(box, _text_box(title_text))


def test_x_labels_are_thinned_so_they_do_not_touch():
    plan = layout(Chart(title="T", series=[Series("s", [(d, d) for d in range(1, 366)])]))
    x_labels = [t for t in plan.items if isinstance(t, Text) and t.anchor == "middle" and t.y > 200]
    positions = sorted(t.x for t in x_labels if t.text.replace(",", "").isdigit())
    assert 3 <= len(positions) <= 12
    assert all(b - a >= 30 for a, b in zip(positions, positions[1:], strict=False))


def test_png_decodes_with_the_expected_size():
    charts = [
        Chart(title="A", series=[Series("s", [(1, 1), (2, 3)])], width=560, height=190),
        Chart(title="B", series=[Series("s", [])], width=560, height=190),
    ]
    image = Image.open(io.BytesIO(charts_png(charts)))
    image.load()
    assert image.format == "PNG"
    assert image.size == (560, 380)
