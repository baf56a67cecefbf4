"""Cumulative-cost data mapped to the chart model of `common.charts` (which draws it)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.safestring import SafeString
from django.utils.translation import gettext

from common.charts import PALETTE, Series, VMarker, line_chart_svg
from costing.comparison import Comparison
from costing.engine import Estimate, LiveStaffing

IN_HOUSE_COLOR = "#212529"
OUTSOURCED_COLOR = PALETTE[0]
# A comparison spans the page: a wider drawing keeps its text at a readable size.
WIDE, WIDE_HEIGHT = 960, 360


def _in_house_series(points: list[tuple[int, Decimal]]) -> Series:
    # Dashed and dark: the baseline every other line is read against.
    return Series(gettext("In-house"), points, color=IN_HOUSE_COLOR, dashed=True)


def cumulative_chart(estimate: Estimate) -> SafeString:
    """In-house against the outsourced offer, month by month, break-even month marked."""
    rows = estimate.cumulative
    markers = []
    if estimate.break_even_month is not None:
        markers.append(
            VMarker(
                gettext("Break-even: month %(month)s") % {"month": estimate.break_even_month},
                x=estimate.break_even_month,
            )
        )
    return line_chart_svg(
        title=gettext("Cumulative cost"),
        series=[
            _in_house_series([(row.month, row.in_house) for row in rows]),
            Series(
                gettext("Outsourced"),
                [(row.month, row.outsourced) for row in rows],
                color=OUTSOURCED_COLOR,
            ),
        ],
        vmarkers=markers,
        x_label=gettext("Month"),
        y_money=True,
        y_from_zero=True,  # cumulative money: 0 is where it starts
    )


def comparison_chart(comparison: Comparison) -> SafeString:
    """One line per priced quote plus the in-house baseline, in ranking order."""
    months = range(1, comparison.months + 1)
    series = [_in_house_series(list(zip(months, comparison.in_house_cumulative, strict=True)))]
    priced = [(c.quote.vendor.name, c.estimate) for c in comparison.columns if c.estimate]
    for index, (vendor_name, estimate) in enumerate(priced):
        series.append(
            Series(
                vendor_name,
                [(row.month, row.outsourced) for row in estimate.cumulative],
                color=PALETTE[index % len(PALETTE)],
                # Past the palette's eight colours, dots tell two lines of one colour apart.
                dots=index >= len(PALETTE),
            )
        )
    return line_chart_svg(
        title=gettext("Cumulative cost over %(months)s months") % {"months": comparison.months},
        series=series,
        x_label=gettext("Month"),
        y_money=True,
        y_from_zero=True,  # cumulative money: 0 is where it starts
        width=WIDE,
        height=WIDE_HEIGHT,
    )


def _clock(value: float) -> str:
    return f"{int(value) % 24:02d}:00"


def staffing_chart(staffing: LiveStaffing, *, opens_at_hour: int, title: str) -> SafeString:
    """Seats per open hour as a step line (what a workforce planner schedules), with the
    traffic in Erlangs beneath it: the gap between the two is the queue's safety margin."""
    seats: list[tuple[int, int]] = []
    erlangs: list[tuple[int, Decimal]] = []
    for row in staffing.hours:
        start = opens_at_hour + row.hour - 1
        seats += [(start, row.seats), (start + 1, row.seats)]
        erlangs += [(start, row.erlangs), (start + 1, row.erlangs)]
    return line_chart_svg(
        title=title,
        series=[
            Series(gettext("Seats"), seats, color=OUTSOURCED_COLOR),
            Series(gettext("Traffic (Erlangs)"), erlangs, color=IN_HOUSE_COLOR, dashed=True),
        ],
        x_label=gettext("Hour of the day"),
        y_label=gettext("Agents"),
        y_from_zero=True,  # seats count from 0: the margin over the traffic stays visible
        x_format=_clock,
    )
