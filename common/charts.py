"""The one chart renderer: line charts laid out once, drawn as SVG (pages, PDF) or PNG (e-mail).

A `Chart` is the model (series, target lines, markers, axis labels, title). `layout()` turns it
into positioned primitives (lines, polylines, dots, texts) in pixels: the axis range, the "nice"
1-2-5 ticks, label placement that avoids collisions, the "no data yet" state. `to_svg()` and
`to_png()` only draw those primitives, so the page, the PDF and the e-mail show the same chart.

Values stay Decimal until they reach here; tick labels are formatted through `common.formats`
with just enough decimals to be distinct.
"""

from __future__ import annotations

import io
import math
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from html import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from PIL import Image, ImageDraw, ImageFont

from common.formats import format_decimal, format_eur

LEGEND_ROW_HEIGHT = 16
FONT_SIZE = 11
PALETTE = ("#0d6efd", "#d63384", "#198754", "#fd7e14", "#6f42c1", "#20c997", "#dc3545", "#6c757d")
TEXT_COLOR = "#212529"
MUTED_COLOR = "#495057"
GRID_COLOR = "#dee2e6"
AXIS_COLOR = "#6c757d"

Number = int | float | Decimal


# --- The model --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Series:
    label: str
    points: Sequence[tuple[Number, Number | None]]  # (x, y); y None leaves a gap
    color: str | None = None
    dashed: bool = False
    dots: bool = False
    width: float = 2


@dataclass(frozen=True)
class HLine:
    """A horizontal reference line, e.g. a KPI target."""

    label: str
    y: Number
    color: str = "#dc3545"


@dataclass(frozen=True)
class VMarker:
    """A vertical marker, e.g. the break-even month or a checkpoint day."""

    label: str
    x: Number
    color: str = "#198754"


@dataclass(frozen=True)
class Chart:
    title: str
    series: Sequence[Series]
    hlines: Sequence[HLine] = ()
    vmarkers: Sequence[VMarker] = ()
    x_label: str = ""
    y_label: str = ""
    y_money: bool = False  # tick labels in euros
    # KPI trends zoom in on the band around data and target; cumulative money starts at 0.
    y_from_zero: bool = False
    x_span: tuple[Number, Number] | None = None  # the x range to show, whatever the data
    x_format: Callable[[float], str] | None = None  # x tick labels (e.g. clock hours)
    width: int = 640
    height: int = 280


# --- Ticks --------------------------------------------------------------------------------------


def nice_ticks(low: float, high: float, count: int = 5) -> tuple[list[float], int]:
    """Ticks on a 1-2-5 step covering [low, high], and the decimals that keep labels distinct.

    A flat range (all values equal) is widened around its value so it still draws."""
    low, high = float(min(low, high)), float(max(low, high))
    if high - low < 1e-12:
        pad = abs(high) * 0.05 or 1.0
        low, high = low - pad, high + pad
    raw = (high - low) / max(count, 1)
    exponent = math.floor(math.log10(raw))
    fraction = raw / 10**exponent
    nice = 1 if fraction <= 1 else 2 if fraction <= 2 else 5 if fraction <= 5 else 10
    step = nice * 10.0**exponent
    first = math.floor(low / step + 1e-9)
    last = math.ceil(high / step - 1e-9)
    places = max(0, -math.floor(math.log10(step) + 1e-9))
    ticks = [round(i * step, places + 2) for i in range(first, last + 1)]
    return ticks, places


def _format_y(value: float, places: int, money: bool) -> str:
    number = Decimal(str(round(value, places)))
    return format_eur(number, places) if money else format_decimal(number, places)


# --- Layout: the chart as positioned primitives -------------------------------------------------


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    color: str
    width: float = 1
    dash: tuple[int, int] | None = None


@dataclass(frozen=True)
class Polyline:
    points: tuple[tuple[float, float], ...]
    color: str
    width: float = 2
    dash: tuple[int, int] | None = None


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    r: float
    color: str


@dataclass(frozen=True)
class Text:
    x: float
    y: float  # baseline
    text: str
    color: str = MUTED_COLOR
    size: int = FONT_SIZE
    anchor: str = "start"  # start | middle | end
    bold: bool = False
    vertical: bool = False  # rotated a quarter turn anticlockwise around (x, y)


@dataclass
class Layout:
    width: int
    height: int
    title: str
    items: list = field(default_factory=list)
    description: str = ""  # the chart in words, for screen readers (WCAG 1.1.1)


