"""Line charts rendered on the server as inline SVG: no CDN, no JavaScript, prints well.

Used for cumulative cost lines (costing) and KPI trends against thresholds (pilots).
Coordinates are floats; the values they draw stay Decimal until they reach here.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from html import escape

from django.utils.safestring import SafeString, mark_safe

LEGEND_ROW_HEIGHT = 16
PALETTE = ("#0d6efd", "#d63384", "#198754", "#fd7e14", "#6f42c1", "#20c997", "#dc3545", "#6c757d")

Number = int | float | Decimal


@dataclass(frozen=True)
class Series:
    label: str
    points: Sequence[tuple[Number, Number | None]]  # (x, y); y None leaves a gap
    color: str | None = None
    dashed: bool = False
    dots: bool = False


@dataclass(frozen=True)
class HLine:
    """A horizontal reference line, e.g. a KPI threshold."""

    label: str
    y: Number
    color: str = "#dc3545"


@dataclass(frozen=True)
class VMarker:
    """A vertical marker, e.g. the break-even month or a checkpoint day."""

    label: str
    x: Number
    color: str = "#198754"


@dataclass
class _Frame:
    width: int
    height: int
    left: int = 64
    right: int = 16
    top: int = 28
    bottom: int = 56
    x_min: float = 0.0
    x_max: float = 1.0
    y_min: float = 0.0
    y_max: float = 1.0
    ticks: list[float] = field(default_factory=list)

    def x(self, value: float) -> float:
        span = (self.x_max - self.x_min) or 1.0
        return self.left + (value - self.x_min) / span * (self.width - self.left - self.right)

    def y(self, value: float) -> float:
        span = (self.y_max - self.y_min) or 1.0
        return (
            self.height
            - self.bottom
            - (value - self.y_min) / span * (self.height - self.top - self.bottom)
        )


def _nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    if high <= low:
        high = low + 1.0
    raw = (high - low) / count
    magnitude = 10 ** len(str(int(raw))) / 10 if raw >= 1 else 1.0
    while magnitude > raw:
        magnitude /= 10
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = (low // step) * step
    ticks, value = [], start
    while value <= high + step * 0.5:
        ticks.append(round(value, 10))
        value += step
    return ticks


def _default_format(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:g}"


def line_chart_svg(
    *,
    title: str,
    series: Sequence[Series],
    hlines: Sequence[HLine] = (),
    vmarkers: Sequence[VMarker] = (),
    x_label: str = "",
    y_label: str = "",
    y_format: Callable[[float], str] = _default_format,
    x_format: Callable[[float], str] = _default_format,
    y_from_zero: bool = True,
    width: int = 640,
    height: int = 280,
) -> SafeString:
    xs = [float(x) for s in series for x, y in s.points if y is not None]
    ys = [float(y) for s in series for _, y in s.points if y is not None]
    ys += [float(h.y) for h in hlines]
    xs += [float(m.x) for m in vmarkers]
    frame = _Frame(width=width, height=height)
    # A long legend (a comparison of ten vendors) wraps onto extra rows below the plot
    # instead of running off the right edge; one row leaves the drawing as it was.
    legend_places = _legend_places(series, left=frame.left, right=width - frame.right)
    legend_rows = 1 + max((row for _x, row in legend_places), default=0)
    total_height = height + LEGEND_ROW_HEIGHT * (legend_rows - 1)
    if xs:
        frame.x_min, frame.x_max = min(xs), max(xs)
    if ys:
        low = min(0.0, min(ys)) if y_from_zero else min(ys)
        frame.ticks = _nice_ticks(low, max(ys))
        frame.y_min, frame.y_max = frame.ticks[0], frame.ticks[-1]

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {total_height}" '
        f'class="vp-chart" role="img" aria-label="{escape(title)}" '
        f'style="max-width:100%;height:auto;font-family:sans-serif;font-size:11px">',
        f"<title>{escape(title)}</title>",
        f'<text x="{frame.left}" y="16" font-size="13" font-weight="bold">{escape(title)}</text>',
    ]
    for tick in frame.ticks:
        y = frame.y(tick)
        out.append(
            f'<line x1="{frame.left}" x2="{width - frame.right}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="#dee2e6" stroke-width="1"/>'
            f'<text x="{frame.left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#495057">'
            f"{escape(y_format(tick))}</text>"
        )
    if xs:
        for x_value in sorted({frame.x_min, frame.x_max, *_x_ticks(frame)}):
            x = frame.x(x_value)
            out.append(
                f'<text x="{x:.1f}" y="{height - frame.bottom + 16}" text-anchor="middle" '
                f'fill="#495057">{escape(x_format(x_value))}</text>'
            )
    base = height - frame.bottom
    out.append(
        f'<line x1="{frame.left}" x2="{width - frame.right}" y1="{base}" y2="{base}" stroke="#6c757d"/>'
    )
    if x_label:
        out.append(
            f'<text x="{(frame.left + width - frame.right) / 2:.1f}" y="{height - frame.bottom + 32}" '
            f'text-anchor="middle" fill="#495057">{escape(x_label)}</text>'
        )
    if y_label:
        out.append(
            f'<text x="12" y="{(frame.top + base) / 2:.1f}" text-anchor="middle" fill="#495057" '
            f'transform="rotate(-90 12 {(frame.top + base) / 2:.1f})">{escape(y_label)}</text>'
        )
    for marker in vmarkers:
        x = frame.x(float(marker.x))
        out.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{frame.top}" y2="{base}" stroke="{marker.color}" '
            f'stroke-dasharray="3 3"/><text x="{x + 4:.1f}" y="{frame.top + 10}" '
            f'fill="{marker.color}">{escape(marker.label)}</text>'
        )
    for line in hlines:
        y = frame.y(float(line.y))
        out.append(
            f'<line x1="{frame.left}" x2="{width - frame.right}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="{line.color}" stroke-width="1.5" stroke-dasharray="6 4"/>'
            f'<text x="{width - frame.right - 4}" y="{y - 4:.1f}" text-anchor="end" '
            f'fill="{line.color}">{escape(line.label)}</text>'
        )
    for index, item in enumerate(series):
        color = item.color or PALETTE[index % len(PALETTE)]
        dash = ' stroke-dasharray="5 3"' if item.dashed else ""
        for segment in _segments(item.points):
            coords = " ".join(
                f"{frame.x(float(x)):.1f},{frame.y(float(y)):.1f}" for x, y in segment
            )
            out.append(
                f'<polyline points="{coords}" fill="none" stroke="{color}" stroke-width="2"{dash}/>'
            )
            if item.dots or len(segment) == 1:
                out.extend(
                    f'<circle cx="{frame.x(float(x)):.1f}" cy="{frame.y(float(y)):.1f}" r="2.5" '
                    f'fill="{color}"/>'
                    for x, y in segment
                )
        legend_x, legend_row = legend_places[index]
        legend_y = height - 10 + LEGEND_ROW_HEIGHT * legend_row
        out.append(
            f'<line x1="{legend_x}" x2="{legend_x + 18}" y1="{legend_y - 4}" y2="{legend_y - 4}" '
            f'stroke="{color}" stroke-width="2"{dash}/><text x="{legend_x + 22}" y="{legend_y}">'
            f"{escape(item.label)}</text>"
        )
    out.append("</svg>")
    return mark_safe("".join(out))  # noqa: S308 - every text above is escaped


def _legend_places(series: Sequence[Series], *, left: int, right: int) -> list[tuple[int, int]]:
    """(x, row) of each legend entry: left to right, a new row when the next would not fit."""
    places, x, row = [], left, 0
    for item in series:
        entry_width = 30 + 7 * len(item.label)
        if x > left and x + entry_width - 8 > right:
            x, row = left, row + 1
        places.append((x, row))
        x += entry_width
    return places


def _x_ticks(frame: _Frame, count: int = 6) -> list[float]:
    span = frame.x_max - frame.x_min
    if span <= 0:
        return []
    step = max(1, round(span / count))
    return [frame.x_min + step * i for i in range(int(span // step) + 1)]


def _segments(points: Sequence[tuple[Number, Number | None]]) -> list[list[tuple[Number, Number]]]:
    segments: list[list[tuple[Number, Number]]] = [[]]
    for x, y in points:
        if y is None:
            if segments[-1]:
                segments.append([])
        else:
            segments[-1].append((x, y))
    return [s for s in segments if s]