Box = tuple[float, float, float, float]


def text_width(text: str, size: int = FONT_SIZE) -> float:
    """An estimate wide enough for sans-serif text in the SVG and the PNG font."""
    return len(text) * size * 0.62


def _text_box(item: Text) -> Box:
    width = text_width(item.text, item.size)
    left = {"start": item.x, "middle": item.x - width / 2, "end": item.x - width}[item.anchor]
    return (left - 2, item.y - item.size * 0.85, left + width + 2, item.y + item.size * 0.3)


def _overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


class _Segments:
    """The plotted lines as straight pieces: what a label must not cover."""

    def __init__(self) -> None:
        # Each piece with its bounding box first, for a cheap rejection.
        self.pieces: list[tuple[float, float, float, float, float, float, float, float]] = []

    def add(self, polyline: Sequence[tuple[float, float]]) -> None:
        pairs = zip(polyline, polyline[1:], strict=False) if len(polyline) > 1 else [polyline * 2]
        self.pieces.extend(
            (min(x1, x2), max(x1, x2), min(y1, y2), max(y1, y2), x1, y1, x2, y2)
            for (x1, y1), (x2, y2) in pairs
        )

    def count_in(self, box: Box) -> int:
        """How many pieces pass through the box."""
        left, top, right, bottom = box
        return sum(
            1
            for x_low, x_high, y_low, y_high, x1, y1, x2, y2 in self.pieces
            if x_high >= left
            and x_low <= right
            and y_high >= top
            and y_low <= bottom
            and _crosses(x1, y1, x2, y2, box)
        )


def _crosses(x1: float, y1: float, x2: float, y2: float, box: Box) -> bool:
    """Whether the segment touches the box (Liang–Barsky clipping)."""
    left, top, right, bottom = box
    dx, dy = x2 - x1, y2 - y1
    low, high = 0.0, 1.0
    for p, q in ((-dx, x1 - left), (dx, right - x1), (-dy, y1 - top), (dy, bottom - y1)):
        if p == 0:
            if q < 0:
                return False
            continue
        t = q / p
        if p < 0:
            low = max(low, t)
        else:
            high = min(high, t)
        if low > high:
            return False
    return True


def _hits(box: Box, boxes: Sequence[Box], samples: _Segments) -> int:
    return sum(_overlaps(box, other) for other in boxes) + samples.count_in(box)


def _segments(points: Sequence[tuple[Number, Number | None]]) -> list[list[tuple[Number, Number]]]:
    segments: list[list[tuple[Number, Number]]] = [[]]
    for x, y in points:
        if y is None:
            if segments[-1]:
                segments.append([])
        else:
            segments[-1].append((x, y))
    return [s for s in segments if s]


def _legend_places(series: Sequence[Series], *, left: int, right: int) -> list[tuple[int, int]]:
    """(x, row) of each legend entry: left to right, a new row when the next would not fit."""
    places, x, row = [], left, 0
    for item in series:
        entry_width = 30 + int(text_width(item.label))
        if x > left and x + entry_width - 8 > right:
            x, row = left, row + 1
        places.append((x, row))
        x += entry_width
    return places


def _x_ticks(x_min: float, x_max: float, plot_width: float) -> list[float]:
    """Whole-number x labels, as many as fit without touching, ends included when they fit."""
    if x_max <= x_min:
        return [x_min]
    label_width = text_width(f"{x_max:,.0f}") + 10
    scale = plot_width / (x_max - x_min)
    for count in range(max(2, int(plot_width // (label_width * 1.5))), 0, -1):
        ticks, _places = nice_ticks(x_min, x_max, count)
        step = max(1.0, ticks[1] - ticks[0]) if len(ticks) > 1 else 1.0
        if step * scale < label_width:
            continue
        inner = [t for t in ticks if x_min <= t <= x_max and float(t).is_integer()]
        chosen: list[float] = []
        for value in sorted({x_min, *inner, x_max}):
            if all(abs(value - other) * scale >= label_width for other in chosen):
                chosen.append(value)
            elif value == x_max and chosen and chosen[-1] != x_min:
                chosen[-1] = value  # the last day matters more than a round number beside it
        return chosen
    return [x_min, x_max]


def describe(chart: Chart) -> str:
    """The chart as text: each series' first and last value and its range, and each
    reference line, with the chart's own tick format, so a screen reader hears what a
    sighted person sees (a text equivalent; the page's tables carry the exact figures)."""

    def x_text(x: Number) -> str:
        return chart.x_format(float(x)) if chart.x_format else f"{float(x):g}"

    def y_text(y: Number) -> str:
        return _format_y(float(y), 2, chart.y_money)

    parts = []
    for series in chart.series:
        shown = [(x, y) for x, y in series.points if y is not None]
        if not shown:
            parts.append(gettext("%(series)s: no data yet.") % {"series": series.label})
            continue
        (x0, y0), (x1, y1) = shown[0], shown[-1]
        values = [y for _x, y in shown]
        parts.append(
            gettext(
                "%(series)s: %(first)s at %(x_first)s, %(last)s at %(x_last)s "
                "(lowest %(low)s, highest %(high)s, %(count)s points)."
            )
            % {
                "series": series.label,
                "first": y_text(y0),
                "x_first": x_text(x0),
                "last": y_text(y1),
                "x_last": x_text(x1),
                "low": y_text(min(values)),
                "high": y_text(max(values)),
                "count": len(shown),
            }
        )
    for line in chart.hlines:
        parts.append(f"{line.label}: {y_text(line.y)}.")
    for marker in chart.vmarkers:
        parts.append(f"{marker.label}: {x_text(marker.x)}.")
    return " ".join(parts) if parts else gettext("No data yet")


def layout(chart: Chart, *, described: bool = True) -> Layout:
    """`described=False`: without the text equivalent (a PNG carries none: the e-mail's
    table says it)."""
    width, height = chart.width, chart.height
    description = describe(chart) if described else ""
    out = Layout(width=width, height=height, title=chart.title, description=description)
    title = Text(8, 17, chart.title, TEXT_COLOR, size=13, bold=True)
    out.items.append(title)
    points = [(float(x), float(y)) for s in chart.series for x, y in s.points if y is not None]
    if not points:
        out.items.append(
            Text(width / 2, height / 2 + 4, gettext("No data yet"), AXIS_COLOR, 13, "middle")
        )
        return out

    # The y range: data and targets (and 0 for cumulative money), on nice ticks.
    ys = [y for _x, y in points] + [float(h.y) for h in chart.hlines]
    low, high = min(ys), max(ys)
    if chart.y_from_zero:
        low, high = min(0.0, low), max(0.0, high)
    top, bottom = 28, 56
    legend_places = _legend_places(chart.series, left=64, right=width - 16)
    legend_rows = 1 + max((row for _x, row in legend_places), default=0)
    out.height = height = height + LEGEND_ROW_HEIGHT * (legend_rows - 1)
    plot_height = chart.height - top - bottom
    ticks, places = nice_ticks(low, high, count=max(2, min(5, int(plot_height // 22))))
    labels = [_format_y(t, places, chart.y_money) for t in ticks]
    left = int(max(40, 14 + max(text_width(label) for label in labels)))
    left += 16 if chart.y_label else 0
    right = 16
    y_min, y_max = ticks[0], ticks[-1]

    xs = [x for x, _y in points] + [float(m.x) for m in chart.vmarkers]
    if chart.x_span:
        xs += [float(chart.x_span[0]), float(chart.x_span[1])]
    x_min, x_max = min(xs), max(xs)
    base = chart.height - bottom

    def px(x: float) -> float:
        return left + (x - x_min) / ((x_max - x_min) or 1.0) * (width - left - right)

    def py(y: float) -> float:
        return base - (y - y_min) / ((y_max - y_min) or 1.0) * (base - top)

    for tick, label in zip(ticks, labels, strict=True):
        out.items.append(Line(left, py(tick), width - right, py(tick), GRID_COLOR))
        out.items.append(Text(left - 6, py(tick) + 4, label, anchor="end"))
    for value in _x_ticks(x_min, x_max, width - left - right):
        x_text = chart.x_format(value) if chart.x_format else f"{value:,.0f}"
        out.items.append(Text(px(value), base + 16, x_text, anchor="middle"))
    out.items.append(Line(left, base, width - right, base, AXIS_COLOR))
    out.items.append(Line(left, top, left, base, AXIS_COLOR))
    if chart.x_label:
        out.items.append(
            Text((left + width - right) / 2, base + 32, chart.x_label, anchor="middle")
        )
    if chart.y_label:
        out.items.append(Text(12, (top + base) / 2, chart.y_label, anchor="middle", vertical=True))

    # Data first: the labels placed afterwards avoid it.
    data_at, data, samples = len(out.items), [], _Segments()
    for index, item in enumerate(chart.series):
        color = item.color or PALETTE[index % len(PALETTE)]
        dash = (5, 3) if item.dashed else None
        for segment in _segments(item.points):
            coords = tuple((px(float(x)), py(float(y))) for x, y in segment)
            samples.add(coords)
            if len(coords) > 1:
                data.append(Polyline(coords, color, item.width, dash))
            if item.dots or len(coords) == 1:
                data.extend(Dot(x, y, 2.5, color) for x, y in coords)
        legend_x, legend_row = legend_places[index]
        legend_y = chart.height - 10 + LEGEND_ROW_HEIGHT * legend_row
        out.items.append(Line(legend_x, legend_y - 4, legend_x + 18, legend_y - 4, color, 2, dash))
        out.items.append(Text(legend_x + 22, legend_y, item.label, TEXT_COLOR))

    placed: list[Box] = [_text_box(title)]
    for marker in chart.vmarkers:
        x = px(float(marker.x))
        out.items.append(Line(x, top, x, base, marker.color, 1, (3, 3)))
        candidates = [
            Text(x + dx, top + 10 + row * 12, marker.label, marker.color, 10, anchor)
            for row in range(3)
            for dx, anchor in ((4, "start"), (-4, "end"))
        ]
        out.items.append(_place(candidates, placed, samples, left, width - right))
    for line in chart.hlines:
        y = py(float(line.y))
        out.items.append(Line(left, y, width - right, y, line.color, 1.5, (6, 4)))
        candidates = [
            Text(x, y + dy, line.label, line.color, FONT_SIZE, anchor)
            for x, anchor in (
                (width - right - 4, "end"),
                (left + 4, "start"),
                ((left + width - right) / 2, "middle"),
            )
            for dy in (-4, FONT_SIZE + 3)
        ]
        out.items.append(_place(candidates, placed, samples, left, width - right))
    out.items[data_at:data_at] = data  # over the grid, under the labels
    return out


def _place(
    candidates: list[Text], placed: list[Box], samples: _Segments, left: float, right: float
) -> Text:
    """The first candidate that collides with nothing (else the least colliding); recorded."""
    best, best_hits = candidates[0], None
    for candidate in candidates:
        box = _text_box(candidate)
        if box[0] < left - 2 or box[2] > right + 2:
            continue
        hits = _hits(box, placed, samples)
        if best_hits is None or hits < best_hits:
            best, best_hits = candidate, hits
        if hits == 0:
            break
    placed.append(_text_box(best))
    return best


# --- SVG -----------------------------------------------------------------------------------------


def _dash_attr(dash: tuple[int, int] | None) -> str:
    return f' stroke-dasharray="{dash[0]} {dash[1]}"' if dash else ""


def to_svg(plan: Layout) -> SafeString:
    title = escape(plan.title)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {plan.width} {plan.height}" '
        f'class="vp-chart" role="img" aria-label="{title}" '
        f'style="max-width:100%;height:auto;font-family:sans-serif;font-size:{FONT_SIZE}px">',
        f"<title>{title}</title>",
        f"<desc>{escape(plan.description)}</desc>",
    ]
    for item in plan.items:
        if isinstance(item, Line):
            out.append(
                f'<line x1="{item.x1:.1f}" y1="{item.y1:.1f}" x2="{item.x2:.1f}" y2="{item.y2:.1f}" '
                f'stroke="{item.color}" stroke-width="{item.width:g}"{_dash_attr(item.dash)}/>'
            )
        elif isinstance(item, Polyline):
            coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in item.points)
            out.append(
                f'<polyline points="{coords}" fill="none" stroke="{item.color}" '
                f'stroke-width="{item.width:g}"{_dash_attr(item.dash)}/>'
            )
        elif isinstance(item, Dot):
            out.append(
                f'<circle cx="{item.x:.1f}" cy="{item.y:.1f}" r="{item.r:g}" fill="{item.color}"/>'
            )
        elif isinstance(item, Text):
            extra = ' font-weight="bold"' if item.bold else ""
            extra += f' font-size="{item.size}"' if item.size != FONT_SIZE else ""
            extra += f' text-anchor="{item.anchor}"' if item.anchor != "start" else ""
            if item.vertical:
                extra += f' transform="rotate(-90 {item.x:.1f} {item.y:.1f})"'
            out.append(
                f'<text x="{item.x:.1f}" y="{item.y:.1f}" fill="{item.color}"{extra}>'
                f"{escape(item.text)}</text>"
            )
    out.append("</svg>")
    return mark_safe("".join(out))  # noqa: S308 - every text above is escaped


def line_chart_svg(**chart) -> SafeString:
    """`Chart(**chart)` laid out and drawn as inline SVG."""
    return to_svg(layout(Chart(**chart)))


# --- PNG (Pillow: mail clients do not render SVG) ---------------------------------------------


@lru_cache(maxsize=8)
def _font(size: int, bold: bool) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    names = ("DejaVuSans-Bold.ttf", "LiberationSans-Bold.ttf") if bold else ()
    for name in (*names, "DejaVuSans.ttf", "LiberationSans-Regular.ttf"):
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


def _rgb(color: str) -> tuple[int, int, int]:
    color = color.lstrip("#")
    return int(color[0:2], 16), int(color[2:4], 16), int(color[4:6], 16)


def _dashes(x1, y1, x2, y2, dash):
    length = math.hypot(x2 - x1, y2 - y1)
    on, off = dash
    position = 0.0
    while position < length:
        end = min(position + on, length)
        yield (
            (x1 + (x2 - x1) * position / length, y1 + (y2 - y1) * position / length),
            (x1 + (x2 - x1) * end / length, y1 + (y2 - y1) * end / length),
        )
        position += on + off


def _draw(image: Image.Image, plan: Layout, offset: int, palette: dict[str, int]) -> None:
    draw = ImageDraw.Draw(image)
    for item in plan.items:
        if isinstance(item, Line | Polyline):
            coords = (
                [(item.x1, item.y1), (item.x2, item.y2)]
                if isinstance(item, Line)
                else list(item.points)
            )
            coords = [(x, y + offset) for x, y in coords]
            width = max(1, round(item.width))
            if item.dash:
                for a, b in zip(coords, coords[1:], strict=False):
                    for start, end in _dashes(*a, *b, item.dash):
                        draw.line([start, end], fill=palette[item.color], width=width)
            else:
                draw.line(coords, fill=palette[item.color], width=width, joint="curve")
        elif isinstance(item, Dot):
            y = item.y + offset
            draw.ellipse(
                [item.x - item.r, y - item.r, item.x + item.r, y + item.r],
                fill=palette[item.color],
            )
        elif isinstance(item, Text):
            mask, left, top = _text_mask(item.text, item.size, item.bold)
            if item.vertical:
                mask = mask.rotate(90, expand=True)
                corner = (item.x - mask.size[0] / 2, item.y + offset - mask.size[1] / 2)
            else:
                shift = {"start": left, "middle": -mask.size[0] / 2, "end": -mask.size[0]}
                corner = (item.x + shift[item.anchor], item.y + offset + top)
            image.paste(palette[item.color], (round(corner[0]), round(corner[1])), mask)


@lru_cache(maxsize=4096)
def _text_mask(text: str, size: int, bold: bool) -> tuple[Image.Image, int, int]:
    """Text drawn once as a 1-bit mask, with its offset from the baseline start: labels repeat
    from chart to chart, and font rendering is most of a chart's cost."""
    font = _font(size, bold)
    left, top, right, bottom = font.getbbox(text, anchor="ls")
    mask = Image.new("1", (max(1, right - left), max(1, bottom - top)), 0)
    ImageDraw.Draw(mask).text((-left, -top), text, fill=1, font=font, anchor="ls")
    return mask, left, top


def to_png(plans: Sequence[Layout]) -> bytes:
    """The layouts drawn one under the other in one small palette PNG."""
    width = max(plan.width for plan in plans)
    height = sum(plan.height for plan in plans)
    colors = ["#ffffff"]
    for plan in plans:
        for item in plan.items:
            if item.color not in colors:
                colors.append(item.color)
    palette = {color: index for index, color in enumerate(colors)}
    image = Image.new("P", (width, height), 0)
    image.putpalette([c for color in colors for c in _rgb(color)])
    offset = 0
    for plan in plans:
        _draw(image, plan, offset, palette)
        offset += plan.height
    buffer = io.BytesIO()
    # zlib's fastest level: half the encoding time of the default for ~20% more bytes (a few
    # KB in an e-mail), and encoding was a third of a chart's cost.
    image.save(buffer, format="PNG", compress_level=1, compress_type=zlib.Z_RLE)
    return buffer.getvalue()


def charts_png(charts: Sequence[Chart]) -> bytes:
    return to_png([layout(chart, described=False) for chart in charts])
